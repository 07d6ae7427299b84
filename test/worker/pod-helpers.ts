/**
 * Helpers of the pod integration tests: a ConnectWise integration row, a tiny
 * fake of the one ConnectWise endpoint the pod uses (`GET /system/myMembers/info`
 * with the member's cookies, psa-and-vendor-apis.md §2.6) behind a
 * globalThis.fetch stub, and a member sign-in.
 */
import { env } from "cloudflare:workers";
import { vi } from "vitest";
import type { PodSessionResponse } from "../../src/shared/pod-types.ts";
import { postJson } from "./helpers/http.ts";

export const CW_API_BASE = "https://api-na.cw.test/v4_6_release/apis/3.0";
export const CW_CLIENT_ID = "5b1a7c2e-0f3d-4e8a-9b6c-1d2e3f4a5b6c";
export const CW_COMPANY = "NorthwindIT";
export const PSA_ORIGIN = "https://na.cw.test";

export interface IntegrationRow {
  id: string;
  tenantId: string;
  kind?: string;
  status?: string;
  webOrigins?: unknown[] | string;
  apiBaseUrl?: string;
}

export async function insertIntegration(row: IntegrationRow): Promise<void> {
  const origins = row.webOrigins ?? [PSA_ORIGIN];
  await env.DB.prepare(
    `INSERT INTO psa_integrations (id, tenant_id, kind, status, api_base_url, site_origin, web_origins, login_company_id, client_id, credentials)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'v1.unused.unused')`,
  )
    .bind(
      row.id,
      row.tenantId,
      row.kind ?? "connectwise",
      row.status ?? "active",
      row.apiBaseUrl ?? CW_API_BASE,
      PSA_ORIGIN,
      typeof origins === "string" ? origins : JSON.stringify(origins),
      CW_COMPANY,
      CW_CLIENT_ID,
    )
    .run();
}

/** Members the fake ConnectWise knows: memberId → [memberHash, identifier it answers with]. */
export const MEMBERS: Record<string, [string, string]> = {
  jsmith: ["hash-of-jsmith", "JSmith"],
  mismatch: ["hash-of-mismatch", "someone-else"],
};

export interface FakeConnectWise {
  calls: Request[];
  status?: number;
}

function parseCookies(header: string): Record<string, string> {
  return Object.fromEntries(header.split("; ").map((part) => [part.slice(0, part.indexOf("=")), part.slice(part.indexOf("=") + 1)]));
}

function answerMemberInfo(req: Request, fake: FakeConnectWise): Response {
  if (fake.status !== undefined) return new Response("{}", { status: fake.status });
  const url = new URL(req.url);
  if (url.pathname !== "/v4_6_release/apis/3.0/system/myMembers/info") return new Response("{}", { status: 404 });
  const cookies = parseCookies(req.headers.get("cookie") ?? "");
  const member = MEMBERS[cookies.memberId ?? ""];
  const valid = req.headers.get("clientId") === CW_CLIENT_ID && cookies.companyName === CW_COMPANY && member?.[0] === cookies.memberHash;
  if (!valid || !member) return Response.json({ code: "Unauthorized", message: "Authentication failed." }, { status: 401 });
  return Response.json({ id: 17, identifier: member[1], firstName: "Jo", lastName: "Smith", inactiveFlag: false });
}

/** Routes fetch to the fake for the cw.test hosts; anything else fails loudly. Restore with vi.restoreAllMocks(). */
export function stubConnectWise(): FakeConnectWise {
  const fake: FakeConnectWise = { calls: [] };
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    if (new URL(req.url).hostname !== "api-na.cw.test") throw new Error(`unexpected outbound fetch ${req.url}`);
    fake.calls.push(req);
    return answerMemberInfo(req, fake);
  });
  return fake;
}

export function memberAuth(memberid = "jsmith", overrides: Record<string, string> = {}) {
  return {
    site: "na.cw.test",
    companyid: CW_COMPANY.toLowerCase(),
    memberid,
    memberHash: MEMBERS[memberid]?.[0] ?? "unknown",
    memberContext: "ctx-123",
    memberEmail: `${memberid}@northwind.test`,
    ...overrides,
  };
}

export function signInMember(integrationId: string, auth: Record<string, string> = memberAuth()): Promise<Response> {
  return postJson("/api/pod/sessions/connectwise", { integrationId, auth });
}

export async function memberToken(integrationId: string): Promise<string> {
  const res = await signInMember(integrationId);
  if (res.status !== 201) throw new Error(`member sign-in failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as PodSessionResponse).token;
}
