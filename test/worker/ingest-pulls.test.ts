import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import worker from "../../src/index.ts";
import { withoutFuturePeriods } from "../../src/services/ingest/pulls.ts";
import type { JobMessage } from "../../src/jobs/messages.ts";
import { createLiongardSim } from "../sim/liongard/app.ts";
import { METRICS } from "../sim/liongard/data.ts";
import { createPax8Sim } from "../sim/pax8/app.ts";
import { authed, createTenant, type ErrorBody, json, rows, seedPsa } from "../fixtures/ingest/worker-helpers.ts";

interface RunView {
  runId: string;
  status: string;
  trigger: string;
  attempts: number;
  period: string;
  requests: number;
  countsWritten: number;
  countsApplied: number;
  warnings: string[];
  error: string | null;
}

let tenant: { tenantId: string; apiKey: string };
const realFetch = globalThis.fetch;

beforeAll(async () => {
  tenant = await createTenant("Pull MSP");
  await seedPsa(tenant.tenantId, { companies: [{ id: `${tenant.tenantId}_contoso`, name: "Contoso Pharmaceuticals", domain: "contoso-pharma.com" }] });
});

afterEach(() => {
  vi.restoreAllMocks();
});

/** Routes the Worker's outbound fetch to the simulators by host (tests and Worker share one isolate). */
function routeFetch(hosts: Record<string, { fetch: (request: Request) => Response | Promise<Response> }>) {
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    const target = hosts[new URL(request.url).host];
    return target ? target.fetch(request) : realFetch(request);
  });
}

