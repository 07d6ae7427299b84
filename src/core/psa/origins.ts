/**
 * Which PSA origins Trueup will talk to. Pure URL checks, no I/O.
 *
 * - A ConnectWise site is an https origin (the `api-` host for cloud,
 *   psa-and-vendor-apis.md §2.1) or, in development only, a plain-http
 *   loopback origin (the local simulator).
 * - An Autotask zone URL comes from zoneInformation and must be an
 *   `*.autotask.net` https URL (§3.1), or loopback in development.
 * - The pod's web origins: a cloud API host minus its `api-` prefix
 *   (https://api-na.myconnectwise.net → https://na.myconnectwise.net).
 */
import { err, ok, type Result } from "../shared/result.ts";

const LOOPBACK_HOSTS = new Set(["127.0.0.1", "localhost", "[::1]"]);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname.toLowerCase());
}

/** IPv4 dotted quads and bracketed IPv6 literals (WHATWG URL normalises other IPv4 spellings). */
export function isIpLiteral(hostname: string): boolean {
  return hostname.startsWith("[") || /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname);
}

/**
 * Normalises a configured site to its origin. https with a DNS name, or
 * http on a loopback host when `allowInsecure` (dev/test only).
 */
export function parseSiteOrigin(input: string, allowInsecure: boolean): Result<string, string> {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return err("must be an origin such as https://api-na.myconnectwise.net");
  }
  if (url.username || url.password) return err("must not contain credentials");
  if ((url.pathname !== "/" && url.pathname !== "") || url.search || url.hash) return err("must be an origin without a path or query");
  if (url.protocol === "https:" && !isIpLiteral(url.hostname)) return ok(url.origin);
  if (url.protocol === "http:" && allowInsecure && isLoopbackHost(url.hostname)) return ok(url.origin);
  return err(allowInsecure ? "must be https (or http on a loopback host)" : "must be https");
}

/** The PSA web-UI origins allowed to frame the pod for a ConnectWise site. */
export function connectWiseWebOrigins(siteOrigin: string): string[] {
  const url = new URL(siteOrigin);
  const cloud = /^api-(.+\.(?:myconnectwise\.net|connectwisedev\.com))$/.exec(url.hostname);
  if (url.protocol === "https:" && cloud?.[1]) return [`https://${cloud[1]}`];
  return [url.origin];
}

/** Validates the REST base an Autotask zoneInformation answer points at; returns `<url>v1.0`. */
export function parseAutotaskZoneUrl(input: string, allowInsecure: boolean): Result<{ apiBaseUrl: string; origin: string }, string> {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    return err("zone url is not a URL");
  }
  const trusted =
    (url.protocol === "https:" && /^webservices\d*\.autotask\.net$/.test(url.hostname) && url.port === "") ||
    (url.protocol === "http:" && allowInsecure && isLoopbackHost(url.hostname));
  if (!trusted || url.username || url.password || url.search || url.hash) return err(`untrusted Autotask zone url ${url.origin}`);
  const base = url.pathname.endsWith("/") ? url.pathname : `${url.pathname}/`;
  return ok({ apiBaseUrl: `${url.origin}${base}v1.0`, origin: url.origin });
}

/** Autotask's zone lookup origin: the public one, or a loopback simulator in development. */
export function parseZoneLookupOrigin(input: string | undefined, allowInsecure: boolean): Result<string, string> {
  if (input === undefined) return ok("https://webservices.autotask.net");
  const site = parseSiteOrigin(input, allowInsecure);
  if (!site.ok) return site;
  const host = new URL(site.value).hostname;
  if (/^webservices\d*\.autotask\.net$/.test(host) || isLoopbackHost(host)) return site;
  return err("must be https://webservices.autotask.net (or a loopback simulator in development)");
}
