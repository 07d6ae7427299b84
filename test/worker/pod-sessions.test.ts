import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { PodSessionResponse } from "../../src/shared/pod-types.ts";
import { sha256Hex } from "../../src/services/secrets.ts";
import { call, createTenant, type ErrorJson, OPERATOR_TOKEN, postJson, withKey } from "./helpers/http.ts";
import { seedDemo } from "./helpers/seed.ts";
import { CW_CLIENT_ID, CW_COMPANY, insertIntegration, memberAuth, signInMember, stubConnectWise } from "./pod-helpers.ts";

let demoKey: string;
let other: { tenantId: string; apiKey: string };

beforeAll(async () => {
  demoKey = await seedDemo();
  other = await createTenant("Other MSP");
  await insertIntegration({ id: "psi_demo", tenantId: "tnt_demo" });
  await insertIntegration({ id: "psi_other", tenantId: other.tenantId });
  await insertIntegration({ id: "psi_plain", tenantId: "tnt_demo", apiBaseUrl: "http://api-na.cw.test/v4_6_release/apis/3.0" });
});

afterEach(() => vi.restoreAllMocks());

async function sessionRows(tenantId: string) {
  const rows = await env.DB.prepare("SELECT token_hash, kind, actor, integration_id, expires_at FROM pod_sessions WHERE tenant_id = ?").bind(tenantId).all();
  return rows.results as Array<{ token_hash: string; kind: string; actor: string; integration_id: string | null; expires_at: string }>;
}

describe("POST /api/pod/sessions/connectwise", () => {
  it("verifies the member with ConnectWise using OUR company id and clientId, then issues a short-lived tp_ token", async () => {
    const fake = stubConnectWise();
    const before = Date.now();
    const res = await signInMember("psi_demo");
    expect(res.status).toBe(201);
    const body = (await res.json()) as PodSessionResponse;
    expect(body.token).toMatch(/^tp_[0-9A-Za-z]{40}$/);
    expect(body.actor).toBe("member:JSmith");
    const ttl = Date.parse(body.expiresAt) - before;
    expect(ttl).toBeGreaterThan(29 * 60_000);
    expect(ttl).toBeLessThanOrEqual(30 * 60_000 + 5_000);

    expect(fake.calls).toHaveLength(1);
    const sent = fake.calls[0]!;
    expect(sent.method).toBe("GET");
    expect(sent.url).toBe("https://api-na.cw.test/v4_6_release/apis/3.0/system/myMembers/info");
    expect(sent.headers.get("clientId")).toBe(CW_CLIENT_ID);
    expect(sent.headers.get("cookie")).toBe(`companyName=${CW_COMPANY}; memberId=jsmith; memberHash=hash-of-jsmith; memberContext=ctx-123`);

    const hashes = (await sessionRows("tnt_demo")).map((r) => r.token_hash);
    expect(hashes).toContain(await sha256Hex(body.token));
    expect(JSON.stringify(await sessionRows("tnt_demo"))).not.toContain(body.token);

    const recon = await call("/api/v1/agreements/demo_agr_bright/reconciliation", withKey(body.token));
    expect(recon.status).toBe(200);
  });

  it.each([
    ["a forged memberHash", memberAuth("jsmith", { memberHash: "forged" }), 1],
    ["an unknown member", memberAuth("nobody"), 1],
    ["ConnectWise answering with another member's identifier", memberAuth("mismatch"), 1],
    ["another ConnectWise company's id (ConnectWise is not even asked)", memberAuth("jsmith", { companyid: "OtherMSP" }), 0],
  ])("gives nothing to %s", async (_name, auth, cwCalls) => {
    const fake = stubConnectWise();
    const before = (await sessionRows("tnt_demo")).length;
    const res = await signInMember("psi_demo", auth);
    expect(res.status).toBe(401);
    expect(((await res.json()) as ErrorJson).error.message).toBe("Sign-in failed");
    expect(fake.calls).toHaveLength(cwCalls);
    expect(await sessionRows("tnt_demo")).toHaveLength(before);
  });

  it.each([
    ["an unknown integration", "psi_nope"],
    ["a plain-http ConnectWise API base outside loopback", "psi_plain"],
  ])("refuses %s without calling anything", async (_name, integrationId) => {
    const fake = stubConnectWise();
    const res = await signInMember(integrationId);
    expect(res.status).toBe(401);
    expect(fake.calls).toHaveLength(0);
  });

  it("answers 503 (not 401) when ConnectWise is down", async () => {
    const fake = stubConnectWise();
    fake.status = 502;
    expect((await signInMember("psi_demo")).status).toBe(503);
  });

  it.each([
    ["memberHash", "x; companyName=Evil"],
    ["memberid", "js\r\nX-Injected: 1"],
    ["memberContext", "a b"],
    ["companyid", ""],
  ])("rejects a %s that could smuggle cookies or headers (%j) with 400", async (field, value) => {
    const fake = stubConnectWise();
    const res = await signInMember("psi_demo", memberAuth("jsmith", { [field]: value }));
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorJson).error.message).toContain(`body.auth.${field}`);
    expect(fake.calls).toHaveLength(0);
  });

  it("scopes the member's session to the integration's tenant", async () => {
    stubConnectWise();
    const res = await signInMember("psi_other");
    const { token } = (await res.json()) as PodSessionResponse;
    expect((await call("/api/v1/agreements/demo_agr_bright/reconciliation", withKey(token))).status).toBe(404);
    expect((await sessionRows(other.tenantId)).map((r) => r.integration_id)).toEqual(["psi_other"]);
  });

  it("limits failed verifications per member: the 11th attempt in the window is 429 without asking ConnectWise", async () => {
    const fake = stubConnectWise();
    const forged = memberAuth("jsmith", { memberid: "brute", memberHash: "guess" });
    for (let i = 0; i < 10; i++) expect((await signInMember("psi_demo", forged)).status).toBe(401);
    const limited = await signInMember("psi_demo", forged);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(800);
    expect(fake.calls).toHaveLength(10);
    // Another member is not affected.
    expect((await signInMember("psi_demo")).status).toBe(201);
  });
});