/** Delivers one job to the Worker's queue handler, as the JOBS consumer would, and returns what it acked or retried. */
async function deliver(message: JobMessage) {
  const batch = createMessageBatch<JobMessage>("trueup-jobs", [{ id: `msg-${message.id}`, timestamp: new Date(), attempts: 1, body: message }]);
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

/** "Sync now", with the real queue send replaced by a capture so the test delivers the job itself. */
async function syncNow(integrationId: string): Promise<{ run: RunView; job: JobMessage }> {
  const sent: JobMessage[] = [];
  const send = vi.spyOn(env.JOBS, "send").mockImplementation(async (body: JobMessage) => {
    sent.push(body);
    return undefined as never;
  });
  const { run } = await json<{ run: RunView }>(await authed(tenant.apiKey, `/api/v1/integrations/${integrationId}/sync`, "POST"), 202);
  send.mockRestore();
  expect(sent).toHaveLength(1);
  return { run, job: sent[0] as JobMessage };
}

async function getRun(runId: string): Promise<RunView> {
  return (await json<{ run: RunView }>(await authed(tenant.apiKey, `/api/v1/pull-runs/${runId}`), 200)).run;
}

async function createPax8(extra: Record<string, unknown> = {}): Promise<string> {
  const body = { kind: "pax8", name: "Pax8", clientId: "sim-client", clientSecret: "sim-secret", ...extra };
  return (await json<{ integrationId: string }>(await authed(tenant.apiKey, "/api/v1/integrations", "POST", body), 201)).integrationId;
}

describe("Pax8 pull", () => {
  it("pulls companies, seat subscriptions and Azure usage through paging, and records the run", async () => {
    const sim = createPax8Sim({ maxPageSize: 2, faults: { phantomPage: true } });
    routeFetch({ "api.pax8.com": sim.app });
    const integrationId = await createPax8();
    const { run, job } = await syncNow(integrationId);
    expect(run).toMatchObject({ status: "queued", trigger: "manual" });
    expect(await deliver(job)).toMatchObject({ explicitAcks: [`msg-${run.runId}`], retryMessages: [] });

    const done = await getRun(run.runId);
    expect(done).toMatchObject({ status: "succeeded", countsWritten: 5, countsApplied: 5, error: null, warnings: [] });
    const counts = await rows<{ external_id: string; name: string; service: string; quantity: string; cost_minor: number; source_ref: string; period: string }>(
      `SELECT a.external_id, a.name, s.external_id AS service, u.quantity, u.cost_minor, u.source_ref, u.period FROM usage_counts u
       JOIN vendor_accounts a ON a.id = u.account_id JOIN vendor_services s ON s.id = u.service_id WHERE u.tenant_id = ? AND a.integration_id = ? ORDER BY a.name, s.external_id`,
      tenant.tenantId, integrationId,
    );
    expect(counts.map((c) => [c.name, c.service, c.quantity, c.cost_minor])).toEqual([
      ["Contoso Pharmaceuticals", "e91bba5e-m365-e3", "7", 15920],
      ["Contoso Pharmaceuticals", "usage:05c587df-0005-4000-8000-000000000005:rg-dev", "12.5", 1094],
      ["Contoso Pharmaceuticals", "usage:05c587df-0005-4000-8000-000000000005:rg-prod", "1843.27", 161286],
      ["Fabrikam, Inc.", "a1b2c3d4-exo-p1", "12", 3840],
      ["Litware", "a1b2c3d4-exo-p1", "3", 960],
    ]);
    expect(new Set(counts.map((c) => c.source_ref))).toEqual(new Set([`pull:${run.runId}`]));
    // Seats are in force now (the run's month); Azure usage summaries are arrears: the month they cover, the one before (issue 9 "Periods").
    const month = (by: number) => new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + by, 1)).toISOString().slice(0, 7);
    expect(counts.map((c) => c.period)).toEqual([month(0), month(-1), month(-1), month(0), month(0)]);
    // Paging: 3 companies at 2 per page (+ the phantom empty page the client must stop on).
    expect(sim.state.requests.filter((r) => r.path === "/v1/companies").map((r) => new URLSearchParams(r.query).get("page"))).toEqual(["0", "1", "2"]);
    expect(sim.state.tokensIssued).toBe(1);
    // Auto-matched by domain (website) and name.
    const [mapped] = await rows<{ company_id: string; method: string }>(
      "SELECT m.company_id, m.method FROM account_mappings m JOIN vendor_accounts a ON a.id = m.account_id WHERE a.integration_id = ? AND a.name = 'Contoso Pharmaceuticals'",
      integrationId,
    );
    expect(mapped).toEqual({ company_id: `${tenant.tenantId}_contoso`, method: "auto" });
    // A redelivery of the same job does nothing.
    expect(await deliver(job)).toMatchObject({ explicitAcks: [`msg-${run.runId}`] });
    expect((await getRun(run.runId)).attempts).toBe(1);
    // A second pull of unchanged data writes no ledger rows (issue 10 #6).
    const again = await syncNow(integrationId);
    await deliver(again.job);
    expect(await getRun(again.run.runId)).toMatchObject({ status: "succeeded", countsWritten: 0, countsApplied: 0 });
    const [ledger] = await rows<{ n: number }>("SELECT count(*) AS n FROM ingest_count_log WHERE tenant_id = ? AND integration_id = ?", tenant.tenantId, integrationId);
    expect(ledger?.n).toBe(5);
  });

  it("caches the token sealed, refreshes it once on a 401, and waits out a 429's Retry-After", async () => {
    const sim = createPax8Sim({ faults: { rateLimit: { times: 1, retryAfter: "1" } } });
    routeFetch({ "api.pax8.com": sim.app });
    const integrationId = await createPax8();
    const first = await syncNow(integrationId);
    const started = Date.now();
    await deliver(first.job);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect((await getRun(first.run.runId)).status).toBe("succeeded");
    const [secret] = await rows<{ access_token: string; credentials: string }>("SELECT access_token, credentials FROM ingest_pull_secrets WHERE integration_id = ?", integrationId);
    expect(secret?.access_token).toMatch(/^v1\./);
    expect(secret?.credentials).not.toContain("sim-secret");

    sim.state.faults.expireTokenAfter = 1;
    const second = await syncNow(integrationId);
    await deliver(second.job);
    expect((await getRun(second.run.runId)).status).toBe("succeeded");
    expect(sim.state.tokensIssued).toBe(2);
  });

  it("fails for good on rejected credentials, and retries a run on repeated 5xx", async () => {
    const sim = createPax8Sim({ clientSecret: "rotated" });
    routeFetch({ "api.pax8.com": sim.app });
    const bad = await syncNow(await createPax8());
    expect(await deliver(bad.job)).toMatchObject({ explicitAcks: [`msg-${bad.run.runId}`] });
    const failed = await getRun(bad.run.runId);
    expect(failed).toMatchObject({ status: "failed", countsWritten: 0 });
    expect(failed.error).toContain("access_denied");

    const flaky = createPax8Sim({ faults: { serverError: 4 } });
    routeFetch({ "api.pax8.com": flaky.app });
    const retry = await syncNow(await createPax8());
    const result = await deliver(retry.job);
    expect(result.retryMessages).toEqual([{ msgId: `msg-${retry.run.runId}` }]);
    expect(await getRun(retry.run.runId)).toMatchObject({ status: "queued", error: expect.stringContaining("500") });
    expect(await deliver(retry.job)).toMatchObject({ explicitAcks: [`msg-${retry.run.runId}`] });
    expect(await getRun(retry.run.runId)).toMatchObject({ status: "succeeded", attempts: 2 });
  });
});

