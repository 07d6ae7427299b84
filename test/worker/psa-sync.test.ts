import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { handlePsaJob } from "../../src/jobs/psa.ts";
import { RECON_STATUSES, type ReconciliationResponse } from "../../src/shared/api-types.ts";
import { demoConnectWiseData } from "../../src/db/seed/demo-psa.ts";
import { seedDemo } from "../sim/connectwise/datasets.ts";
import { CW_ORIGIN, cwConnectBody, getAs, installPsaHarness, type PsaHarness, postAs, seedDemoForSync, sql } from "../fixtures/psa/harness.ts";
import { createTenant } from "./helpers/http.ts";

let h: PsaHarness;
let clock: Date;
beforeEach(() => {
  h = installPsaHarness();
  clock = new Date(Date.now() - 3_600_000);
});
afterEach(() => {
  vi.restoreAllMocks();
});

async function connect(key: string, sim = h.connectWise(CW_ORIGIN, { now: () => clock })) {
  const res = await postAs(key, "/api/v1/psa/connectwise", cwConnectBody());
  expect(res.status).toBe(201);
  const body = (await res.json()) as { integrationId: string; syncRunId: string };
  return { sim, ...body };
}

async function run(key: string, runId: string) {
  return ((await (await getAs(key, `/api/v1/psa/sync-runs/${runId}`)).json()) as { run: Record<string, unknown> }).run;
}

describe("full ConnectWise sync of the demo tenant", () => {
  it("brings in every recurring active agreement, keeps company ids, and shows every reconciliation status", async () => {
    const key = await seedDemoForSync();
    const sim = h.connectWise(CW_ORIGIN, { now: () => clock });
    seedDemo(sim.state, demoConnectWiseData(new Date()));
    const { syncRunId, integrationId } = await connect(key, sim);
    sim.control.log = [];
    const drained = await h.drain();
    expect(drained.every((d) => d.outcome.ok)).toBe(true);
    expect(await run(key, syncRunId)).toMatchObject({ state: "done", mode: "full", agreements: 12, lines: 22, chunksTotal: 1, chunksDone: 1, psaCalls: 14 });
    // One agreements page, one count (the listing is complete only when it matches), one additions call per recurring active agreement (12 of 13: one is cancelled).
    expect(sim.control.count("/finance/agreements?")).toBe(1);
    expect(sim.control.count("/finance/agreements/count?")).toBe(1);
    expect(sim.control.count("/additions")).toBe(12);
    const agreements = await sql<{ company_id: string; psa: string }>("SELECT company_id, psa FROM agreements WHERE tenant_id = 'tnt_demo' AND psa = 'connectwise'");
    expect(agreements).toHaveLength(12);
    expect(agreements.every((a) => a.company_id.startsWith("demo_co_"))).toBe(true);
    const recon = (await (await getAs(key, "/api/v1/reconciliation")).json()) as ReconciliationResponse;
    expect(new Set(recon.rows.map((r) => r.status))).toEqual(new Set(RECON_STATUSES));
    expect(recon.totals).toEqual([{ currency: "USD", underBilledMonthlyMinor: 62626, overBilledMonthlyMinor: 14400 }]);
    const bright = recon.rows.find((r) => r.agreementName?.startsWith("Brightline") && r.productKey === "M365-BP");
    expect(bright).toMatchObject({ status: "increase", psaQuantity: "40", vendorQuantity: "44" });

    // A second full sync is idempotent: same rows, same quantities, same number of calls.
    const before = await sql<{ id: string; quantity: string }>("SELECT id, quantity FROM agreement_lines WHERE tenant_id = 'tnt_demo' ORDER BY id");
    sim.control.log = [];
    const again = (await (await postAs(key, `/api/v1/psa/integrations/${integrationId}/sync`, { mode: "full" })).json()) as { runId: string };
    await h.drain();
    expect(await sql("SELECT id, quantity FROM agreement_lines WHERE tenant_id = 'tnt_demo' ORDER BY id")).toEqual(before);
    expect(sim.control.log).toHaveLength(14);
    expect(await run(key, again.runId)).toMatchObject({ state: "done", psaCalls: 14 });
  });

});