describe("pod session tokens", () => {
  async function insertSession(token: string, kind: string, expiresAt: string, revokedAt: string | null = null) {
    await env.DB.prepare(
      "INSERT INTO pod_sessions (id, tenant_id, token_hash, kind, actor, created_at, expires_at, revoked_at) VALUES (?, 'tnt_demo', ?, ?, 'member:x', '2026-01-01T00:00:00.000Z', ?, ?)",
    )
      .bind(`pss_${kind}_${expiresAt}_${revokedAt}`, await sha256Hex(token), kind, expiresAt, revokedAt)
      .run();
  }

  it.each([
    ["expired", "tp_expiredexpiredexpiredexpiredexpired0001", "member", "2020-01-01T00:00:00.000Z", null],
    ["revoked", "tp_revokedrevokedrevokedrevokedrevoked001", "member", "2999-01-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z"],
    ["a refresh session used as bearer", "tp_refreshrefreshrefreshrefreshrefresh01", "refresh", "2999-01-01T00:00:00.000Z", null],
  ])("an %s token is 401", async (_name, token, kind, expiresAt, revokedAt) => {
    await insertSession(token, kind, expiresAt, revokedAt);
    expect((await call("/api/v1/reconciliation", withKey(token))).status).toBe(401);
  });

  it("a live token resolves to the tenant with actor member:<id>", async () => {
    await insertSession("tp_livelivelivelivelivelivelivelivelive01", "member", "2999-01-01T00:00:00.000Z");
    const token = "tp_livelivelivelivelivelivelivelivelive01";
    // The tenant: the session's tenant's data is what the token reads (the demo tenant's companies).
    const recon = await call("/api/v1/reconciliation", withKey(token));
    expect(recon.status).toBe(200);
    const body = (await recon.json()) as { rows: Array<{ companyId: string | null }> };
    expect(body.rows.length).toBeGreaterThan(0);
    expect(body.rows.every((r) => r.companyId === null || r.companyId.startsWith("demo_"))).toBe(true);
    // The actor: what the token does is audited as the session's actor (member:x), not as an API key.
    const [agreement] = (await env.DB.prepare("SELECT a.id, l.product_key FROM agreements a JOIN agreement_lines l ON l.agreement_id = a.id WHERE a.tenant_id = 'tnt_demo' LIMIT 1").all<{ id: string; product_key: string }>()).results;
    const decided = await call("/api/v1/decisions", withKey(token, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ agreementId: agreement?.id, productKey: agreement?.product_key, action: "dismiss", note: "actor check" }) }));
    expect(decided.status).toBe(202);
    const { decision } = (await decided.json()) as { decision: { id: string; actor: string } };
    expect(decision.actor).toBe("member:x");
    const audit = await env.DB.prepare("SELECT tenant_id, actor FROM audit_log WHERE entity_id = ?").bind(decision.id).first<{ tenant_id: string; actor: string }>();
    expect(audit).toEqual({ tenant_id: "tnt_demo", actor: "member:x" });
  });
});