describe("Liongard pull", () => {
  it("sums metric values per environment, skipping (with a warning) an environment with a failed inspection", async () => {
    const sim = createLiongardSim({ maxPageSize: 3 });
    routeFetch({ "acme.app.liongard.com": sim.app });
    const created = await json<{ integrationId: string }>(await authed(tenant.apiKey, "/api/v1/integrations", "POST", {
      kind: "liongard", name: "Liongard", instance: "acme", accessKeyId: "sim-access-key", accessKeySecret: "sim-access-secret",
      metrics: [{ metric: METRICS.users.uuid, serviceName: "M365 users" }, { metric: String(METRICS.devices.id), serviceName: "Managed firewalls" }],
    }), 201);
    const { run, job } = await syncNow(created.integrationId);
    await deliver(job);
    const done = await getRun(run.runId);
    expect(done).toMatchObject({ status: "succeeded", countsWritten: 4 });
    expect(done.warnings).toEqual([`metric ${METRICS.users.uuid}, environment Wingtip (303): system 9005 has no numeric value (null); count not written`]);
    const counts = await rows<{ env: string; service: string; quantity: string }>(
      `SELECT a.name AS env, s.name AS service, u.quantity FROM usage_counts u JOIN vendor_accounts a ON a.id = u.account_id
       JOIN vendor_services s ON s.id = u.service_id WHERE a.integration_id = ? ORDER BY a.name, s.name`,
      created.integrationId,
    );
    expect(counts).toEqual([
      { env: "Contoso Pharmaceuticals", service: "M365 users", quantity: "45" },
      { env: "Contoso Pharmaceuticals", service: "Managed firewalls", quantity: "2" },
      { env: "Tailspin Toys", service: "M365 users", quantity: "17" },
      { env: "Tailspin Toys", service: "Managed firewalls", quantity: "1" },
    ]);
    expect(sim.state.requests.map((r) => r.path)).toEqual(Array(3).fill("/api/v2/metrics/evaluate"));
  });

  it("reports a wrong key as a failed run", async () => {
    routeFetch({ "acme.app.liongard.com": createLiongardSim({ accessKeySecret: "other" }).app });
    const created = await json<{ integrationId: string }>(await authed(tenant.apiKey, "/api/v1/integrations", "POST", {
      kind: "liongard", name: "Liongard 2", instance: "acme", accessKeyId: "sim-access-key", accessKeySecret: "sim-access-secret", metrics: [{ metric: "3101", serviceName: "Users" }],
    }), 201);
    const { run, job } = await syncNow(created.integrationId);
    await deliver(job);
    expect(await getRun(run.runId)).toMatchObject({ status: "failed", error: expect.stringContaining("401") });
  });
});

