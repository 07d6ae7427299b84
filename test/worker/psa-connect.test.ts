import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { atConnectBody, callWorker, cwConnectBody, getAs, installPsaHarness, type PsaHarness, postAs, sql } from "../fixtures/psa/harness.ts";
import { createTenant } from "./helpers/http.ts";

let h: PsaHarness;
beforeEach(() => {
  h = installPsaHarness();
});
afterEach(() => {
  vi.restoreAllMocks();
});

describe("POST /api/v1/psa/connectwise", () => {
  it("discovers the codebase, checks the keys, registers an Agreement callback and stores the keys sealed", async () => {
    const cw = h.connectWise();
    const t = await createTenant("CW Connect MSP");
    const res = await postAs(t.apiKey, "/api/v1/psa/connectwise", cwConnectBody());
    expect(res.status).toBe(201);
    const body = (await res.json()) as { integrationId: string; callbackUrl: string };
    expect(body.callbackUrl).toBe(`http://trueup.test/webhooks/connectwise/${body.integrationId}?recordId=`);
    const [callback] = [...cw.state.callbacks.values()];
    expect(callback).toMatchObject({ url: body.callbackUrl, objectId: 1, type: "agreement", level: "owner", isSelfSuppressedFlag: true });
    const [row] = await sql<Record<string, string>>("SELECT * FROM psa_integrations WHERE id = ?", body.integrationId);
    expect(row).toMatchObject({ tenant_id: t.tenantId, kind: "connectwise", status: "active", api_base_url: "https://api-na.myconnectwise.net/v4_6_release/apis/3.0", site_origin: "https://api-na.myconnectwise.net", web_origins: '["https://na.myconnectwise.net"]', login_company_id: "northwind", remote_hook_id: String(callback?.id) });
    expect(row?.credentials).toMatch(/^v1\./);
    expect(row?.credentials).not.toContain("simPrivateKey");
    expect(h.outbound.map((o) => `${o.method} ${new URL(o.url).pathname}`)).toEqual([
      "GET /login/companyinfo/northwind",
      "GET /v4_6_release/apis/3.0/system/info",
      "POST /v4_6_release/apis/3.0/system/callbacks",
    ]);
    expect(h.queued.map((q) => q.message.kind)).toEqual(["psa.sync"]);
    const audit = await sql("SELECT action FROM audit_log WHERE tenant_id = ? AND entity_id = ?", t.tenantId, body.integrationId);
    expect(audit).toEqual([{ action: "psa.connected" }]);
  });

  it.each([
    ["plain http on a public host", { site: "http://api-na.myconnectwise.net" }, "body.site"],
    ["a path", { site: "https://api-na.myconnectwise.net/v4_6_release" }, "body.site"],
    ["credentials in the URL", { site: "https://user:pw@api-na.myconnectwise.net" }, "body.site"],
    ["an unknown company", { companyId: "nope" }, "body.companyId"],
    ["wrong keys", { privateKey: "wrong" }, "body.publicKey"],
  ])("rejects %s naming the field", async (_label, override, field) => {
    h.connectWise();
    const t = await createTenant("CW Bad MSP");
    const res = await postAs(t.apiKey, "/api/v1/psa/connectwise", cwConnectBody(undefined, override));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(new RegExp(`^${field.replace(".", "\\.")}`));
    expect(await sql("SELECT id FROM psa_integrations WHERE tenant_id = ?", t.tenantId)).toEqual([]);
  });

  it("accepts the loopback simulator only because insecure origins are allowed in tests, and refuses a second connection", async () => {
    h.connectWise("http://127.0.0.1:8788");
    const t = await createTenant("CW Local MSP");
    const first = await postAs(t.apiKey, "/api/v1/psa/connectwise", cwConnectBody("http://127.0.0.1:8788"));
    expect(first.status).toBe(201);
    const [row] = await sql<{ web_origins: string }>("SELECT web_origins FROM psa_integrations WHERE tenant_id = ?", t.tenantId);
    expect(row?.web_origins).toBe('["http://127.0.0.1:8788"]');
    const second = await postAs(t.apiKey, "/api/v1/psa/connectwise", cwConnectBody("http://127.0.0.1:8788"));
    expect(second.status).toBe(409);
  });

  it("removes the callback on disconnect", async () => {
    const cw = h.connectWise();
    const t = await createTenant("CW Disconnect MSP");
    const { integrationId } = (await (await postAs(t.apiKey, "/api/v1/psa/connectwise", cwConnectBody())).json()) as { integrationId: string };
    expect(cw.state.callbacks.size).toBe(1);
    const res = await callWorker(`/api/v1/psa/integrations/${integrationId}`, { method: "DELETE", headers: { authorization: `Bearer ${t.apiKey}` } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ integrationId, status: "disconnected", remoteHookRemoved: true, warning: null });
    expect(cw.state.callbacks.size).toBe(0);
    const list = (await (await getAs(t.apiKey, "/api/v1/psa/integrations")).json()) as { integrations: Array<{ status: string }> };
    expect(list.integrations.map((i) => i.status)).toEqual(["disconnected"]);
  });

  it("requires a tenant key and hides other tenants' integrations", async () => {
    h.connectWise();
    const a = await createTenant("CW Owner MSP");
    const b = await createTenant("CW Other MSP");
    expect((await callWorker("/api/v1/psa/connectwise", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(cwConnectBody()) })).status).toBe(401);
    const { integrationId } = (await (await postAs(a.apiKey, "/api/v1/psa/connectwise", cwConnectBody())).json()) as { integrationId: string };
    expect((await getAs(b.apiKey, `/api/v1/psa/integrations/${integrationId}`)).status).toBe(404);
    expect((await callWorker(`/api/v1/psa/integrations/${integrationId}`, { method: "DELETE", headers: { authorization: `Bearer ${b.apiKey}` } })).status).toBe(404);
  });
});