describe("paging", () => {
  it("follows Link rel=next over more than one page of additions", async () => {
    const t = await createTenant("Paging MSP");
    const sim = h.connectWise(CW_ORIGIN, { now: () => clock });
    sim.state.addCompany({ id: 1, identifier: "BIG", name: "Big Customer" });
    sim.state.addAgreement({ id: 77, companyId: 1, name: "Big agreement" });
    for (let i = 0; i < 1005; i++) sim.state.addAddition({ agreementId: 77, identifier: `SKU-${i}`, description: `Product ${i}`, quantity: i % 9, unitPrice: 1.5, unitCost: 1 });
    await connect(t.apiKey, sim);
    await h.drain();
    const pages = sim.control.log.filter((e) => e.path.includes("/finance/agreements/77/additions"));
    expect(pages.map((p) => new URL(`http://x${p.path}`).searchParams.get("page") ?? "1")).toEqual(["1", "2"]);
    const [count] = await sql<{ n: number }>("SELECT COUNT(*) AS n FROM agreement_lines WHERE tenant_id = ?", t.tenantId);
    expect(count?.n).toBe(1005);
  });
});

describe("incremental sync", () => {
  it("re-reads changed agreements, probes the others for changed additions, and marks cancellations", async () => {
    const t = await createTenant("Incremental MSP");
    const sim = h.connectWise(CW_ORIGIN, { now: () => clock });
    sim.state.addCompany({ id: 1, identifier: "A", name: "Alpha" });
    sim.state.addAgreement({ id: 10, companyId: 1, name: "Alpha MS" });
    sim.state.addAgreement({ id: 11, companyId: 1, name: "Alpha Backup" });
    const edited = sim.state.addAddition({ id: 100, agreementId: 10, identifier: "M365-BP", description: "BP", quantity: 10, unitPrice: 26, unitCost: 22 });
    sim.state.addAddition({ id: 110, agreementId: 11, identifier: "BKP", description: "Backup", quantity: 3, unitPrice: 10, unitCost: 5 });
    const { integrationId } = await connect(t.apiKey, sim);
    await h.drain();
    clock = new Date();
    // Changed in the PSA without a callback: an addition edit (agreement untouched) and a cancelled agreement.
    edited.quantity = 14;
    edited._info.lastUpdated = clock.toISOString();
    const cancelled = sim.state.agreements.get(11);
    if (cancelled) Object.assign(cancelled, { cancelledFlag: true, agreementStatus: "Cancelled", _info: { lastUpdated: clock.toISOString() } });
    sim.control.log = [];
    const started = (await (await postAs(t.apiKey, `/api/v1/psa/integrations/${integrationId}/sync`, { mode: "incremental" })).json()) as { runId: string; mode: string };
    expect(started.mode).toBe("incremental");
    await h.drain();
    expect(sim.control.log.map((e) => decodeURIComponent(e.path).replace(/\?.*lastUpdated > \[[^\]]+\].*/, "?lastUpdated>cursor"))).toEqual([
      "/v4_6_release/apis/3.0/finance/agreements?lastUpdated>cursor",
      "/v4_6_release/apis/3.0/finance/agreements/10/additions?lastUpdated>cursor",
      "/v4_6_release/apis/3.0/finance/agreements/10",
      "/v4_6_release/apis/3.0/finance/agreements/10/additions?pageSize=1000",
    ]);
    const lines = await sql<{ psa_id: string; quantity: string }>("SELECT psa_id, quantity FROM agreement_lines WHERE tenant_id = ? ORDER BY psa_id", t.tenantId);
    expect(lines).toEqual([
      { psa_id: "100", quantity: "14" },
      { psa_id: "110", quantity: "3" },
    ]);
    const agreements = await sql("SELECT psa_id, status, cancelled FROM agreements WHERE tenant_id = ? ORDER BY psa_id", t.tenantId);
    expect(agreements).toEqual([
      { psa_id: "10", status: "Active", cancelled: 0 },
      { psa_id: "11", status: "Cancelled", cancelled: 1 },
    ]);
    expect(await run(t.apiKey, started.runId)).toMatchObject({ state: "done", mode: "incremental" });
  });

  it("a full sync cancels agreements the PSA no longer lists and lines it no longer returns", async () => {
    const t = await createTenant("Full Cleanup MSP");
    const sim = h.connectWise(CW_ORIGIN, { now: () => clock });
    sim.state.addCompany({ id: 1, identifier: "A", name: "Alpha" });
    sim.state.addAgreement({ id: 10, companyId: 1, name: "Alpha MS" });
    sim.state.addAgreement({ id: 11, companyId: 1, name: "Alpha Old" });
    sim.state.addAddition({ id: 100, agreementId: 10, identifier: "A1", description: "A1", quantity: 1, unitPrice: 1, unitCost: 1 });
    sim.state.addAddition({ id: 101, agreementId: 10, identifier: "A2", description: "A2", quantity: 2, unitPrice: 1, unitCost: 1 });
    const { integrationId } = await connect(t.apiKey, sim);
    await h.drain();
    sim.state.agreements.delete(11);
    sim.state.additions.delete(101);
    await postAs(t.apiKey, `/api/v1/psa/integrations/${integrationId}/sync`, { mode: "full" });
    await h.drain();
    expect(await sql("SELECT psa_id, cancelled FROM agreements WHERE tenant_id = ? ORDER BY psa_id", t.tenantId)).toEqual([
      { psa_id: "10", cancelled: 0 },
      { psa_id: "11", cancelled: 1 },
    ]);
    const lines = await sql<{ psa_id: string; cancelled_date: string | null }>("SELECT psa_id, cancelled_date FROM agreement_lines WHERE tenant_id = ? ORDER BY psa_id", t.tenantId);
    expect(lines.map((l) => [l.psa_id, l.cancelled_date !== null])).toEqual([
      ["100", false],
      ["101", true],
    ]);
  });
});