describe("scheduling", () => {
  /** Captures what the Worker sends to JOBS (send and sendBatch) instead of queueing it. */
  function captureSends(): JobMessage[] {
    const sent: JobMessage[] = [];
    vi.spyOn(env.JOBS, "send").mockImplementation(async (body: JobMessage) => {
      sent.push(body);
      return undefined as never;
    });
    vi.spyOn(env.JOBS, "sendBatch").mockImplementation(async (batch: Iterable<MessageSendRequest<JobMessage>>) => {
      for (const m of batch) sent.push(m.body);
      return undefined as never;
    });
    return sent;
  }

  async function fireNightly(at: string): Promise<void> {
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ scheduledTime: new Date(at), cron: "0 3 * * *" }), env, ctx);
    await waitOnExecutionContext(ctx);
  }

  it("the nightly cron only fans out: one ingest.nightly message per tenant with ingest work, nothing else", async () => {
    const other = await createTenant("Pull MSP two");
    await createPax8({ name: "Pax8 fan-out" });
    const sent = captureSends();
    await fireNightly("2026-07-06T03:00:00Z");
    // Only fan-out messages: no pull run is created or queued by the cron itself.
    expect(new Set(sent.map((m) => m.kind))).toEqual(new Set(["ingest.nightly"]));
    expect(vi.mocked(env.JOBS.send)).not.toHaveBeenCalled();
    const mine = sent.filter((m) => m.tenantId === tenant.tenantId);
    expect(mine).toEqual([{ kind: "ingest.nightly", id: `ingest-nightly:2026-07-06:${tenant.tenantId}`, tenantId: tenant.tenantId, slot: "2026-07-06", at: "2026-07-06T03:00:00.000Z" }]);
    // A tenant with no pull integration and no vendor account has no nightly ingest work.
    expect(sent.some((m) => m.tenantId === other.tenantId)).toBe(false);
    expect(new Set(sent.map((m) => m.tenantId)).size).toBe(sent.length);
    expect(await rows("SELECT id FROM ingest_pull_runs WHERE trigger = 'cron' AND trigger_key = '2026-07-06'")).toEqual([]);
  });

  it("fans 250 tenants out in sendBatch calls of at most 100 messages", async () => {
    const ids = Array.from({ length: 250 }, (_, i) => `t_fanout_${i}`);
    await env.DB.batch(
      ids.flatMap((id) => [
        env.DB.prepare("INSERT INTO tenants (id, name) VALUES (?, ?)").bind(id, id),
        env.DB.prepare("INSERT INTO vendor_integrations (id, tenant_id, kind, name, status) VALUES (?, ?, 'pax8', 'Pax8', 'connected')").bind(`int_${id}`, id),
      ]),
    );
    const sent = captureSends();
    await fireNightly("2026-07-07T03:00:00Z");
    const sizes = vi.mocked(env.JOBS.sendBatch).mock.calls.map(([batch]) => [...batch].length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(100);
    const fanned = sent.filter((m) => m.kind === "ingest.nightly" && ids.includes(m.tenantId));
    expect(new Set(fanned.map((m) => m.tenantId)).size).toBe(250);
    expect(fanned).toHaveLength(250);
    await env.DB.batch(ids.flatMap((id) => [env.DB.prepare("DELETE FROM vendor_integrations WHERE tenant_id = ?").bind(id), env.DB.prepare("DELETE FROM tenants WHERE id = ?").bind(id)]));
  });

  it("the consumer queues a tenant's pulls due that day and its auto-match, once per tenant and day", async () => {
    const sixth = await createPax8({ name: "Pax8 sixth" });
    const tenth = await createPax8({ name: "Pax8 tenth", syncDay: 10 });
    await env.DB.prepare("INSERT INTO vendor_accounts (id, tenant_id, integration_id, external_id, name, created_at) VALUES (?, ?, ?, ?, ?, ?)")
      .bind(`va_${tenant.tenantId}_unmapped`, tenant.tenantId, sixth, "unmapped-1", "Fabrikam Unmapped", "2026-07-01T00:00:00.000Z")
      .run();
    const sent = captureSends();
    // Two firings in the same slot (e.g. a retried cron), each message delivered (redelivery included).
    await fireNightly("2026-07-06T03:00:00Z");
    await fireNightly("2026-07-06T03:00:00Z");
    const nightly = sent.filter((m) => m.kind === "ingest.nightly" && m.tenantId === tenant.tenantId);
    expect(nightly).toHaveLength(2);
    for (const message of nightly) expect((await deliver(message)).explicitAcks).toEqual([`msg-${message.id}`]);
    const pulls = sent.filter((m) => m.kind === "ingest.pull");
    expect(pulls.filter((m) => m.integrationId === sixth)).toHaveLength(1);
    expect(pulls.some((m) => m.integrationId === tenth)).toBe(false);
    const runs = await rows<{ trigger: string; trigger_key: string }>("SELECT trigger, trigger_key FROM ingest_pull_runs WHERE integration_id = ?", sixth);
    expect(runs).toEqual([{ trigger: "cron", trigger_key: "2026-07-06" }]);
    expect(sent.filter((m) => m.kind === "ingest.automap" && m.tenantId === tenant.tenantId)).toEqual([
      { kind: "ingest.automap", id: `automap_${tenant.tenantId}_2026-07-06`, tenantId: tenant.tenantId },
    ]);
    // The next day is a new slot: the tenth-day integration is not due, the sixth is not due again.
    await fireNightly("2026-07-10T03:00:00Z");
    for (const message of sent.filter((m) => m.kind === "ingest.nightly" && m.tenantId === tenant.tenantId && m.slot === "2026-07-10")) await deliver(message);
    const later = sent.filter((m) => m.kind === "ingest.pull").map((m) => m.integrationId);
    expect(later.filter((id) => id === sixth || id === tenth)).toEqual([sixth, tenth]);
  });

  it("moves a pull integration's sync day (audited), and only a pull integration's", async () => {
    const integrationId = await createPax8({ name: "Pax8 movable" });
    const moved = await json<{ syncDay: number; name: string }>(await authed(tenant.apiKey, `/api/v1/integrations/${integrationId}`, "PATCH", { syncDay: 12, name: "Pax8 (12th)" }), 200);
    expect(moved).toEqual({ integrationId, name: "Pax8 (12th)", syncDay: 12 });
    const listed = await json<{ integrations: Array<{ integrationId: string; syncDay: number | null }> }>(await authed(tenant.apiKey, "/api/v1/integrations"), 200);
    expect(listed.integrations.find((i) => i.integrationId === integrationId)?.syncDay).toBe(12);
    const batch = await json<{ integrationId: string }>(await authed(tenant.apiKey, "/api/v1/integrations", "POST", { kind: "batch", name: "Not pulled" }), 201);
    const res = await authed(tenant.apiKey, `/api/v1/integrations/${batch.integrationId}`, "PATCH", { syncDay: 3 });
    expect((await json<ErrorBody>(res, 400)).error.message).toContain("body.syncDay");
    const [audit] = await rows<{ action: string }>("SELECT action FROM audit_log WHERE entity_id = ? AND action = 'integration.updated'", integrationId);
    expect(audit).toEqual({ action: "integration.updated" });
  });

  it("refuses sync now for an integration with nothing to pull", async () => {
    const batch = await json<{ integrationId: string }>(await authed(tenant.apiKey, "/api/v1/integrations", "POST", { kind: "batch", name: "B" }), 201);
    const res = await authed(tenant.apiKey, `/api/v1/integrations/${batch.integrationId}/sync`, "POST");
    expect((await json<ErrorBody>(res, 400)).error.message).toContain("nothing to pull");
  });

  it("refuses a plain-http vendor URL that is not loopback", async () => {
    const res = await authed(tenant.apiKey, "/api/v1/integrations", "POST", { kind: "pax8", name: "X", clientId: "a", clientSecret: "b", baseUrl: "http://pax8.example.com/v1" });
    expect((await json<ErrorBody>(res, 400)).error.message).toBe("body.baseUrl: must be an https URL");
  });
});

describe("pulled periods", () => {
  it("skips a pulled count for a month after the current one and records a warning naming it (issue 10 #4)", () => {
    const draft = (period: string) => ({
      accountExternalId: "env-1", accountName: "Env", accountDescription: null, serviceExternalId: "m-1", serviceName: "Users", serviceCategory: "seat" as const,
      serviceUnit: null, period, quantity: "3", costMinor: null, costCurrency: null, observedAt: "2026-06-15T00:00:00.000Z", sourceRef: "pull:r", lineCount: null,
    });
    const warnings: string[] = [];
    const kept = withoutFuturePeriods([draft("2026-06"), draft("2026-07"), draft("2026-05")], new Date("2026-06-15T00:00:00Z"), warnings);
    expect(kept.map((d) => d.period)).toEqual(["2026-06", "2026-05"]);
    expect(warnings).toEqual(['account env-1, service m-1: period must not be after the current month (2026-06), got "2026-07"; count not written']);
  });
});
