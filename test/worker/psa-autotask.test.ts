import { env } from "cloudflare:workers";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { signAutotask, utf8 } from "../../src/core/psa/signatures.ts";
import { handlePsaJob } from "../../src/jobs/psa.ts";
import { firstOfNextMonth } from "../../src/core/shared/dates.ts";
import type { DecisionResponse } from "../../src/shared/api-types.ts";
import type { AtSim } from "../sim/autotask/app.ts";
import { AT_ORIGIN, atConnectBody, callWorker, getAs, installPsaHarness, type PsaHarness, postAs, sql } from "../fixtures/psa/harness.ts";
import { createTenant } from "./helpers/http.ts";

let h: PsaHarness;
let at: AtSim;
let tenant: { tenantId: string; apiKey: string };
let integrationId: string;

function seedContracts(sim: AtSim, from: number, count: number) {
  for (let i = 0; i < count; i++) {
    const id = from + i;
    sim.state.companies.set(id, { id, companyName: `Customer ${id}`, companyNumber: `C${id}`, companyType: 1 });
    sim.state.contracts.set(id, { id, companyID: id, contractName: `Recurring ${id}`, contractType: 7, status: 1, startDate: "2025-01-01T00:00:00Z", endDate: "2030-12-31T00:00:00Z", contractPeriodType: 1 });
    sim.state.addContractService({ id: id * 10, contractID: id, serviceID: 5, unitPrice: 26, unitCost: 22, units: 10 + (i % 5) });
  }
}

beforeAll(async () => {
  h = installPsaHarness();
  at = h.autotask(AT_ORIGIN);
  at.state.services.set(5, { id: 5, name: "Microsoft 365 Business Premium" });
  seedContracts(at, 1, 3);
  // An inactive contract and a non-recurring one are not synced.
  at.state.contracts.set(90, { id: 90, companyID: 1, contractName: "Old", contractType: 7, status: 0, startDate: "2020-01-01T00:00:00Z", endDate: "2021-01-01T00:00:00Z", contractPeriodType: 1 });
  at.state.contracts.set(91, { id: 91, companyID: 1, contractName: "Block hours", contractType: 6, status: 1, startDate: "2025-01-01T00:00:00Z", endDate: "2030-01-01T00:00:00Z", contractPeriodType: 1 });
  tenant = await createTenant("Autotask MSP");
  const res = await postAs(tenant.apiKey, "/api/v1/psa/autotask", atConnectBody());
  integrationId = ((await res.json()) as { integrationId: string }).integrationId;
  await h.drain();
});
afterAll(() => {
  vi.restoreAllMocks();
});
beforeEach(() => {
  h.queued.length = 0;
  at.control.clear();
});

const inbox = () => sql<{ state: string }>("SELECT state FROM psa_webhook_inbox WHERE tenant_id = ?", tenant.tenantId);