describe("standalone users: create, log in, refresh, log out", () => {
  const operator = { authorization: `Bearer ${OPERATOR_TOKEN}` };
  const password = "correct horse battery";

  function login(email: string, pw: string, tenantId = "tnt_demo", headers: Record<string, string> = {}) {
    return postJson("/api/pod/sessions/login", { tenantId, email, password: pw }, headers);
  }

  function refreshCookie(res: Response): string {
    const cookie = res.headers.get("set-cookie") ?? "";
    const match = /trueup_pod_refresh=(tpr_[0-9A-Za-z]{40})/.exec(cookie);
    if (!match?.[1]) throw new Error(`no refresh cookie in ${cookie}`);
    return match[1];
  }

  it("creates a user with a PBKDF2 hash (operator) and signs in with a same-site refresh cookie", async () => {
    const created = await postJson("/api/admin/tenants/tnt_demo/users", { email: "Tech@Northwind.test", password, displayName: "Tess" }, operator);
    expect(created.status).toBe(201);
    expect(await created.json()).toMatchObject({ tenantId: "tnt_demo", email: "tech@northwind.test", displayName: "Tess" });
    const row = await env.DB.prepare("SELECT password_hash FROM tenant_users WHERE email = 'tech@northwind.test'").first<{ password_hash: string }>();
    expect(row?.password_hash).toMatch(/^pbkdf2-sha256\$100000\$[A-Za-z0-9+/]{22}==\$[A-Za-z0-9+/]{43}=$/);

    const res = await login("TECH@northwind.test", password);
    expect(res.status).toBe(201);
    const session = (await res.json()) as PodSessionResponse;
    expect(session.actor).toBe("user:tech@northwind.test");
    expect(session.token).toMatch(/^tp_/);
    const setCookie = res.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(setCookie).toMatch(/Path=\/api\/pod\/sessions/);
    const refresh = refreshCookie(res);
    // The refresh token is not a bearer token.
    expect((await call("/api/v1/reconciliation", withKey(refresh))).status).toBe(401);

    const refreshed = await postJson("/api/pod/sessions/refresh", { tenantId: "tnt_demo" }, { cookie: `trueup_pod_refresh=${refresh}` });
    expect(refreshed.status).toBe(201);
    const second = (await refreshed.json()) as PodSessionResponse;
    expect(second.actor).toBe("user:tech@northwind.test");
    expect((await call("/api/v1/reconciliation", withKey(second.token))).status).toBe(200);
    expect((await postJson("/api/pod/sessions/refresh", { tenantId: other.tenantId }, { cookie: `trueup_pod_refresh=${refresh}` })).status).toBe(401);

    const out = await call("/api/pod/sessions/current", withKey(second.token, { method: "DELETE", headers: { cookie: `trueup_pod_refresh=${refresh}` } }));
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toMatch(/trueup_pod_refresh=;.*Max-Age=0/);
    expect((await call("/api/v1/reconciliation", withKey(second.token))).status).toBe(401);
    expect((await postJson("/api/pod/sessions/refresh", { tenantId: "tnt_demo" }, { cookie: `trueup_pod_refresh=${refresh}` })).status).toBe(401);
    expect((await call("/api/v1/reconciliation", withKey(session.token))).status).toBe(200); // other tabs' sessions live on
  });

  it.each([
    ["a wrong password", "tech@northwind.test", "wrong password!", "tnt_demo"],
    ["an unknown email", "nobody@northwind.test", password, "tnt_demo"],
    ["another tenant", "tech@northwind.test", password, "tnt_unknown"],
  ])("refuses %s with the same 401", async (_name, email, pw, tenantId) => {
    const res = await login(email, pw, tenantId);
    expect(res.status).toBe(401);
    expect(((await res.json()) as ErrorJson).error.message).toBe("Sign-in failed");
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("locks an email after 5 attempts in 15 minutes, even with the right password", async () => {
    await postJson("/api/admin/tenants/tnt_demo/users", { email: "locked@northwind.test", password }, operator);
    for (let i = 0; i < 5; i++) expect((await login("locked@northwind.test", `guess ${i} guess`)).status).toBe(401);
    const limited = await login("locked@northwind.test", password);
    expect(limited.status).toBe(429);
    expect(((await limited.json()) as ErrorJson).error.code).toBe("rate_limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(800);
  });

  it("counts parallel guesses before checking any of them", async () => {
    await postJson("/api/admin/tenants/tnt_demo/users", { email: "burst@northwind.test", password }, operator);
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => login("burst@northwind.test", `guess ${i} guess`)));
    expect(results.filter((r) => r.status === 429)).toHaveLength(7);
  });

  it("refuses a cross-origin login (login CSRF)", async () => {
    expect((await login("tech@northwind.test", password, "tnt_demo", { origin: "https://evil.test" })).status).toBe(403);
    expect((await login("tech@northwind.test", password, "tnt_demo", { origin: "http://trueup.test" })).status).toBe(201);
  });

  it.each([
    [{ email: "not-an-email", password }, "body.email"],
    [{ email: "short@northwind.test", password: "too short" }, "body.password"],
    [{ email: "x@northwind.test", password, admin: true }, "body"],
  ])("validates new users (%j)", async (body, field) => {
    const res = await postJson("/api/admin/tenants/tnt_demo/users", body, operator);
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorJson).error.message).toContain(field);
  });

  it("answers 409 for an existing email, 404 for an unknown tenant, 401 without the operator token", async () => {
    expect((await postJson("/api/admin/tenants/tnt_demo/users", { email: "tech@northwind.test", password }, operator)).status).toBe(409);
    expect((await postJson("/api/admin/tenants/tnt_nope/users", { email: "a@b.test", password }, operator)).status).toBe(404);
    expect((await postJson("/api/admin/tenants/tnt_demo/users", { email: "a@b.test", password })).status).toBe(401);
    const audit = await env.DB.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'pod.user.created' AND tenant_id = 'tnt_demo'").first<{ n: number }>();
    expect(audit?.n).toBe(3);
  });

  it("lets the tenant create users with its API key, but not with a pod session", async () => {
    const res = await postJson("/api/v1/users", { email: "viakey@northwind.test", password }, { authorization: `Bearer ${demoKey}` });
    expect(res.status).toBe(201);
    const pod = (await (await login("viakey@northwind.test", password)).json()) as PodSessionResponse;
    expect((await postJson("/api/v1/users", { email: "more@northwind.test", password }, { authorization: `Bearer ${pod.token}` })).status).toBe(401);
  });
});
