/**
 * Allow-listing of ConnectWise's `Metadata.key_url` before anything fetches it.
 * The URL arrives in an unverified body, so fetching it blindly is SSRF and
 * lets an attacker choose the key (reliability-and-security.md §2.1). Accepted:
 * https on a ConnectWise cloud host (Nango's list, psa-and-vendor-apis.md
 * §2.5, plus the staging API host of §2.1) on the default port, or exactly the
 * tenant's configured site origin (on-prem, or the loopback simulator when
 * insecure origins are allowed). Never userinfo, fragments, IP literals or
 * other ports. Pure.
 */
import { err, ok, type Result } from "../shared/result.ts";
import { isIpLiteral, isLoopbackHost } from "./origins.ts";

export const CONNECTWISE_KEY_HOSTS: ReadonlySet<string> = new Set([
  "api-na.myconnectwise.net",
  "api-eu.myconnectwise.net",
  "api-au.myconnectwise.net",
  "sandbox-na.myconnectwise.net",
  "sandbox-eu.myconnectwise.net",
  "sandbox-au.myconnectwise.net",
  "na.myconnectwise.net",
  "eu.myconnectwise.net",
  "au.myconnectwise.net",
  "api-staging.connectwisedev.com",
]);

export interface KeyUrlPolicy {
  /** The integration's configured site origin (already validated at connect time). */
  siteOrigin: string;
  /** Dev/test only: the site origin may be plain-http loopback. */
  allowInsecure: boolean;
}

export function checkKeyUrl(raw: string, policy: KeyUrlPolicy): Result<URL, string> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return err("key_url is not a URL");
  }
  if (url.username || url.password) return err("key_url carries credentials");
  if (url.hash || raw.includes("#")) return err("key_url has a fragment");
  if (url.origin === policy.siteOrigin && isSiteAllowed(url, policy.allowInsecure)) return ok(url);
  if (url.protocol !== "https:") return err(`key_url must be https (got ${url.protocol})`);
  if (isIpLiteral(url.hostname)) return err("key_url host is an IP literal");
  if (url.port !== "") return err("key_url uses a non-default port");
  if (!CONNECTWISE_KEY_HOSTS.has(url.hostname)) return err(`key_url host ${url.hostname} is not a ConnectWise host`);
  return ok(url);
}

function isSiteAllowed(url: URL, allowInsecure: boolean): boolean {
  if (url.protocol === "https:") return !isIpLiteral(url.hostname);
  return url.protocol === "http:" && allowInsecure && isLoopbackHost(url.hostname);
}