describe("a PSA that refuses the sync", () => {
  it("fails the run at once with the PSA's reason and shows it on the integration", async () => {
    const t = await createTenant("Refused MSP");
    const sim = h.connectWise(CW_ORIGIN, { now: () => clock });
    sim.control.addFault({ path: "/finance/agreements?", status: 403, body: { code: "Forbidden", message: "Member lacks Finance > Agreements inquire rights" } });
    const { integrationId, syncRunId } = await connect(t.apiKey, sim);
    const drained = await h.drain();
    expect(drained.map((d) => d.outcome)).toEqual([{ ok: true }]);
    expect(await run(t.apiKey, syncRunId)).toMatchObject({ state: "failed", error: "HTTP 403: Member lacks Finance > Agreements inquire rights" });
    const { integration } = (await (await getAs(t.apiKey, `/api/v1/psa/integrations/${integrationId}`)).json()) as { integration: { lastSyncError: string } };
    expect(integration.lastSyncError).toBe("HTTP 403: Member lacks Finance > Agreements inquire rights");
  });
});

describe("a full sync never mass-cancels on a partial listing (issue 10 item 3)", () => {
  async function bookOf(size: number) {
    const t = await createTenant(`Book ${size} ${crypto.randomUUID()}`);
    const sim = h.connectWise(CW_ORIGIN, { now: () => clock });
    sim.state.addCompany({ id: 1, identifier: "A", name: "Alpha" });
    for (let i = 0; i < size; i++) {
      sim.state.addAgreement({ id: 10 + i, companyId: 1, name: `MS ${i}` });
      sim.state.addAddition({ id: 1000 + i, agreementId: 10 + i, identifier: `P${i}`, description: `P${i}`, quantity: 1, unitPrice: 1, unitCost: 1 });
    }
    const { integrationId } = await connect(t.apiKey, sim);
    await h.drain();
    return { t, sim, integrationId };
  }
  const cancelled = (tenantId: string) => sql<{ n: number }>("SELECT COUNT(*) AS n FROM agreements WHERE tenant_id = ? AND cancelled = 1", tenantId).then((r) => r[0]?.n);
  async function fullSync(key: string, integrationId: string) {
    const res = await postAs(key, `/api/v1/psa/integrations/${integrationId}/sync`, { mode: "full" });
    const { runId } = (await res.json()) as { runId: string };
    await h.drain();
    return runId;
  }
  const lastSyncError = async (key: string, integrationId: string) =>
    ((await (await getAs(key, `/api/v1/psa/integrations/${integrationId}`)).json()) as { integration: { lastSyncError: string | null } }).integration.lastSyncError;

  it("a Link rel=next to another host fails the run with an error and cancels nothing", async () => {
    const { t, sim, integrationId } = await bookOf(5);
    h.route(new URL(CW_ORIGIN).host, async (req) => {
      const res = await sim.fetch(req);
      if (!new URL(req.url).pathname.endsWith("/finance/agreements")) return res;
      const body = (await res.json()) as unknown[];
      // A short first page whose next link leaves the site.
      return Response.json(body.slice(0, 2), { headers: { link: '<https://evil.test/finance/agreements?page=2>; rel="next"' } });
    });
    const runId = await fullSync(t.apiKey, integrationId);
    expect(await run(t.apiKey, runId)).toMatchObject({ state: "failed", error: "ConnectWise paging link points to another host (evil.test); listing refused" });
    expect(await cancelled(t.tenantId)).toBe(0);
    expect(h.outbound.some((o) => new URL(o.url).host === "evil.test")).toBe(false);
  });

  it("a listing that stops early (fewer agreements than GET /finance/agreements/count) fails the run and cancels nothing", async () => {
    const { t, sim, integrationId } = await bookOf(5);
    h.route(new URL(CW_ORIGIN).host, async (req) => {
      const res = await sim.fetch(req);
      if (!new URL(req.url).pathname.endsWith("/finance/agreements")) return res;
      return Response.json(((await res.json()) as unknown[]).slice(0, 2));
    });
    const runId = await fullSync(t.apiKey, integrationId);
    expect(await run(t.apiKey, runId)).toMatchObject({ state: "failed", error: "ConnectWise listing incomplete: read 2 agreements but the PSA counts 5; nothing was cancelled" });
    expect(await cancelled(t.tenantId)).toBe(0);
    expect(await lastSyncError(t.apiKey, integrationId)).toMatch(/listing incomplete/);
  });

  it("more than 10% of known agreements gone in one run: none cancelled, the run finishes with an alert shown on the integration", async () => {
    const { t, sim, integrationId } = await bookOf(20);
    for (const id of [10, 11, 12]) sim.state.agreements.delete(id);
    const runId = await fullSync(t.apiKey, integrationId);
    const alert = "ConnectWise no longer lists 3 of 20 active agreements (more than 10% in one run); nothing was cancelled — check the PSA, then cancel them there or run a full sync again";
    expect(await run(t.apiKey, runId)).toMatchObject({ state: "done", error: alert });
    expect(await cancelled(t.tenantId)).toBe(0);
    expect(await lastSyncError(t.apiKey, integrationId)).toBe(alert);
  });

  it("up to the allowance (2 of 20) is cancelled as before", async () => {
    const { t, sim, integrationId } = await bookOf(20);
    for (const id of [10, 11]) sim.state.agreements.delete(id);
    const runId = await fullSync(t.apiKey, integrationId);
    expect(await run(t.apiKey, runId)).toMatchObject({ state: "done", error: null });
    expect(await cancelled(t.tenantId)).toBe(2);
  });
});

