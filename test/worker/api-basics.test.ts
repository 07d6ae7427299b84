import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, createTenant, type ErrorJson, OPERATOR_TOKEN, postJson, withKey } from "./helpers/http.ts";

async function expectError(res: Response, status: number, code: string): Promise<ErrorJson["error"]> {
  expect(res.status).toBe(status);
  const body = (await res.json()) as ErrorJson;
  expect(Object.keys(body)).toEqual(["error"]);
  expect(body.error.code).toBe(code);
  expect(body.error.requestId).toMatch(/\S{8,}/);
  expect(body.error.requestId).toBe(res.headers.get("x-request-id"));
  return body.error;
}

describe("GET /healthz", () => {
  it("answers ok without auth", async () => {
    const res = await call("/healthz");
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });
});

describe("unknown routes", () => {
  it.each([["GET", "/api/v1/nope"], ["POST", "/api/v2/reconciliation"], ["GET", "/definitely/not/here"]])(
    "%s %s → 404 in the error shape",
    async (method, path) => {
      const error = await expectError(await call(path, { method }), 404, "not_found");
      expect(error.message).toContain(path);
    },
  );
});

describe("POST /api/admin/tenants", () => {
  const auth = { authorization: `Bearer ${OPERATOR_TOKEN}` };

  it("creates a tenant and shows its API key once, stored only as a hash", async () => {
    const res = await postJson("/api/admin/tenants", { name: "Contoso MSP" }, auth);
    expect(res.status).toBe(201);
    const body = (await res.json()) as { tenantId: string; name: string; apiKey: string };
    expect(body.name).toBe("Contoso MSP");
    expect(body.tenantId).toMatch(/^tnt_/);
    expect(body.apiKey).toMatch(/^tu_[0-9A-Za-z]{40}$/);

    const stored = await env.DB.prepare("SELECT key_hash, key_prefix FROM api_keys WHERE tenant_id = ?").bind(body.tenantId).all();
    expect(stored.results).toHaveLength(1);
    const row = stored.results[0] as { key_hash: string; key_prefix: string };
    expect(row.key_hash).not.toContain(body.apiKey);
    expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(body.apiKey.startsWith(row.key_prefix)).toBe(true);

    const audit = await env.DB.prepare("SELECT action, actor FROM audit_log WHERE tenant_id = ?").bind(body.tenantId).all();
    expect(audit.results).toEqual([{ action: "tenant.created", actor: "operator" }]);

    const ok = await call("/api/v1/reconciliation", withKey(body.apiKey));
    expect(ok.status).toBe(200);
  });

  it.each([
    ["no token", {}],
    ["wrong token", { authorization: "Bearer not-the-operator-token" }],
    ["basic scheme", { authorization: `Basic ${btoa(`x:${OPERATOR_TOKEN}`)}` }],
  ])("refuses %s with 401", async (_label, headers) => {
    await expectError(await postJson("/api/admin/tenants", { name: "X" }, headers), 401, "unauthorized");
  });

  it("names the failing field", async () => {
    const error = await expectError(await postJson("/api/admin/tenants", { name: "   " }, auth), 400, "validation_failed");
    expect(error.message).toMatch(/^body\.name: /);
    const missing = await expectError(await postJson("/api/admin/tenants", {}, auth), 400, "validation_failed");
    expect(missing.message).toMatch(/^body\.name: /);
    const extra = await expectError(await postJson("/api/admin/tenants", { name: "A", plan: "gold" }, auth), 400, "validation_failed");
    expect(extra.message).toContain("plan");
  });

  it("rejects malformed JSON and the wrong content type", async () => {
    const bad = await call("/api/admin/tenants", { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: "{name:" });
    expect((await expectError(bad, 400, "bad_request")).message).toContain("JSON");
    const text = await call("/api/admin/tenants", { method: "POST", headers: { ...auth, "content-type": "text/plain" }, body: "name=A" });
    await expectError(text, 415, "unsupported_media_type");
  });
});

describe("tenant API keys", () => {
  it.each([
    ["missing", {}],
    ["unknown", { authorization: "Bearer tu_unknownunknownunknownunknownunknownunkn" }],
    ["empty bearer", { authorization: "Bearer " }],
  ])("%s key → 401", async (_label, headers) => {
    await expectError(await call("/api/v1/reconciliation", { headers }), 401, "unauthorized");
  });

  it("a revoked key stops working", async () => {
    const tenant = await createTenant("Revoked Co");
    await env.DB.prepare("UPDATE api_keys SET revoked_at = ? WHERE tenant_id = ?").bind(new Date().toISOString(), tenant.tenantId).run();
    await expectError(await call("/api/v1/reconciliation", withKey(tenant.apiKey)), 401, "unauthorized");
  });
});

describe("audit log", () => {
  it("is append-only", async () => {
    const tenant = await createTenant("Audit Co");
    await expect(env.DB.prepare("UPDATE audit_log SET actor = 'x' WHERE tenant_id = ?").bind(tenant.tenantId).run()).rejects.toThrow(/append-only/);
    await expect(env.DB.prepare("DELETE FROM audit_log WHERE tenant_id = ?").bind(tenant.tenantId).run()).rejects.toThrow(/append-only/);
  });
});
