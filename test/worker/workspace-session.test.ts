import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { UserListResponse, WorkspaceSessionResponse } from "../../src/shared/workspace-types.ts";
import { sha256Hex } from "../../src/services/secrets.ts";
import { call, createTenant, type ErrorJson, postJson, withKey } from "./helpers/http.ts";
import { seedDemo } from "./helpers/seed.ts";
import { cookieFrom, createUser, PASSWORD, session, signIn } from "./workspace-helpers.ts";

let demoKey: string;
let other: { tenantId: string; apiKey: string };

beforeAll(async () => {
  demoKey = await seedDemo();
  other = await createTenant("Other MSP");
  await createUser("tnt_demo", "ann@northwind.test", "admin");
  await createUser(other.tenantId, "olga@other.test", "admin");
});

describe("POST /api/app/session", () => {
  it("signs in with a __Host- cookie (HttpOnly, Secure, SameSite=Lax, Path=/) holding only a token whose hash is stored", async () => {
    const res = await signIn("tnt_demo", "ANN@northwind.test");
    expect(res.status).toBe(200);
    const body = (await res.json()) as WorkspaceSessionResponse;
    expect(body.user).toMatchObject({ email: "ann@northwind.test", role: "admin" });
    expect(body.csrfToken).toMatch(/^[0-9A-Za-z]{22}\.[A-Za-z0-9_-]{43}$/);
    const setCookie = res.headers.get("set-cookie") ?? "";
    expect(setCookie).toMatch(/^__Host-trueup_app=ta_[0-9A-Za-z]{40}; /);
    for (const attr of [/; HttpOnly/i, /; Secure/i, /; SameSite=Lax/i, /; Path=\//]) expect(setCookie).toMatch(attr);
    expect(res.headers.get("cache-control")).toBe("no-store");
    const token = cookieFrom(res).split("=")[1]!;
    const row = await env.DB.prepare("SELECT kind, actor FROM pod_sessions WHERE token_hash = ?").bind(await sha256Hex(token)).first();
    expect(row).toEqual({ kind: "app", actor: "user:ann@northwind.test" });
    const user = await env.DB.prepare("SELECT last_sign_in_at FROM tenant_users WHERE email = 'ann@northwind.test'").first<{ last_sign_in_at: string }>();
    expect(user?.last_sign_in_at).toMatch(/^\d{4}-/);
  });

  it.each([
    ["a wrong password", "ann@northwind.test", "wrong password!!", "tnt_demo"],
    ["an unknown email", "nobody@northwind.test", PASSWORD, "tnt_demo"],
    ["another tenant's user", "olga@other.test", PASSWORD, "tnt_demo"],
    ["an unknown tenant", "ann@northwind.test", PASSWORD, "tnt_nope"],
  ])("refuses %s with the same 401 and no cookie", async (_name, email, password, tenantId) => {
    const res = await signIn(tenantId, email, password, { "cf-connecting-ip": `198.51.100.${email.length}` });
    expect(res.status).toBe(401);
    expect(((await res.json()) as ErrorJson).error.message).toBe("Sign-in failed: wrong email or password");
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("refuses a cross-origin sign-in (login CSRF) and validates the body", async () => {
    expect((await signIn("tnt_demo", "ann@northwind.test", PASSWORD, { origin: "https://evil.test" })).status).toBe(403);
    const bad = await postJson("/api/app/session", { tenantId: "tnt_demo", email: "ann@northwind.test" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorJson).error.message).toContain("body.password");
  });
});

describe("GET and DELETE /api/app/session", () => {
  it("answers the user with a fresh CSRF token; every minted token works; logout revokes the session and clears the cookie", async () => {
    const s = await session("tnt_demo", "ann@northwind.test");
    const again = await call("/api/app/session", { headers: { cookie: s.cookie } });
    expect(again.status).toBe(200);
    const body = (await again.json()) as WorkspaceSessionResponse;
    expect(body.user.email).toBe("ann@northwind.test");
    expect(body.csrfToken).not.toBe(s.csrf);
    expect((await s.json("POST", "/api/v1/mappings/auto-match")).status).toBe(200);
    expect((await s.fetch("/api/v1/mappings/auto-match", { method: "POST", csrf: body.csrfToken })).status).toBe(200);

    expect((await s.fetch("/api/app/session", { method: "DELETE", csrf: false })).status).toBe(403);
    const out = await s.fetch("/api/app/session", { method: "DELETE" });
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toMatch(/__Host-trueup_app=;.*Max-Age=0/);
    expect((await call("/api/app/session", { headers: { cookie: s.cookie } })).status).toBe(401);
    expect((await s.fetch("/api/v1/reconciliation")).status).toBe(401);
  });

  it("is 401 without a cookie or with a forged one", async () => {
    expect((await call("/api/app/session")).status).toBe(401);
    expect((await call("/api/app/session", { headers: { cookie: `__Host-trueup_app=ta_${"x".repeat(40)}` } })).status).toBe(401);
  });
});

describe("the cookie on the tenant API", () => {
  it("reads with the cookie; a state-changing call needs the session's CSRF token", async () => {
    const s = await session("tnt_demo", "ann@northwind.test");
    expect((await s.fetch("/api/v1/reconciliation")).status).toBe(200);
    const missing = await s.fetch("/api/v1/mappings/auto-match", { method: "POST", csrf: false });
    expect(missing.status).toBe(403);
    expect(((await missing.json()) as ErrorJson).error.message).toBe("missing or wrong CSRF token");
    const olga = await session(other.tenantId, "olga@other.test");
    // Another session's CSRF token does not fit this session.
    expect((await s.fetch("/api/v1/mappings/auto-match", { method: "POST", csrf: olga.csrf })).status).toBe(403);
  });

  it("scopes the cookie to its tenant and records the user as the audit actor", async () => {
    const olga = await session(other.tenantId, "olga@other.test");
    expect((await olga.fetch("/api/v1/agreements/demo_agr_bright/reconciliation")).status).toBe(404);
    const created = await olga.json("POST", "/api/v1/users", { email: "new@other.test", password: PASSWORD, role: "viewer" });
    expect(created.status).toBe(201);
    const audit = await env.DB.prepare("SELECT actor FROM audit_log WHERE action = 'pod.user.created' AND entity_id = ?").bind(((await created.json()) as { userId: string }).userId).first();
    expect(audit).toEqual({ actor: "user:olga@other.test" });
  });
});

describe("users (admin)", () => {
  it("lists, creates with a role, changes a role, disables (ending sessions) and resets a password", async () => {
    const admin = await session("tnt_demo", "ann@northwind.test");
    const created = await admin.json("POST", "/api/v1/users", { email: "vic@northwind.test", password: PASSWORD, displayName: "Vic", role: "viewer" });
    expect(created.status).toBe(201);
    const { userId } = (await created.json()) as { userId: string };
    const list = (await (await admin.fetch("/api/v1/users")).json()) as UserListResponse;
    expect(list.users.find((u) => u.id === userId)).toMatchObject({ email: "vic@northwind.test", displayName: "Vic", role: "viewer", disabled: false, lastSignInAt: null });

    const vic = await session("tnt_demo", "vic@northwind.test");
    const promoted = await admin.json("PATCH", `/api/v1/users/${userId}`, { role: "approver" });
    expect(promoted.status).toBe(200);
    expect(((await (await vic.fetch("/api/app/session")).json()) as WorkspaceSessionResponse).user.role).toBe("approver");

    expect((await admin.json("PATCH", `/api/v1/users/${userId}`, { disabled: true })).status).toBe(200);
    expect((await vic.fetch("/api/v1/reconciliation")).status).toBe(401);
    expect((await signIn("tnt_demo", "vic@northwind.test")).status).toBe(401);

    const newPassword = "a brand new passphrase";
    expect((await admin.json("PATCH", `/api/v1/users/${userId}`, { disabled: false, password: newPassword })).status).toBe(200);
    expect((await signIn("tnt_demo", "vic@northwind.test", PASSWORD)).status).toBe(401);
    expect((await signIn("tnt_demo", "vic@northwind.test", newPassword)).status).toBe(200);
    const audit = await env.DB.prepare("SELECT details FROM audit_log WHERE action = 'workspace.user.updated' AND entity_id = ? ORDER BY seq").bind(userId).all<{ details: string }>();
    expect(audit.results.map((r) => JSON.parse(r.details).after)).toEqual([
      { role: "approver", disabled: false },
      { role: "approver", disabled: true },
      { role: "approver", disabled: false },
    ]);
  });

  it("keeps an active admin: the last admin can neither demote nor disable themselves, and nothing is recorded", async () => {
    const olga = await session(other.tenantId, "olga@other.test");
    const me = ((await (await olga.fetch("/api/app/session")).json()) as WorkspaceSessionResponse).user.id;
    for (const patch of [{ role: "viewer" }, { disabled: true }]) {
      const res = await olga.json("PATCH", `/api/v1/users/${me}`, patch);
      expect(res.status).toBe(409);
      expect(((await res.json()) as ErrorJson).error.message).toContain("active admin");
    }
    const audit = await env.DB.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'workspace.user.updated' AND entity_id = ?").bind(me).first<{ n: number }>();
    expect(audit?.n).toBe(0);
    expect((await olga.fetch("/api/v1/users")).status).toBe(200);
  });

  it("validates patches and answers 404 for another tenant's user", async () => {
    const admin = await session("tnt_demo", "ann@northwind.test");
    const olgaId = await createUser(other.tenantId, "otto@other.test", "viewer");
    expect((await admin.json("PATCH", `/api/v1/users/${olgaId}`, { role: "viewer" })).status).toBe(404);
    const bad = await admin.json("PATCH", `/api/v1/users/${olgaId}`, { role: "owner" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorJson).error.message).toContain("body.role");
    expect((await admin.json("PATCH", `/api/v1/users/${olgaId}`, {})).status).toBe(400);
  });

  it("lets the API key manage users too", async () => {
    expect((await call("/api/v1/users", withKey(demoKey))).status).toBe(200);
  });
});
