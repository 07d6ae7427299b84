import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { AT_ORIGIN, atConnectBody, cwConnectBody, installPsaHarness, type PsaHarness, postAs, sql } from "../fixtures/psa/harness.ts";
import { createPax8Sim } from "../sim/pax8/app.ts";
import { createTenant, type ErrorJson } from "./helpers/http.ts";
import { createUser, session } from "./workspace-helpers.ts";

let h: PsaHarness;
beforeEach(() => {
  h = installPsaHarness();
});
afterEach(() => vi.restoreAllMocks());

async function storedNothing(tenantId: string): Promise<void> {
  expect(await sql("SELECT id FROM psa_integrations WHERE tenant_id = ?", tenantId)).toEqual([]);
  expect(h.queued).toEqual([]);
}

describe("POST /api/v1/psa/connectwise/test", () => {
  it("checks the site, company and keys with ConnectWise but registers and stores nothing", async () => {
    const cw = h.connectWise();
    const t = await createTenant("CW Test MSP");
    const res = await postAs(t.apiKey, "/api/v1/psa/connectwise/test", cwConnectBody());
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; detail: string };
    expect(body.ok).toBe(true);
    expect(body.detail).toContain("https://api-na.myconnectwise.net/v4_6_release/apis/3.0");
    expect(h.outbound.map((o) => `${o.method} ${new URL(o.url).pathname}`)).toEqual(["GET /login/companyinfo/northwind", "GET /v4_6_release/apis/3.0/system/info"]);
    expect(cw.state.callbacks.size).toBe(0);
    await storedNothing(t.tenantId);
  });

  it.each([
    ["wrong keys", { privateKey: "wrong" }, "publicKey", /^ConnectWise rejected the credentials \(HTTP 401\)$/],
    ["an unknown company", { companyId: "nope" }, "companyId", /^ConnectWise refused the request/],
    ["a plain-http public site", { site: "http://api-na.myconnectwise.net" }, "site", /^The site /],
  ])("answers %s as {ok:false} in plain words naming the field", async (_label, override, field, message) => {
    h.connectWise();
    const t = await createTenant("CW Wrong MSP");
    const res = await postAs(t.apiKey, "/api/v1/psa/connectwise/test", cwConnectBody(undefined, override));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; message: string; field: string };
    expect(body).toMatchObject({ ok: false, field });
    expect(body.message).toMatch(message);
    await storedNothing(t.tenantId);
  });

  it("validates the body like connect does, and is for admins only", async () => {
    const t = await createTenant("CW Roles MSP");
    const bad = await postAs(t.apiKey, "/api/v1/psa/connectwise/test", { site: "https://x.test" });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorJson).error.message).toContain("body.companyId");
    await createUser(t.tenantId, "appr@cw.test", "approver");
    const approver = await session(t.tenantId, "appr@cw.test");
    expect((await approver.json("POST", "/api/v1/psa/connectwise/test", cwConnectBody())).status).toBe(403);
    expect(h.outbound).toEqual([]);
  });
});

describe("POST /api/v1/psa/autotask/test", () => {
  it("finds the zone and checks the API user without creating a webhook", async () => {
    h.autotask(AT_ORIGIN);
    const t = await createTenant("AT Test MSP");
    const res = await postAs(t.apiKey, "/api/v1/psa/autotask/test", atConnectBody());
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; detail: string };
    expect(body).toMatchObject({ ok: true });
    expect(body.detail).toContain(AT_ORIGIN);
    expect(h.outbound.some((o) => o.method !== "GET" && !/ThresholdInformation/.test(o.url))).toBe(false);
    await storedNothing(t.tenantId);
  });

  it("answers a wrong secret with Autotask's refusal", async () => {
    h.autotask(AT_ORIGIN);
    const t = await createTenant("AT Wrong MSP");
    const res = await postAs(t.apiKey, "/api/v1/psa/autotask/test", atConnectBody({ secret: "wrong" }));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; message: string; field: string };
    expect(body).toMatchObject({ ok: false, field: "secret" });
    expect(body.message).toMatch(/^Autotask rejected the credentials/);
    await storedNothing(t.tenantId);
  });
});

describe("POST /api/v1/integrations/:id/test (vendor pulls)", () => {
  async function routePax8(sim: { app: { fetch: (r: Request) => Response | Promise<Response> } }): Promise<void> {
    vi.restoreAllMocks();
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      const request = new Request(input, init);
      if (new URL(request.url).host !== "api.pax8.com") throw new TypeError(`unexpected fetch ${request.url}`);
      return sim.app.fetch(request);
    });
  }

  it("runs the saved Pax8 pull with the stored credentials and writes nothing", async () => {
    await routePax8(createPax8Sim());
    const t = await createTenant("Pax8 Test MSP");
    const created = await postAs(t.apiKey, "/api/v1/integrations", { kind: "pax8", name: "Pax8", clientId: "sim-client", clientSecret: "sim-secret" });
    const { integrationId } = (await created.json()) as { integrationId: string };
    const res = await postAs(t.apiKey, `/api/v1/integrations/${integrationId}/test`, {});
    expect(res.status).toBe(200);
    const body = (await res.json()) as { ok: boolean; detail: string };
    expect(body.ok).toBe(true);
    expect(body.detail).toMatch(/^Pax8 answered: 5 counts readable in \d+ requests \(nothing was saved\)/);
    expect(await sql("SELECT id FROM usage_counts WHERE tenant_id = ?", t.tenantId)).toEqual([]);
    expect(await sql("SELECT id FROM ingest_pull_runs WHERE tenant_id = ?", t.tenantId)).toEqual([]);
  });

  it("answers Pax8's refusal in plain words, 400 for an integration that is not pulled, 404 for another tenant's", async () => {
    await routePax8(createPax8Sim({ clientSecret: "rotated" }));
    const t = await createTenant("Pax8 Wrong MSP");
    const created = await postAs(t.apiKey, "/api/v1/integrations", { kind: "pax8", name: "Pax8", clientId: "sim-client", clientSecret: "sim-secret" });
    const { integrationId } = (await created.json()) as { integrationId: string };
    const body = (await (await postAs(t.apiKey, `/api/v1/integrations/${integrationId}/test`, {})).json()) as { ok: boolean; message: string };
    expect(body.ok).toBe(false);
    expect(body.message).toMatch(/Pax8/);
    const csv = (await (await postAs(t.apiKey, "/api/v1/integrations", { kind: "csv", name: "Files" })).json()) as { integrationId: string };
    expect((await postAs(t.apiKey, `/api/v1/integrations/${csv.integrationId}/test`, {})).status).toBe(400);
    // A pull kind without stored settings (e.g. the demo's seeded Pax8) answers in words, not an error.
    await sql("INSERT INTO vendor_integrations (id, tenant_id, kind, name, status) VALUES ('vi_bare', ?, 'pax8', 'Bare Pax8', 'active')", t.tenantId);
    const bare = (await (await postAs(t.apiKey, "/api/v1/integrations/vi_bare/test", {})).json()) as { ok: boolean; message: string };
    expect(bare).toEqual({ ok: false, message: "This pax8 integration is not pulled: no pull settings or credentials are stored; create it again with its API credentials" });
    const other = await createTenant("Pax8 Other MSP");
    expect((await postAs(other.apiKey, `/api/v1/integrations/${integrationId}/test`, {})).status).toBe(404);
  });
});
