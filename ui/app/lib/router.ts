/**
 * Paths of the workspace: `/app/<tenantId>/<page>`. The tenant comes from the
 * URL; pages change with history.pushState (links stay real links, so a new
 * tab or a reload opens the same page).
 */
import { useEffect, useState } from "preact/hooks";

export const PAGES = ["", "connections", "mappings", "health", "activity", "users"] as const;
export type Page = (typeof PAGES)[number];

export function tenantFromPath(pathname: string): string | null {
  const m = /^\/app\/([A-Za-z0-9_-]{1,100})(\/|$)/.exec(pathname);
  return m?.[1] ?? null;
}

export function pageFromPath(pathname: string): Page | null {
  const rest = pathname.replace(/^\/app\/[^/]+\/?/, "").replace(/\/$/, "");
  return (PAGES as readonly string[]).includes(rest) ? (rest as Page) : null;
}

export function pageHref(tenantId: string, page: Page): string {
  return `/app/${tenantId}/${page}`;
}

export function navigate(href: string): void {
  if (href === location.pathname + location.search) return;
  history.pushState(null, "", href);
  dispatchEvent(new PopStateEvent("popstate"));
}

/** The current pathname, updated on navigation. */
export function usePathname(): string {
  const [path, setPath] = useState(location.pathname);
  useEffect(() => {
    const on = () => setPath(location.pathname);
    addEventListener("popstate", on);
    return () => removeEventListener("popstate", on);
  }, []);
  return path;
}

/** Handles a plain left click on an in-app link without a reload. */
export function onLinkClick(e: MouseEvent): void {
  const a = (e.currentTarget as HTMLAnchorElement | null) ?? null;
  if (!a || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
  e.preventDefault();
  navigate(a.getAttribute("href") ?? "/");
}
