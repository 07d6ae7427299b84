/**
 * Autotask retry storm (issue 10 item 18): 200 signed Company webhook
 * payloads, each delivered 5 times at random moments of a (virtual) 2-minute
 * window, while 10% of the consumer's batches stall for 10 s and come back
 * (half after doing their work without acking: a redelivery of work done).
 * Before its first delivery each company's contract units change in the
 * simulator, so the webhook's hint must lead to a re-read. Targets, per
 * payload: exactly one inbox row (dedupe on Guid + Id + SequenceNumber), one
 * `psa.at-event` job, at most one re-read of the company's contracts (the
 * POST Contracts/query filtered on companyID), and the line on the units the
 * PSA now holds; 0 dead letters; Autotask requests within its 10,000 an hour
 * (Autotask "Webhooks" and "API thresholds" REST help;
 * psa-and-vendor-apis.md §3.4). Queue time runs on the stack's virtual clock
 * (bench/_psa-stack.ts); PSA pacing (2.5 requests/s) runs in real time, so
 * the full size takes a few minutes. BENCH_AT_PAYLOADS scales it down.
 *
 * Run: npx node bench/autotask-storm.ts   (quick: BENCH_AT_PAYLOADS=40 …)
 */
import { createAutotaskSim, SIM_AT_DEFAULTS } from "../test/sim/autotask/app.ts";
import { autotaskJson } from "../test/sim/autotask/filters.ts";
import { autotaskSignature } from "../test/sim/signing.ts";
import { maxInAnyWindow, startPsaStack } from "./_psa-stack.ts";
import { prng } from "../test/fixtures/prng.ts";

const AT_ORIGIN = "https://webservices15.autotask.net";
const PAYLOADS = Number(process.env.BENCH_AT_PAYLOADS ?? 200);
const DELIVERIES = 5;
const WINDOW_S = 120;
const STALL_SHARE = 0.1;
const STALL_S = 10;

