import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index.ts";
import { handlePsaJob } from "../../src/jobs/psa.ts";
import type { JobMessage } from "../../src/jobs/messages.ts";
import type { DecisionResponse } from "../../src/shared/api-types.ts";
import type { CwSim } from "../sim/connectwise/app.ts";
import { CW_ORIGIN, cronSlots, cwConnectBody, installPsaHarness, type PsaHarness, postAs, sql } from "../fixtures/psa/harness.ts";
import { createTenant } from "./helpers/http.ts";

let h: PsaHarness;
let cw: CwSim;
const tenants: Array<{ tenantId: string; apiKey: string; integrationId: string }> = [];

beforeAll(async () => {
  h = installPsaHarness();
  cw = h.connectWise(CW_ORIGIN);
  cw.state.addCompany({ id: 1, identifier: "A", name: "Alpha" });
  cw.state.addAgreement({ id: 10, companyId: 1, name: "Alpha MS" });
  cw.state.addAddition({ id: 100, agreementId: 10, identifier: "M365-BP", description: "BP", quantity: 10, unitPrice: 26, unitCost: 22 });
  for (const name of ["Cron One MSP", "Cron Two MSP"]) {
    const t = await createTenant(name);
    const res = await postAs(t.apiKey, "/api/v1/psa/connectwise", cwConnectBody());
    tenants.push({ ...t, integrationId: ((await res.json()) as { integrationId: string }).integrationId });
  }
  await h.drain();
});
afterAll(() => {
  vi.restoreAllMocks();
});
beforeEach(() => {
  h.queued.length = 0;
});

const slot = cronSlots();

/** The Worker's scheduled handler, then the consumer on the per-tenant messages it fanned out. */
async function runScheduled(cron: string, at = slot()) {
  const controller = createScheduledController({ cron, scheduledTime: at.getTime() });
  const ctx = createExecutionContext();
  await worker.scheduled(controller, env, ctx);
  await waitOnExecutionContext(ctx);
  return h.runMaintenance();
}

const runs = (integrationId: string) => sql<{ mode: string; state: string }>("SELECT mode, state FROM psa_sync_runs WHERE integration_id = ? ORDER BY started_at", integrationId);

