/**
 * Security headers of pod pages. `frame-ancestors` lists the tenant's PSA
 * origins only ('none' when there are none, or for the standalone view); it
 * cannot be set from a <meta> tag and supersedes X-Frame-Options, which pod
 * pages must not send (SAMEORIGIN would block the PSA). Scripts and styles
 * come from our own origin only: no inline script (reference:
 * reliability-and-security.md §4, MDN frame-ancestors). Pure.
 */

/** Builds the Content-Security-Policy of a pod page; `frameAncestors` must be canonical origins. */
export function buildPodCsp(frameAncestors: readonly string[]): string {
  for (const origin of frameAncestors) {
    // Canonical origins never contain these; refuse rather than emit a header an origin could extend.
    if (/[\s;,'"]/.test(origin)) throw new Error(`Not a canonical origin: ${origin}`);
  }
  const ancestors = frameAncestors.length > 0 ? frameAncestors.join(" ") : "'none'";
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${ancestors}`,
  ].join("; ");
}

/** Every header a pod page carries (no X-Frame-Options on purpose). */
export function podPageHeaders(frameAncestors: readonly string[]): Record<string, string> {
  return {
    "Content-Security-Policy": buildPodCsp(frameAncestors),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Content-Type": "text/html; charset=utf-8",
  };
}

/**
 * The policy for every other HTML response (the landing page and any HTML
 * asset): the pod's, never framed (`frame-ancestors 'none'`), Content-Type
 * left as the response has it. A response that already carries a CSP (a pod
 * page with its tenant's frame-ancestors) keeps its own.
 */
export function htmlPolicyHeaders(): Record<string, string> {
  const { "Content-Type": _type, ...rest } = podPageHeaders([]);
  return rest;
}
