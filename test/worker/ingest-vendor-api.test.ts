import { beforeAll, describe, expect, it } from "vitest";
import type { ReconciliationResponse } from "../../src/shared/api-types.ts";
import { authed, call, createTenant, json, rows, seedPsa } from "../fixtures/ingest/worker-helpers.ts";

interface Keys {
  integrationId: string;
  vendorApiKey: string;
  partnerApiKey: string;
}

let tenant: { tenantId: string; apiKey: string };
let keys: Keys;
let token: string;

beforeAll(async () => {
  tenant = await createTenant("Gradient MSP");
  keys = await json<Keys>(await authed(tenant.apiKey, "/api/v1/integrations", "POST", { kind: "vendor-api", name: "CIPP" }), 201);
  token = btoa(`${keys.vendorApiKey}:${keys.partnerApiKey}`);
  await seedPsa(tenant.tenantId, { companies: [{ id: `${tenant.tenantId}_c1`, name: "Alpha Co" }, { id: `${tenant.tenantId}_c2`, name: "Beta Co" }] });
});

/** Calls the vendor API like PowerShell's Invoke-RestMethod with Gradient's header. */
function gradient(path: string, method = "GET", body?: unknown, header = "GRADIENT-TOKEN", value = token): Promise<Response> {
  const headers: Record<string, string> = { [header]: value, accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  return call(`/api/vendor-api${path}`, { method, headers, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) });
}

describe("connecting", () => {
  it("shows the key pair once and stores only hashes", async () => {
    expect(keys.vendorApiKey).toMatch(/^gv_[0-9A-Za-z]{40}$/);
    expect(keys.partnerApiKey).toMatch(/^gp_[0-9A-Za-z]{40}$/);
    const stored = await rows<Record<string, string>>("SELECT key_hash, vendor_key_hash, key_prefix FROM ingest_keys WHERE integration_id = ?", keys.integrationId);
    expect(stored).toHaveLength(1);
    expect(JSON.stringify(stored)).not.toContain(keys.vendorApiKey);
    expect(JSON.stringify(stored)).not.toContain(keys.partnerApiKey);
  });

  it.each([
    ["no header", {}],
    ["a wrong token", { "GRADIENT-TOKEN": btoa("gv_nope:gp_nope") }],
    ["the keys swapped", { "GRADIENT-TOKEN": "SWAPPED" }],
    ["not base64", { "GRADIENT-TOKEN": "%%%" }],
    ["a tenant API key", { authorization: "Bearer TENANT" }],
  ])("answers %s with Gradient's 401 body", async (_label, headers) => {
    const real = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, v.replace("SWAPPED", btoa(`${keys.partnerApiKey}:${keys.vendorApiKey}`)).replace("TENANT", tenant.apiKey)]));
    const res = await call("/api/vendor-api", { headers: real });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { statusCode: number; message: string };
    expect(body.statusCode).toBe(401);
    expect(body.message).toMatch(/^Unauthorized/);
  });

  it("accepts the header in any case", async () => {
    expect((await gradient("", "GET", undefined, "gradient-token")).status).toBe(200);
    expect((await gradient("", "GET", undefined, "Gradient-Token")).status).toBe(200);
  });
});