describe("Cron Triggers", () => {
  it("the cron only fans out: one psa.maintenance message per tenant, idempotent per tenant and slot", async () => {
    const at = slot();
    const controller = createScheduledController({ cron: "*/15 * * * *", scheduledTime: at.getTime() });
    const ctx = createExecutionContext();
    await worker.scheduled(controller, env, ctx);
    await waitOnExecutionContext(ctx);
    const fanned = h.queued.splice(0).map((q) => q.message);
    const quarter = new Date(Math.floor(at.getTime() / 900_000) * 900_000).toISOString();
    expect(fanned.map((m) => [m.kind, m.tenantId, m.id])).toEqual(
      tenants.map((t) => t.tenantId).sort().map((tenantId) => ["psa.maintenance", tenantId, `psa-maint:incremental:${quarter}:${tenantId}`]),
    );
    // The same slot delivered twice (a redelivery, or the cron firing again) starts one sync per tenant.
    for (const message of [...fanned, ...fanned]) expect(await handlePsaJob(message, env)).toEqual({ ok: true });
    expect(h.queued.filter((q) => q.message.kind === "psa.sync").map((q) => q.message.tenantId).sort()).toEqual(tenants.map((t) => t.tenantId).sort());
    await h.drain();
  });

  it("every 15 minutes starts an incremental sync per connected integration, tenant by tenant; nightly a full one", async () => {
    await runScheduled("*/15 * * * *");
    expect(h.queued.map((q) => [q.message.kind, q.message.tenantId])).toEqual(tenants.map((t) => ["psa.sync", t.tenantId]).sort((a, b) => (String(a[1]) < String(b[1]) ? -1 : 1)));
    await h.drain();
    await runScheduled("0 3 * * *");
    await h.drain();
    // The connect's full run, the fan-out test's incremental one, then this test's incremental and full ones.
    for (const t of tenants) {
      expect(await runs(t.integrationId)).toEqual([
        { mode: "full", state: "done" },
        { mode: "incremental", state: "done" },
        { mode: "incremental", state: "done" },
        { mode: "full", state: "done" },
      ]);
    }
  });

  it("does not pile an incremental run onto one still running, and fails runs stuck for hours", async () => {
    const t = tenants[0];
    if (!t) throw new Error("no tenant");
    const at = slot();
    await env.DB.prepare("INSERT INTO psa_sync_runs (id, tenant_id, integration_id, mode, state, started_at) VALUES ('syn_stuck', ?, ?, 'full', 'running', ?), ('syn_busy', ?, ?, 'incremental', 'running', ?)")
      .bind(t.tenantId, t.integrationId, new Date(at.getTime() - 3 * 3_600_000).toISOString(), t.tenantId, t.integrationId, new Date(at.getTime() - 60_000).toISOString())
      .run();
    await runScheduled("*/15 * * * *", at);
    expect(h.queued.filter((q) => q.message.tenantId === t.tenantId)).toEqual([]);
    expect(await sql("SELECT state, error FROM psa_sync_runs WHERE id = 'syn_stuck'")).toEqual([{ state: "failed", error: "run did not complete (a chunk was dead-lettered)" }]);
    await env.DB.prepare("UPDATE psa_sync_runs SET state = 'done' WHERE id = 'syn_busy'").run();
    h.queued.length = 0;
  });

  it("re-enqueues a pending write-back whose message was lost", async () => {
    const t = tenants[1];
    if (!t) throw new Error("no tenant");
    const [agreement] = await sql<{ id: string }>("SELECT id FROM agreements WHERE tenant_id = ?", t.tenantId);
    const res = await postAs(t.apiKey, "/api/v1/decisions", { agreementId: agreement?.id, productKey: "M365-BP", action: "adjust", quantity: "12" });
    const { decision } = (await res.json()) as DecisionResponse;
    h.queued.length = 0; // the message is lost
    await env.DB.prepare("UPDATE decisions SET updated_at = ? WHERE id = ?").bind(new Date(Date.now() - 3_600_000).toISOString(), decision.id).run();
    await runScheduled("*/15 * * * *");
    expect(h.queued.filter((q) => q.message.kind === "psa.writeback").map((q) => q.message.id)).toEqual([decision.id]);
    await h.drain();
    expect(await sql("SELECT writeback_state FROM decisions WHERE id = ?", decision.id)).toEqual([{ writeback_state: "applied" }]);
  });
});

describe("queue consumer", () => {
  it("acks psa jobs individually and dead-letters a malformed one with its reason", async () => {
    const batch = createMessageBatch<JobMessage>("trueup-jobs", [
      { id: "m1", timestamp: Date.now(), attempts: 1, body: { kind: "psa.writeback", id: "dec_missing", tenantId: "t", decisionId: "dec_missing" } },
      { id: "m2", timestamp: Date.now(), attempts: 1, body: { kind: "psa.sync", id: "bad", tenantId: "t" } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks.sort()).toEqual(["m1", "m2"]);
    expect(result.retryMessages).toEqual([]);
    const dead = await sql<{ kind: string; error: string }>("SELECT kind, error FROM dead_letters WHERE job_id = 'bad'");
    expect(dead).toHaveLength(1);
    expect(dead[0]?.error).toMatch(/^malformed psa.sync message/);
  });

  it("retries a transient PSA failure with backoff instead of acking it", async () => {
    const t = tenants[0];
    if (!t) throw new Error("no tenant");
    await env.DB.prepare("INSERT INTO psa_sync_runs (id, tenant_id, integration_id, mode, state, started_at) VALUES ('syn_retry', ?, ?, 'full', 'running', ?)").bind(t.tenantId, t.integrationId, new Date().toISOString()).run();
    cw.control.addFault({ path: "/finance/agreements?", status: 503, times: 2 });
    const batch = createMessageBatch<JobMessage>("trueup-jobs", [{ id: "m3", timestamp: Date.now(), attempts: 3, body: { kind: "psa.sync", id: "syn_retry", tenantId: t.tenantId, integrationId: t.integrationId, runId: "syn_retry" } }]);
    const retry = vi.spyOn(batch.messages[0] as Message<JobMessage>, "retry");
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(["m3"]);
    expect(result.explicitAcks).toEqual([]);
    // The backoff is the retry's delay: 2^attempts seconds (capped at 300), here the 3rd attempt → 8 s.
    // getQueueResult drops retry() options, so the call itself is watched.
    expect(retry).toHaveBeenCalledWith({ delaySeconds: 8 });
  });
});