const random = prng(10_18);
const stack = await startPsaStack("bench-at-storm", { stall: () => (random() < STALL_SHARE ? { seconds: STALL_S, workDone: random() < 0.5 } : null) });
try {
  const sim = createAutotaskSim({ origin: AT_ORIGIN, deliver: stack.deliver });
  sim.state.services.set(5, { id: 5, name: "Microsoft 365 Business Premium" });
  for (let id = 1; id <= PAYLOADS; id++) {
    sim.state.companies.set(id, { id, companyName: `Customer ${id}`, companyNumber: `C${id}`, companyType: 1 });
    sim.state.contracts.set(id, { id, companyID: id, contractName: `Recurring ${id}`, contractType: 7, status: 1, startDate: "2025-01-01T00:00:00Z", endDate: "2030-12-31T00:00:00Z", contractPeriodType: 1 });
    sim.state.addContractService({ id: id * 10, contractID: id, serviceID: 5, unitPrice: 26, unitCost: 22, units: 10 });
  }
  const calls: number[] = [];
  const rereads = new Map<number, number>();
  const route = async (req: Request) => {
    const url = new URL(req.url);
    if (url.pathname.toLowerCase().startsWith("/atservicesrest/v1.0/")) calls.push(Date.now());
    if (url.pathname.toLowerCase().endsWith("/contracts/query")) {
      const { filter } = (await req.clone().json()) as { filter: Array<{ field?: string; value?: unknown }> };
      const company = filter.find((f) => f.field?.toLowerCase() === "companyid");
      if (company) rereads.set(Number(company.value), (rereads.get(Number(company.value)) ?? 0) + 1);
    }
    return sim.fetch(req);
  };
  stack.route(new URL(AT_ORIGIN).host, route);
  stack.route("webservices.autotask.net", route);

  const tenant = await stack.createTenant("Bench Autotask MSP");
  const headers = { authorization: `Bearer ${tenant.apiKey}`, "content-type": "application/json" };
  const connected = await stack.call("/api/v1/psa/autotask", { method: "POST", headers, body: JSON.stringify({ username: SIM_AT_DEFAULTS.username, secret: SIM_AT_DEFAULTS.secret, integrationCode: SIM_AT_DEFAULTS.integrationCode }) });
  if (connected.status !== 201) throw new Error(`connect: ${connected.status} ${await connected.text()}`);
  await stack.drain();
  const hook = [...sim.state.webhooks.values()][0];
  if (!hook) throw new Error("no Company webhook registered");
  const synced = await stack.sql<{ n: number }>("SELECT COUNT(*) AS n FROM agreement_lines WHERE tenant_id = ?", tenant.tenantId);
  if (synced[0]?.n !== PAYLOADS) throw new Error(`synced ${synced[0]?.n} lines, expected ${PAYLOADS}`);
  rereads.clear();
  calls.length = 0;

  // Count what the intake enqueues and what the consumer is handed (redeliveries included).
  const jobs = { atEventsSent: 0 };
  const send = stack.env.JOBS.send;
  stack.env.JOBS.send = async (body, options) => {
    if (body.kind === "psa.at-event") jobs.atEventsSent += 1;
    return send(body, options);
  };

  // One payload per company, signed once (Autotask resends the same bytes); 5 deliveries each in the window.
  const t0 = stack.now();
  const events: Array<{ at: number; company: number; body: string; signature: string; first: boolean }> = [];
  for (let company = 1; company <= PAYLOADS; company++) {
    const payload = { Action: "Update", Guid: hook.guid, EntityType: "Company", Id: company, Fields: { companyName: `Customer ${company}` }, EventTime: new Date().toISOString(), SequenceNumber: ++sim.state.sequence, PersonID: 29682885 };
    const body = autotaskJson(payload);
    const signature = await autotaskSignature(hook.secretKey, body);
    const first = t0 + random() * (WINDOW_S / 2);
    events.push({ at: first, company, body, signature, first: true });
    for (let i = 1; i < DELIVERIES; i++) events.push({ at: first + random() * (t0 + WINDOW_S - first), company, body, signature, first: false });
  }
  events.sort((a, b) => a.at - b.at);

  const started = performance.now();
  const statuses = new Map<number, number>();
  for (const event of events) {
    await stack.runUntil(event.at);
    // The PSA changed before it told us: the re-read must find the new units.
    if (event.first) sim.state.setUnits(event.company * 10, 100 + event.company);
    const res = await stack.deliver(hook.webhookUrl, { method: "POST", headers: { "content-type": "application/json", "x-hook-signature": event.signature }, body: event.body });
    await res.arrayBuffer();
    statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
  }
  await stack.drain();
  const seconds = (performance.now() - started) / 1000;

  const inbox = await stack.sql<{ state: string; n: number; keys: number }>("SELECT state, COUNT(*) AS n, COUNT(DISTINCT dedupe_key) AS keys FROM psa_webhook_inbox WHERE tenant_id = ? GROUP BY state", tenant.tenantId);
  const rows = inbox.reduce((n, r) => n + r.n, 0);
  const processed = inbox.find((r) => r.state === "processed")?.n ?? 0;
  const lines = await stack.sql<{ psa_id: string; quantity: string }>("SELECT psa_id, quantity FROM agreement_lines WHERE tenant_id = ?", tenant.tenantId);
  const wrong = lines.filter((l) => l.quantity !== String(100 + Number(l.psa_id) / 10));
  const reads = [...rereads.values()];
  const notReread = PAYLOADS - rereads.size;
  const readTwice = reads.filter((n) => n > 1).length;
  const perMinute = maxInAnyWindow(calls, 60_000);
  const perHour = maxInAnyWindow(calls, 3_600_000);
  console.log(
    `autotask-storm: ${PAYLOADS} Company webhook payloads × ${DELIVERIES} deliveries = ${events.length} POSTs over ${WINDOW_S} virtual s ` +
      `(answers ${[...statuses].map(([s, n]) => `${s}×${n}`).join(", ")}); consumer stalls: ${stack.stalls.batches} batches / ${stack.stalls.messages} messages held ${STALL_S} s and redelivered (${stack.stalls.workDone} after doing their work) → ` +
      `inbox rows ${rows} (${processed} processed, ${inbox.map((r) => `${r.state} ${r.n}`).join(", ")}), psa.at-event jobs enqueued ${jobs.atEventsSent}; ` +
      `company re-reads ${reads.reduce((a, b) => a + b, 0)} (payloads never re-read: ${notReread}, re-read more than once: ${readTwice}); lines not on the PSA's units: ${wrong.length}; dead letters ${stack.deadLettered.length}; ` +
      `${calls.length} Autotask requests in ${seconds.toFixed(1)} s, at most ${perMinute} in any 60 s and ${perHour} in any hour (Autotask's limit: 10,000 an hour per database)`,
  );
  const ok = rows === PAYLOADS && processed === PAYLOADS && jobs.atEventsSent === PAYLOADS && notReread === 0 && readTwice === 0 && wrong.length === 0 && stack.deadLettered.length === 0 && (statuses.get(200) ?? 0) === events.length && perHour < 10_000;
  if (!ok) process.exitCode = 1;
} finally {
  await stack.stop();
}
