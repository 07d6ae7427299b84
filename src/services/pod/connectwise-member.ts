/**
 * Verifies a ConnectWise member before the pod gets a session: the member's
 * Hosted API credentials are replayed to ConnectWise as cookies on
 * `GET {apiBaseUrl}/system/myMembers/info` with our clientId header, and only
 * a 200 whose `identifier` equals the claimed member id counts (reference:
 * psa-and-vendor-apis.md §2.1 "Cookie auth (Hosted API only)" and §2.6
 * "Server-side verification of a pod user"). The company id in the cookie
 * and the API base come from OUR integration row, never from the client: a
 * member of another ConnectWise company, or a forged memberHash, gets 401.
 */
import { canonicalOrigin, type OriginPolicy } from "../../core/pod/origins.ts";
import { memberCookieHeader, sameIdentifier, type MemberAuth } from "../../core/pod/member-auth.ts";

export interface PodIntegration {
  id: string;
  tenantId: string;
  kind: string;
  status: string;
  apiBaseUrl: string;
  webOrigins: string;
  loginCompanyId: string | null;
  clientId: string | null;
}

export type MemberCheck =
  | { ok: true; identifier: string; name: string | null }
  | { ok: false; reason: "misconfigured" | "wrong-company" | "rejected" | "unavailable"; detail: string };

/** ConnectWise answers within seconds; a hung call must not hold the pod's sign-in. */
const VERIFY_TIMEOUT_MS = 10_000;

/** The myMembers/info URL from our configured API base, if that base is an allowed origin. */
export function memberInfoUrl(apiBaseUrl: string, policy: OriginPolicy): URL | null {
  let base: URL;
  try {
    base = new URL(apiBaseUrl);
  } catch {
    return null;
  }
  if (canonicalOrigin(base.origin, policy) === null || base.username || base.password) return null;
  const path = base.pathname.replace(/\/+$/, "");
  return new URL(`${base.origin}${path}/system/myMembers/info`);
}

export async function verifyConnectWiseMember(integration: PodIntegration, auth: MemberAuth, policy: OriginPolicy): Promise<MemberCheck> {
  const { loginCompanyId, clientId } = integration;
  if (!loginCompanyId || !clientId) return { ok: false, reason: "misconfigured", detail: "loginCompanyId or clientId missing" };
  if (!sameIdentifier(auth.companyid, loginCompanyId)) return { ok: false, reason: "wrong-company", detail: auth.companyid };
  const url = memberInfoUrl(integration.apiBaseUrl, policy);
  if (!url) return { ok: false, reason: "misconfigured", detail: "apiBaseUrl is not an allowed https origin" };
  let res: Response;
  try {
    res = await fetch(url, {
      method: "GET",
      redirect: "manual",
      signal: AbortSignal.timeout(VERIFY_TIMEOUT_MS),
      headers: { accept: "application/json", clientId, cookie: memberCookieHeader(loginCompanyId, auth) },
    });
  } catch (error) {
    return { ok: false, reason: "unavailable", detail: error instanceof Error ? error.message : String(error) };
  }
  return readMemberInfo(res, auth.memberid);
}

async function readMemberInfo(res: Response, claimedMemberId: string): Promise<MemberCheck> {
  // 401 = invalid or expired member credentials; 403 = no rights. Anything else unexpected is an outage, not a verdict.
  if (res.status === 401 || res.status === 403) return { ok: false, reason: "rejected", detail: `ConnectWise answered ${res.status}` };
  if (res.status !== 200) return { ok: false, reason: "unavailable", detail: `ConnectWise answered ${res.status}` };
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    return { ok: false, reason: "unavailable", detail: "ConnectWise answered with invalid JSON" };
  }
  const identifier = (body as { identifier?: unknown } | null)?.identifier;
  const inactive = (body as { inactiveFlag?: unknown } | null)?.inactiveFlag === true;
  if (typeof identifier !== "string" || !sameIdentifier(identifier, claimedMemberId) || inactive) {
    return { ok: false, reason: "rejected", detail: "member identifier does not match" };
  }
  const name = [(body as { firstName?: unknown }).firstName, (body as { lastName?: unknown }).lastName].filter((p): p is string => typeof p === "string" && p.trim() !== "").join(" ").trim();
  return { ok: true, identifier, name: name === "" ? null : name.slice(0, 200) };
}
