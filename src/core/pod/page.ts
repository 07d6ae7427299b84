/**
 * Pod page HTML: the built ui/index.html with the boot configuration put in a
 * `data-boot` attribute of the #app element (JSON, HTML-escaped) — data, not
 * script, so the page keeps `script-src 'self'` without inline code. Pure.
 */

/** What the UI needs before it can talk to anyone: which view, and whom to trust. */
export type PodBoot =
  | { mode: "connectwise"; integrationId: string; origins: string[]; cwId: string | null; screen: string | null }
  | { mode: "standalone"; tenantId: string; contractId: string | null; companyId: string | null };

export function escapeHtmlAttribute(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/'/g, "&#39;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const APP_ELEMENT = /<div id="app"/;

/** Inserts the boot attribute into `<div id="app"`; throws when the built page has no such element. */
export function injectBoot(html: string, boot: PodBoot): string {
  if (!APP_ELEMENT.test(html)) throw new Error('The built pod page has no <div id="app">');
  return html.replace(APP_ELEMENT, `<div id="app" data-boot="${escapeHtmlAttribute(JSON.stringify(boot))}"`);
}