describe("Autotask sync", () => {
  it("syncs active Recurring Service contracts with this period's units", async () => {
    const rows = await sql("SELECT a.psa_id, a.name, a.billing_cycle, l.psa_id AS line, l.product_key, l.product_name, l.quantity, l.unit_price_minor FROM agreements a JOIN agreement_lines l ON l.agreement_id = a.id WHERE a.tenant_id = ? ORDER BY a.psa_id", tenant.tenantId);
    expect(rows).toEqual([
      { psa_id: "1", name: "Recurring 1", billing_cycle: "monthly", line: "10", product_key: "5", product_name: "Microsoft 365 Business Premium", quantity: "10", unit_price_minor: 2600 },
      { psa_id: "2", name: "Recurring 2", billing_cycle: "monthly", line: "20", product_key: "5", product_name: "Microsoft 365 Business Premium", quantity: "11", unit_price_minor: 2600 },
      { psa_id: "3", name: "Recurring 3", billing_cycle: "monthly", line: "30", product_key: "5", product_name: "Microsoft 365 Business Premium", quantity: "12", unit_price_minor: 2600 },
    ]);
  });

  it("pages over more than 500 contracts with nextPageUrl", async () => {
    seedContracts(at, 1000, 505);
    await postAs(tenant.apiKey, `/api/v1/psa/integrations/${integrationId}/sync`, { mode: "full" });
    await h.drain();
    expect(at.control.log.filter((e) => e.path.includes("/Contracts/query")).map((e) => e.path.replace(/\?.*/, ""))).toEqual([
      "/ATServicesRest/v1.0/Contracts/query",
      "/ATServicesRest/V1.0/Contracts/query/next",
      "/ATServicesRest/v1.0/Contracts/query/count",
    ]);
    const [count] = await sql<{ n: number }>("SELECT COUNT(*) AS n FROM agreements WHERE tenant_id = ? AND psa = 'autotask'", tenant.tenantId);
    expect(count?.n).toBe(508);
    for (let id = 1000; id < 1505; id++) {
      at.state.contracts.delete(id);
      at.state.contractServices.delete(id * 10);
    }
    // Cleanup: a full sync would refuse to mark 505 of 508 inactive at once (listing-guard.ts).
    await env.DB.prepare("UPDATE agreements SET cancelled = 1, status = 'Inactive' WHERE tenant_id = ? AND psa = 'autotask' AND CAST(psa_id AS INTEGER) BETWEEN 1000 AND 1504").bind(tenant.tenantId).run();
  });

  it("a nextPageUrl on another host fails the run with an error and marks nothing inactive", async () => {
    const cancelled = () => sql<{ n: number }>("SELECT COUNT(*) AS n FROM agreements WHERE tenant_id = ? AND cancelled = 1", tenant.tenantId);
    const before = await cancelled();
    seedContracts(at, 2000, 505);
    h.route(new URL(AT_ORIGIN).host, async (req) => {
      const res = await at.fetch(req);
      if (!new URL(req.url).pathname.endsWith("/Contracts/query")) return res;
      const page = (await res.json()) as { items: unknown[]; pageDetails: Record<string, unknown> };
      return Response.json({ ...page, pageDetails: { ...page.pageDetails, nextPageUrl: "https://webservices99.evil.test/ATServicesRest/V1.0/Contracts/query/next?paging=x" } });
    });
    const res = await postAs(tenant.apiKey, `/api/v1/psa/integrations/${integrationId}/sync`, { mode: "full" });
    const { runId } = (await res.json()) as { runId: string };
    await h.drain();
    h.route(new URL(AT_ORIGIN).host, at.fetch);
    const run = ((await (await getAs(tenant.apiKey, `/api/v1/psa/sync-runs/${runId}`)).json()) as { run: Record<string, unknown> }).run;
    expect(run).toMatchObject({ state: "failed", error: "Autotask paging link points to another host (webservices99.evil.test); listing refused" });
    expect(await cancelled()).toEqual(before);
    for (let id = 2000; id < 2505; id++) {
      at.state.contracts.delete(id);
      at.state.contractServices.delete(id * 10);
    }
  });

  it("stops short of the hourly budget and retries later instead of calling Autotask", async () => {
    const minute = new Date().toISOString().slice(0, 16);
    await env.DB.prepare("INSERT INTO psa_request_budget (id, tenant_id, integration_id, minute, count) VALUES (?, ?, ?, ?, 8000) ON CONFLICT (tenant_id, integration_id, minute) DO UPDATE SET count = 8000")
      .bind(`${integrationId}:${minute}`, tenant.tenantId, integrationId, minute)
      .run();
    await postAs(tenant.apiKey, `/api/v1/psa/integrations/${integrationId}/sync`, { mode: "full" });
    const [job] = h.queued.splice(0);
    expect(await handlePsaJob(job?.message ?? { kind: "", id: "", tenantId: "" }, env)).toEqual({ ok: true });
    expect(at.control.log).toEqual([]);
    expect(h.queued.map((q) => [q.message.kind, q.delaySeconds])).toEqual([["psa.sync", 600]]);
    await env.DB.prepare("DELETE FROM psa_request_budget WHERE tenant_id = ?").bind(tenant.tenantId).run();
    expect((await h.drain()).every((d) => d.outcome.ok)).toBe(true);
  });
});