describe("the CIPP flow", () => {
  let serviceId: string;

  it("GET /api/vendor-api returns the vendor with its skus", async () => {
    const body = await json<{ status: number; message: string; data: Record<string, unknown> }>(await gradient(""), 200);
    expect(body).toMatchObject({ status: 200, message: "Success - Retrieved Vendor" });
    expect(body.data).toMatchObject({ _id: keys.integrationId, id: keys.integrationId, name: "CIPP", integrationType: "custom", organizationId: tenant.tenantId, skus: [] });
  });

  it("POST /service answers with a top-level skus array holding the new service's id", async () => {
    const body = await json<{ skus: Array<{ id: string; _id: string; name: string }> }>(
      await gradient("/service", "POST", { name: "Microsoft 365 Business Premium", description: "Microsoft 365 Business Premium", category: "infrastructure", subcategory: "hosted email" }),
      201,
    );
    const sku = body.skus.find((s) => s.name === "Microsoft 365 Business Premium");
    expect(sku?.id).toBe(sku?._id);
    serviceId = sku?.id as string;
    const listed = await json<{ data: { skus: Array<{ id: string }> } }>(await gradient(""), 200);
    expect(listed.data.skus.map((s) => s.id)).toEqual([serviceId]);
    const bad = await gradient("/service", "POST", { name: "X", description: "", category: "furniture", subcategory: "x" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ statusCode: 400, error: "Bad Request" });
  });

  it("GET and PATCH /service/:id", async () => {
    await json(await gradient(`/service/${serviceId}`, "PATCH", { description: "M365 BP" }), 200);
    const got = await json<{ data: { name: string; description: string; category: string } }>(await gradient(`/service/${serviceId}`), 200);
    expect(got.data).toMatchObject({ name: "Microsoft 365 Business Premium", description: "M365 BP", category: "infrastructure" });
    const missing = await gradient("/service/nope");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ statusCode: 404, message: "No service found with id: nope", error: "Not Found" });
  });

  it("creates accounts from a single object (PowerShell ConvertTo-Json) or an array", async () => {
    const single = await json<unknown[]>(await gradient("/organization/accounts", "POST", { name: "Alpha Co", description: "alpha.onmicrosoft.com", id: "alpha.onmicrosoft.com" }), 201);
    expect(single).toEqual([{ id: "alpha.onmicrosoft.com", name: "Alpha Co", description: "alpha.onmicrosoft.com" }]);
    await json(await gradient("/organization/accounts", "POST", [{ name: "Gamma LLC", description: "", id: "gamma.onmicrosoft.com" }, { name: "Delta", id: 42 }]), 201);
    const listed = await json<Array<{ id: string; isMapped: boolean }>>(await gradient("/organization/accounts"), 200);
    expect(listed.map((a) => [a.id, a.isMapped])).toEqual([["alpha.onmicrosoft.com", true], ["gamma.onmicrosoft.com", false], ["42", false]]);
    const unmapped = await json<Array<{ id: string }>>(await gradient("/organization/accounts?returnUnmapped=true"), 200);
    expect(unmapped.map((a) => a.id)).toEqual(["gamma.onmicrosoft.com", "42"]);
    const patched = await json<{ name: string }>(await gradient("/organization/accounts/42", "PATCH", { name: "Delta Inc" }), 200);
    expect(patched.name).toBe("Delta Inc");
  });

  it("sets the integration status and reports it", async () => {
    await json(await gradient("/organization/status/active", "PATCH"), 200);
    const org = await json<Record<string, unknown>>(await gradient("/organization"), 200);
    expect(org).toEqual({ organizationId: tenant.tenantId, name: "Gradient MSP", vendorId: keys.integrationId, vendorName: "CIPP", integrationId: keys.integrationId, status: "active", lastSyncedAt: null });
    expect((await gradient("/organization/status/sleeping", "PATCH")).status).toBe(400);
  });

  it("accepts counts — exact, for unmapped and even unknown accounts — and shows them as unmapped", async () => {
    const res = await gradient(`/service/${serviceId}/count?no_build=true`, "POST", '{"accountId":"gamma.onmicrosoft.com","unitCount":25}');
    const body = await json<{ status: number; data: { pushId: string; mapped: { account: boolean; service: boolean } } }>(res, 201);
    expect(body.data.mapped).toEqual({ account: false, service: false });
    await json(await gradient(`/service/${serviceId}/count`, "POST", '{"accountId":"alpha.onmicrosoft.com","unitCount":0.1000000000000000000001}'), 201);
    await json(await gradient("/service/svc-never-created/count", "POST", { accountId: "stranger.onmicrosoft.com", unitCount: "3" }), 201);
    const stored = await rows<{ external_id: string; quantity: string; source_kind: string; source_ref: string }>(
      "SELECT a.external_id, u.quantity, u.source_kind, u.source_ref FROM usage_counts u JOIN vendor_accounts a ON a.id = u.account_id WHERE u.tenant_id = ? ORDER BY a.external_id",
      tenant.tenantId,
    );
    expect(stored.map((r) => [r.external_id, r.quantity, r.source_kind])).toEqual([
      ["alpha.onmicrosoft.com", "0.1000000000000000000001", "vendor-api"],
      ["gamma.onmicrosoft.com", "25", "vendor-api"],
      ["stranger.onmicrosoft.com", "3", "vendor-api"],
    ]);
    expect(stored[1]?.source_ref).toBe(`vendor-api:${body.data.pushId}`);
    const recon = await json<ReconciliationResponse>(await authed(tenant.apiKey, "/api/v1/reconciliation"), 200);
    expect(recon.rows.filter((r) => r.status === "unmapped-account").map((r) => r.vendorQuantity).sort()).toEqual(["25", "3"]);
    expect(recon.rows.find((r) => r.status === "unmapped-service")?.companyId).toBe(`${tenant.tenantId}_c1`);
    const org = await json<{ lastSyncedAt: string | null }>(await gradient("/organization"), 200);
    expect(org.lastSyncedAt).not.toBeNull();
  });

  it.each([
    ["a word", '"lots"'],
    ["exponent notation", "1e3"],
    ["a negative", "-2"],
    ["a JSON minus zero", "-0"],
    ["a string minus zero", '"-0"'],
    ["a string minus zero with decimals", '"-0.0"'],
    ["nothing", "null"],
  ])("rejects %s as unitCount", async (_label, value) => {
    const res = await gradient(`/service/${serviceId}/count`, "POST", `{"accountId":"alpha.onmicrosoft.com","unitCount":${value}}`);
    expect(res.status).toBe(400);
    const body = (await res.json()) as { statusCode: number; message: string };
    expect(body.statusCode).toBe(400);
    expect(body.message).toContain("unitCount");
  });
});