describe("ConnectWise request budget across isolates (issue 10 item 11)", () => {
  it("at 900 requests in the integration's sliding minute a sync job calls nothing and comes back after the minute", async () => {
    const t = await createTenant("Budget MSP");
    const { sim, integrationId } = await connect(t.apiKey);
    h.queued.length = 0;
    const minute = new Date().toISOString().slice(0, 16);
    await env.DB.prepare("INSERT INTO psa_request_budget (id, tenant_id, integration_id, minute, count) VALUES (?, ?, ?, ?, 900) ON CONFLICT (tenant_id, integration_id, minute) DO UPDATE SET count = 900")
      .bind(`${integrationId}:${minute}`, t.tenantId, integrationId, minute)
      .run();
    await postAs(t.apiKey, `/api/v1/psa/integrations/${integrationId}/sync`, { mode: "full" });
    const job = h.queued.find((q) => q.message.kind === "psa.sync");
    sim.control.log = [];
    expect(await handlePsaJob(job?.message ?? { kind: "", id: "", tenantId: "" }, env)).toEqual({ ok: true });
    expect(sim.control.log).toEqual([]);
    const again = h.queued.filter((q) => q.message.kind === "psa.sync" && q.message.id === job?.message.id).at(-1);
    expect(again?.delaySeconds).toBeGreaterThanOrEqual(1);
    expect(again?.delaySeconds).toBeLessThanOrEqual(60);
    await env.DB.prepare("DELETE FROM psa_request_budget WHERE tenant_id = ?").bind(t.tenantId).run();
    await h.drain();
    expect(sim.control.count("/finance/agreements")).toBeGreaterThan(0);
  });
});