describe("Autotask's shared hourly threshold", () => {
  it("defers a sync while the whole database is above 90% of its hourly requests", async () => {
    for (let i = 0; i < 9_100; i++) at.control.log.push({ method: "GET", path: "/elsewhere", status: 200, at: new Date().toISOString() });
    await postAs(tenant.apiKey, `/api/v1/psa/integrations/${integrationId}/sync`, { mode: "full" });
    const [job] = h.queued.splice(0);
    expect(await handlePsaJob(job?.message ?? { kind: "", id: "", tenantId: "" }, env)).toEqual({ ok: true });
    expect(at.control.log.slice(9_100).map((e) => e.path)).toEqual(["/ATServicesRest/v1.0/ThresholdInformation"]);
    expect(h.queued.map((q) => [q.message.kind, q.delaySeconds])).toEqual([["psa.sync", 900]]);
    at.control.log = [];
    expect((await h.drain()).every((d) => d.outcome.ok)).toBe(true);
  });
});

describe("Autotask webhooks", () => {
  it("verifies the signature over the exact escaped bytes, records the event and re-reads the company", async () => {
    const [delivery] = await at.companyChanged(1, "Update").then(async () => {
      at.state.companies.set(1, { id: 1, companyName: `Smith & Sons <Ltd> "R'us" +1 Zürich`, companyNumber: "C1", companyType: 1 });
      return at.companyChanged(1, "Update");
    });
    expect(delivery?.status).toBe(200);
    expect(delivery?.body).toContain("Smith \\u0026 Sons \\u003CLtd\\u003E \\u0022R\\u0027us\\u0022 \\u002B1 Z\\u00FCrich");
    await h.drain();
    const [company] = await sql<{ name: string }>("SELECT name FROM psa_companies WHERE tenant_id = ? AND psa_id = '1'", tenant.tenantId);
    expect(company?.name).toBe(`Smith & Sons <Ltd> "R'us" +1 Zürich`);
    // The same JSON re-serialised (as a framework would) no longer matches the signature.
    const reserialised = JSON.stringify(JSON.parse(delivery?.body ?? "{}"));
    const res = await callWorker(`/webhooks/autotask/${integrationId}`, { method: "POST", headers: delivery?.headers, body: reserialised });
    expect(res.status).toBe(401);
  });

  it("one event redelivered 5 times is one row and one job", async () => {
    const before = (await inbox()).length;
    const [first] = await at.companyChanged(2, "Update");
    expect(first?.status).toBe(200);
    const index = at.deliveries.length - 1;
    for (let i = 0; i < 4; i++) {
      const res = await at.fetch(new Request(`${AT_ORIGIN}/_sim/deliveries/${index}/resend`, { method: "POST" }));
      expect(((await res.json()) as { status: number }).status).toBe(200);
    }
    expect((await inbox()).length).toBe(before + 1);
    expect(h.queued.map((q) => q.message.kind)).toEqual(["psa.at-event"]);
  });

  it("a signed webhook is only a hint: a 'Delete' for a company the PSA still has cancels nothing, and its Fields are not stored", async () => {
    const name = at.state.companies.get(3)?.companyName;
    const [delivery] = await at.companyChanged(3, "Delete");
    expect(delivery?.status).toBe(200);
    at.control.log = [];
    await h.drain();
    expect(at.control.count("/Contracts/query", "POST")).toBeGreaterThan(0);
    expect(await sql("SELECT cancelled FROM agreements WHERE tenant_id = ? AND psa_id = '3'", tenant.tenantId)).toEqual([{ cancelled: 0 }]);
    expect(await sql("SELECT name FROM psa_companies WHERE tenant_id = ? AND psa_id = '3'", tenant.tenantId)).toEqual([{ name }]);
  });

  it.each([
    ["no signature", undefined],
    ["the wrong scheme", "sha256=UaDXFl2DRDu9dnINVkFle7y5uAE="],
    ["the wrong secret", "wrong-secret"],
    ["a truncated value", "sha1=UaDXFl2D"],
  ])("rejects %s with 401", async (_label, variant) => {
    const body = JSON.stringify({ Action: "Update", Guid: "g", EntityType: "Company", Id: 1, SequenceNumber: 999, Fields: {} });
    const signature = variant === "wrong-secret" ? await signAutotask("not-the-secret", utf8(body)) : variant;
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (signature) headers["x-hook-signature"] = signature;
    const before = (await inbox()).length;
    const res = await callWorker(`/webhooks/autotask/${integrationId}`, { method: "POST", headers, body });
    expect(res.status).toBe(401);
    expect((await inbox()).length).toBe(before);
  });

  it("the deactivation call flags the integration and falls back to polling", async () => {
    const hook = [...at.state.webhooks.values()][0];
    const forged = await callWorker(`/webhooks/autotask/${integrationId}/deactivated?token=guess`, { method: "POST", body: "{}" });
    expect(forged.status).toBe(401);
    const res = await at.fetch(new Request(`${AT_ORIGIN}/_sim/webhooks/${hook?.id}/deactivate`, { method: "POST" }));
    expect(((await res.json()) as { status: number }).status).toBe(200);
    expect(await sql("SELECT status, polling_only FROM psa_integrations WHERE id = ?", integrationId)).toEqual([{ status: "deactivated", polling_only: 1 }]);
    const audit = await sql("SELECT action FROM audit_log WHERE entity_id = ? ORDER BY seq", integrationId);
    expect(audit).toEqual([{ action: "psa.connected" }, { action: "psa.webhook-deactivated" }]);
    // Polling goes on: the quarter-hour cron still syncs a deactivated integration.
    await h.cron("*/15 * * * *", new Date());
    expect(h.queued.map((q) => q.message.kind)).toContain("psa.sync");
    await h.drain();
  });
});