describe("repeated counts", () => {
  it("identical count calls write one ledger row; a changed count writes again (issue 10 #6)", async () => {
    // Its own integration: the test rate limit (40 per 10 s per token) is not shared with the tests above.
    const own = await json<Keys>(await authed(tenant.apiKey, "/api/v1/integrations", "POST", { kind: "vendor-api", name: "Repeat" }), 201);
    const ownToken = btoa(`${own.vendorApiKey}:${own.partnerApiKey}`);
    const send = (unitCount: number) => gradient("/service/svc-repeat/count", "POST", { accountId: "repeat.onmicrosoft.com", unitCount }, "GRADIENT-TOKEN", ownToken);
    const first = await json<{ data: { unchanged: boolean } }>(await send(12), 201);
    expect(first.data.unchanged).toBe(false);
    for (let i = 0; i < 10; i++) expect((await json<{ data: { unchanged: boolean } }>(await send(12), 201)).data.unchanged).toBe(true);
    const ledger = () => rows<{ quantity: string }>("SELECT quantity FROM ingest_count_log WHERE tenant_id = ? AND account_external_id = 'repeat.onmicrosoft.com' ORDER BY seq", tenant.tenantId);
    expect(await ledger()).toEqual([{ quantity: "12" }]);
    expect((await json<{ data: { unchanged: boolean } }>(await send(13), 201)).data.unchanged).toBe(false);
    expect((await ledger()).map((r) => r.quantity)).toEqual(["12", "13"]);
  });
});

