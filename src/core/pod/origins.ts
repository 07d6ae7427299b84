/**
 * The tenant's PSA web-UI origins: the only parents allowed to frame the pod
 * (CSP frame-ancestors) and the only senders/receivers of its postMessage
 * traffic. Matching is exact string equality of serialized origins, never a
 * prefix test: `event.origin.startsWith("https://na.myconnectwise.net")`
 * also accepts `https://na.myconnectwise.net.evil.com` (reference:
 * reliability-and-security.md §2.2 and §4, MDN postMessage).
 * Pure: no I/O.
 */

export interface OriginPolicy {
  /** Plain-http loopback origins are allowed (local simulators; never in production). */
  allowInsecureLoopback: boolean;
}

export interface ParsedOrigins {
  origins: string[];
  /** Entries that are not a bare origin in canonical form, or not allowed by the policy. */
  rejected: string[];
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Canonical origin of `value` when it is exactly a bare origin (scheme://host[:port]), else null. */
export function canonicalOrigin(value: string, policy: OriginPolicy): string | null {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return null;
  }
  // Exact form only: no path, query, fragment, userinfo or trailing slash sneaks through.
  if (url.origin !== value) return null;
  if (url.protocol === "https:") return url.origin;
  if (url.protocol === "http:" && policy.allowInsecureLoopback && isLoopbackHost(url.hostname)) return url.origin;
  return null;
}

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || hostname.endsWith(".localhost");
}

/** Parses `psa_integrations.web_origins` (a JSON array of origins). Anything malformed is rejected, never guessed at. */
export function parseWebOrigins(json: string, policy: OriginPolicy): ParsedOrigins {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { origins: [], rejected: [json] };
  }
  if (!Array.isArray(raw)) return { origins: [], rejected: [json] };
  const origins: string[] = [];
  const rejected: string[] = [];
  for (const entry of raw) {
    const origin = typeof entry === "string" ? canonicalOrigin(entry, policy) : null;
    if (origin === null) rejected.push(String(entry));
    else if (!origins.includes(origin)) origins.push(origin);
  }
  return { origins, rejected };
}

/** Exact match against the allow-list; the opaque origin "null" never matches. */
export function isAllowedOrigin(origin: string, allowed: readonly string[]): boolean {
  return origin !== "null" && allowed.includes(origin);
}