describe("POST /api/v1/psa/autotask", () => {
  it("looks up the zone, registers a Company webhook with a SecretKey and a DeactivationUrl, and subscribes CompanyName", async () => {
    const at = h.autotask();
    const t = await createTenant("AT Connect MSP");
    const res = await postAs(t.apiKey, "/api/v1/psa/autotask", atConnectBody());
    expect(res.status).toBe(201);
    const body = (await res.json()) as { integrationId: string; webhookUrl: string };
    expect(body.webhookUrl).toBe(`http://trueup.test/webhooks/autotask/${body.integrationId}`);
    const [hook] = [...at.state.webhooks.values()];
    expect(hook?.webhookUrl).toBe(body.webhookUrl);
    expect(hook?.deactivationUrl).toMatch(new RegExp(`^${body.webhookUrl}/deactivated\\?token=[0-9A-Za-z]{32}$`));
    expect(hook?.secretKey).toMatch(/^[0-9A-Za-z]{48}$/);
    expect(hook?.fields).toEqual([20]);
    const [row] = await sql<Record<string, unknown>>("SELECT * FROM psa_integrations WHERE id = ?", body.integrationId);
    expect(row).toMatchObject({ kind: "autotask", api_base_url: "https://webservices15.autotask.net/ATServicesRest/v1.0", site_origin: "https://webservices15.autotask.net", client_id: "SIMINTEGRATIONCODE000000000", polling_only: 0 });
    expect(String(row?.webhook_secret)).not.toContain(hook?.secretKey ?? "x");
    expect(String(row?.deactivation_token_hash)).toMatch(/^[0-9a-f]{64}$/);
    expect(h.outbound[0]?.url).toBe("https://webservices.autotask.net/atservicesrest/v1.0/zoneInformation?user=trueup-api%40northwind.example");
    const budget = await sql<{ total: number }>("SELECT SUM(count) AS total FROM psa_request_budget WHERE tenant_id = ?", t.tenantId);
    expect(budget[0]?.total).toBe(4);
  });

  it.each([
    ["an unknown API user", { username: "nobody@example.com" }, 400, "body.username"],
    ["a wrong secret", { secret: "wrong" }, 400, "body.secret"],
    ["a zone lookup elsewhere", { zoneLookupOrigin: "https://evil.example.com" }, 400, "body.zoneLookupOrigin"],
  ])("rejects %s", async (_label, override, status, field) => {
    h.autotask();
    const t = await createTenant("AT Bad MSP");
    const res = await postAs(t.apiKey, "/api/v1/psa/autotask", atConnectBody(override));
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: { message: string } }).error.message.startsWith(field)).toBe(true);
  });

  it("refuses a zone that points outside autotask.net", async () => {
    const at = h.autotask("https://evil.example.net");
    h.route("webservices.autotask.net", at.fetch);
    const t = await createTenant("AT Evil Zone MSP");
    const res = await postAs(t.apiKey, "/api/v1/psa/autotask", atConnectBody());
    expect(res.status).toBe(503);
    expect(h.outbound.map((o) => new URL(o.url).host)).toEqual(["webservices.autotask.net"]);
  });
});