describe("limits and what real Gradient clients send (issue 10 #8)", () => {
  let own: string;
  beforeAll(async () => {
    // Its own integration: the test rate limit (40 per 10 s per token) is not shared with the tests above.
    const k = await json<Keys>(await authed(tenant.apiKey, "/api/v1/integrations", "POST", { kind: "vendor-api", name: "Limits" }), 201);
    own = btoa(`${k.vendorApiKey}:${k.partnerApiKey}`);
  });
  const send = (path: string, method: string, body: string, type: string | null) =>
    call(`/api/vendor-api${path}`, { method, headers: { "GRADIENT-TOKEN": own, ...(type ? { "content-type": type } : {}) }, body });

  it("requires JSON (415), except form-encoded PATCH bodies as the Python client sends them", async () => {
    for (const type of ["text/plain", "application/x-www-form-urlencoded", null]) {
      const res = await send("/service/svc-limits/count", "POST", '{"accountId":"a","unitCount":1}', type);
      expect(res.status).toBe(415);
      expect(((await res.json()) as { statusCode: number; message: string }).message).toBe("Content-Type must be application/json");
    }
    await json(await send("/organization/accounts", "POST", '{"id":"form-1","name":"Form Co"}', "application/json"), 201);
    const patched = await json<{ id: string; name: string }>(await send("/organization/accounts/form-1", "PATCH", new URLSearchParams({ name: "Form Co Renamed" }).toString(), "application/x-www-form-urlencoded"), 200);
    expect(patched).toMatchObject({ id: "form-1", name: "Form Co Renamed" });
    expect((await send("/organization/accounts/form-1", "PATCH", "name=X", "text/plain")).status).toBe(415);
  });

  it("caps bodies (413) and ids (400) like the batch API, storing nothing", async () => {
    const huge = JSON.stringify({ accountId: "a", unitCount: 1, clientOId: "x".repeat(1024 * 1024) });
    expect((await send("/service/svc-limits/count", "POST", huge, "application/json")).status).toBe(413);
    const longId = "s".repeat(5000);
    const res = await send(`/service/${longId}/count`, "POST", '{"accountId":"a","unitCount":1}', "application/json");
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toBe("serviceId: 1–200 characters");
    expect((await send("/service/svc-limits/count", "POST", JSON.stringify({ accountId: "a".repeat(201), unitCount: 1 }), "application/json")).status).toBe(400);
    expect((await send("/organization/accounts", "POST", JSON.stringify({ id: "b".repeat(5000), name: "Long" }), "application/json")).status).toBe(400);
    expect(await rows("SELECT id FROM vendor_services WHERE tenant_id = ? AND length(external_id) > 200", tenant.tenantId)).toEqual([]);
    expect(await rows("SELECT id FROM vendor_accounts WHERE tenant_id = ? AND length(external_id) > 200", tenant.tenantId)).toEqual([]);
  });

  it("answers unitCount: null with Gradient's own 400 message", async () => {
    for (const body of ['{"accountId":"a","unitCount":null}', '{"accountId":"a"}', '{"accountId":"a","unitCount":true}']) {
      const res = await send("/service/svc-limits/count", "POST", body, "application/json");
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ statusCode: 400, message: "unitCount must be a number", error: "Bad Request" });
    }
  });

  it("takes an alert for an account ({messageId, alertId, correlationID}), stores it scoped, and reports it on the debug endpoint", async () => {
    const alert = { title: "Backup failed", description: "Job nightly-01 failed 3 times", alertId: "al-77", priority: 3, status: 1, dueDateTime: "2026-12-01T09:00:00Z", serviceId: "bkp-1tb" };
    const created = await json<{ messageId: string; alertId: string; correlationID: string }>(await send("/alerting/acct-9", "POST", JSON.stringify(alert), "application/json"), 201);
    expect(created).toEqual({ messageId: expect.stringMatching(/^msg_/), alertId: "al-77", correlationID: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const [stored] = await rows<Record<string, unknown>>("SELECT tenant_id, account_external_id, alert_id, title, priority, status, due_date_time, service_external_id FROM ingest_vendor_alerts WHERE id = ?", created.messageId);
    expect(stored).toEqual({ tenant_id: tenant.tenantId, account_external_id: "acct-9", alert_id: "al-77", title: "Backup failed", priority: 3, status: 1, due_date_time: "2026-12-01T09:00:00.000Z", service_external_id: "bkp-1tb" });
    const debug = await json<Record<string, unknown>>(await call(`/api/vendor-api/alerting/debug/${created.messageId}`, { headers: { "GRADIENT-TOKEN": own } }), 200);
    expect(debug).toMatchObject({ messageId: created.messageId, status: "success", ticketId: null, statusCode: null, errors: [] });
    // Another integration's token does not see it.
    expect((await gradient(`/alerting/debug/${created.messageId}`)).status).toBe(404);
    for (const bad of [{ ...alert, priority: 5 }, { ...alert, status: 0 }, { ...alert, title: "" }, { ...alert, dueDateTime: "tomorrow" }]) {
      expect((await send("/alerting/acct-9", "POST", JSON.stringify(bad), "application/json")).status).toBe(400);
    }
  });
});