describe("Autotask write-back", () => {
  async function lineOf(contract: string) {
    const [row] = await sql<{ id: string; agreement_id: string }>("SELECT l.id, l.agreement_id FROM agreement_lines l JOIN agreements a ON a.id = l.agreement_id WHERE a.tenant_id = ? AND a.psa_id = ?", tenant.tenantId, contract);
    if (!row) throw new Error("no line");
    return row;
  }

  it("adjust creates one ContractServiceAdjustment (unitChange = target − units) effective the 1st of next month, even when Autotask answers 500 after applying it", async () => {
    const line = await lineOf("3");
    at.control.addFault({ method: "POST", path: "/ContractServiceAdjustments", status: 500, when: "after" });
    const res = await postAs(tenant.apiKey, "/api/v1/decisions", { agreementId: line.agreement_id, lineId: line.id, action: "adjust", quantity: "15" });
    const { decision } = (await res.json()) as DecisionResponse;
    expect(decision).toMatchObject({ oldQuantity: "12", newQuantity: "15", effectiveDate: firstOfNextMonth(new Date()) });
    await h.drain();
    expect(at.state.adjustments.map((a) => ({ contractID: a.contractID, serviceID: a.serviceID, unitChange: a.unitChange, effectiveDate: a.effectiveDate }))).toEqual([
      { contractID: 3, serviceID: 5, unitChange: 3, effectiveDate: `${firstOfNextMonth(new Date())}T00:00:00Z` },
    ]);
    const view = ((await (await getAs(tenant.apiKey, `/api/v1/decisions/${decision.id}`)).json()) as DecisionResponse).decision;
    expect(view.writebackState).toBe("applied");
  });

  it("refuses fractional Autotask units", async () => {
    const line = await lineOf("2");
    const res = await postAs(tenant.apiKey, "/api/v1/decisions", { agreementId: line.agreement_id, lineId: line.id, action: "adjust", quantity: "11.5" });
    const { decision } = (await res.json()) as DecisionResponse;
    await h.drain();
    const view = ((await (await getAs(tenant.apiKey, `/api/v1/decisions/${decision.id}`)).json()) as DecisionResponse).decision;
    expect(view).toMatchObject({ writebackState: "failed", writebackError: "Autotask units are whole numbers; cannot change 11 to 11.5." });
  });
});