describe("organization services and clients", () => {
  it("creates organization services, 409 when an id exists", async () => {
    const created = await json<unknown[]>(await gradient("/organization/services", "POST", [{ name: "Cloud Backup 1TB", description: "", id: "bkp-1tb" }]), 201);
    expect(created).toEqual([{ id: "bkp-1tb", name: "Cloud Backup 1TB", description: "", isMapped: false }]);
    const again = await gradient("/organization/services", "POST", { name: "Again", id: "bkp-1tb" });
    expect(again.status).toBe(409);
    expect(((await again.json()) as { statusCode: number }).statusCode).toBe(409);
    const listed = await json<Array<{ id: string }>>(await gradient("/organization/services?serviceIds=bkp-1tb"), 200);
    expect(listed.map((s) => s.id)).toEqual(["bkp-1tb"]);
    const patched = await json<{ name: string }>(await gradient("/organization/services/bkp-1tb", "PATCH", { name: "Cloud Backup 2TB" }), 200);
    expect(patched.name).toBe("Cloud Backup 2TB");
  });

  it("lists the MSP's PSA companies as clients", async () => {
    const body = await json<{ clients: Array<{ name: string }>; meta: { count: number } }>(await gradient("/organization/clients?search=Beta"), 200);
    expect(body.clients.map((c) => c.name)).toEqual(["Beta Co"]);
    expect(body.meta.count).toBe(1);
  });
});

describe("rate limit and disconnect", () => {
  it("answers 429 with Retry-After past the per-integration limit (40 per 10 s in tests, 1,000 deployed)", async () => {
    const other = await json<Keys>(await authed(tenant.apiKey, "/api/v1/integrations", "POST", { kind: "vendor-api", name: "Flood" }), 201);
    const flood = btoa(`${other.vendorApiKey}:${other.partnerApiKey}`);
    let limited: Response | null = null;
    // Up to two windows' worth, in case the flood straddles a window boundary.
    for (let wave = 0; wave < 45 && !limited; wave++) {
      const responses = await Promise.all(Array.from({ length: 50 }, () => gradient("/organization", "GET", undefined, "GRADIENT-TOKEN", flood)));
      limited = responses.find((r) => r.status === 429) ?? null;
      for (const r of responses) if (r !== limited) await r.body?.cancel();
    }
    expect(limited?.status).toBe(429);
    expect(limited?.headers.get("retry-after")).toBe("10");
    expect(await limited?.json()).toEqual({ statusCode: 429, message: "ThrottlerException: Too Many Requests", error: "Too Many Requests" });
    // The main integration is not affected.
    expect((await gradient("/organization")).status).toBe(200);
  });

  it("a disconnected integration's token stops working; its counts stay", async () => {
    expect((await authed(tenant.apiKey, `/api/v1/integrations/${keys.integrationId}`, "DELETE")).status).toBe(204);
    expect((await gradient("")).status).toBe(401);
    const [kept] = await rows<{ n: number }>("SELECT count(*) AS n FROM usage_counts u JOIN vendor_accounts a ON a.id = u.account_id WHERE u.tenant_id = ? AND a.integration_id = ?", tenant.tenantId, keys.integrationId);
    expect(kept?.n).toBe(3);
  });
});
