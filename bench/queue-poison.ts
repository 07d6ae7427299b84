/**
 * Queue poison mix (issue 10 item 18): 10,000 messages through the Worker's
 * queue consumer, 1% poison — malformed messages (dead-lettered at once with
 * their reason) and messages that fail on every delivery (retried with
 * backoff, max_retries 6, then the dead-letter queue's consumer records
 * them) — and 5% of the good ones delivered twice (Queues deliver at least
 * once). Good messages are write-backs whose outcome is final without a PSA
 * call (their PSA is disconnected): each must take effect exactly once (one
 * `decision.failed` audit row per decision). Targets: every poison message
 * in dead_letters, every good one applied once, and the rate printed.
 * Queue delays run on a virtual clock (bench/_psa-stack.ts).
 *
 * Run: npx node bench/queue-poison.ts
 */
import { startPsaStack, type JobMessage } from "./_psa-stack.ts";

const TOTAL = Number(process.env.BENCH_MESSAGES ?? 10_000);
const POISON = TOTAL / 100;
const GOOD = TOTAL - POISON;
const DUPLICATE_SHARE = 0.05;

const stack = await startPsaStack("bench-poison");
try {
  const good = await stack.createTenant("Poison bench MSP");
  const bad = await stack.createTenant("Poison bench broken MSP");
  const at = new Date().toISOString();
  const run = (query: string, ...params: unknown[]) => stack.sql(query, ...params);
  await run("INSERT INTO psa_companies (id, tenant_id, psa, psa_id, name, updated_at) VALUES ('cmp_b', ?, 'connectwise', '1', 'Bench Co', ?)", good.tenantId, at);
  // 100 agreements with one line each, so the per-agreement write lease does not serialise the whole mix.
  for (let a = 0; a < 100; a++) {
    await run(
      "INSERT INTO agreements (id, tenant_id, psa, psa_id, company_id, name, type, status, billing_cycle, cancelled, currency, updated_at) VALUES (?, ?, 'connectwise', ?, 'cmp_b', 'Bench MS', 'Managed Services', 'Active', 'Monthly', 0, 'USD', ?)",
      `agr_b${a}`,
      good.tenantId,
      String(10 + a),
      at,
    );
    await run(
      "INSERT INTO agreement_lines (id, tenant_id, agreement_id, psa_id, product_key, product_name, quantity, unit_price_minor, unit_cost_minor, currency, bill_customer, updated_at) VALUES (?, ?, ?, ?, 'P', 'Product', '10', 500, 300, 'USD', 'Billable', ?)",
      `lin_b${a}`,
      good.tenantId,
      `agr_b${a}`,
      String(100 + a),
      at,
    );
  }
  // The good tenant's decisions: pending write-backs to a PSA that is no longer connected (final without a PSA call).
  const ids = Array.from({ length: GOOD }, (_, i) => `dec_bench_${String(i).padStart(5, "0")}`);
  // 6 bound values a row: 16 rows a statement stays under D1's 100 bound parameters.
  for (let i = 0; i < ids.length; i += 16) {
    const rows = ids.slice(i, i + 16);
    await stack.sql(
      `INSERT INTO decisions (id, tenant_id, agreement_id, line_id, product_key, action, actor, old_quantity, new_quantity, writeback_state, created_at, updated_at) VALUES ${rows.map(() => "(?, ?, ?, ?, 'P', 'adjust', 'bench', '10', '12', 'pending', ?, ?)").join(", ")}`,
      ...rows.flatMap((id, k) => [id, good.tenantId, `agr_b${(i + k) % 100}`, `lin_b${(i + k) % 100}`, at, at]),
    );
  }
  // The broken tenant: a "connected" integration whose sealed credentials cannot be opened, and a sync run for it.
  await run(
    "INSERT INTO psa_integrations (id, tenant_id, kind, status, api_base_url, site_origin, credentials, created_at, updated_at) VALUES ('psa_broken', ?, 'autotask', 'connected', 'https://webservices15.autotask.net/ATServicesRest/v1.0', 'https://webservices15.autotask.net', 'not-a-sealed-secret', ?, ?)",
    bad.tenantId,
    at,
    at,
  );
  const messages: JobMessage[] = [];
  for (let i = 0; i < POISON; i++) {
    const id = `poison_${i}`;
    if (i % 4 === 0) messages.push({ kind: "psa.writeback", id, tenantId: good.tenantId }); // no decisionId
    else if (i % 4 === 1) messages.push({ kind: "psa.no-such-job", id, tenantId: good.tenantId });
    else {
      await run("INSERT INTO psa_sync_runs (id, tenant_id, integration_id, mode, state, started_at) VALUES (?, ?, 'psa_broken', 'full', 'running', ?)", id, bad.tenantId, at);
      messages.push({ kind: "psa.sync", id, tenantId: bad.tenantId, integrationId: "psa_broken", runId: id }); // fails on every delivery
    }
  }
  for (const decisionId of ids) messages.push({ kind: "psa.writeback", id: decisionId, tenantId: good.tenantId, decisionId });
  // Shuffle deterministically, and deliver 5% of the good messages twice.
  let seed = 7;
  const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
  const duplicates = messages.filter((m) => m.kind === "psa.writeback" && typeof m.decisionId === "string" && random() < DUPLICATE_SHARE);
  const all = [...messages, ...duplicates].map((m) => ({ m, k: random() })).sort((a, b) => a.k - b.k).map((x) => x.m);

  const started = performance.now();
  await stack.env.JOBS.sendBatch(all.map((body) => ({ body })));
  const deliveries = await stack.drain();
  const seconds = (performance.now() - started) / 1000;

  const dead = await stack.sql<{ job_id: string }>("SELECT DISTINCT job_id FROM dead_letters");
  const deadPoison = dead.filter((d) => d.job_id.startsWith("poison_")).length;
  const deadGood = dead.length - deadPoison;
  const effects = await stack.sql<{ n: number; c: number }>(
    "SELECT COUNT(*) AS n, SUM(CASE WHEN c > 1 THEN 1 ELSE 0 END) AS c FROM (SELECT entity_id, COUNT(*) AS c FROM audit_log WHERE tenant_id = ? AND action = 'decision.failed' GROUP BY entity_id)",
    good.tenantId,
  );
  const finished = await stack.sql<{ n: number }>("SELECT COUNT(*) AS n FROM decisions WHERE tenant_id = ? AND writeback_state = 'failed'", good.tenantId);
  const applied = effects[0]?.n ?? 0;
  const twice = effects[0]?.c ?? 0;
  console.log(
    `queue-poison: ${all.length} messages (${GOOD} good + ${duplicates.length} duplicate deliveries, ${POISON} poison) → ${deliveries} deliveries in ${seconds.toFixed(1)} s (${Math.round(deliveries / seconds)}/s); ` +
      `dead_letters: ${deadPoison} of ${POISON} poison, ${deadGood} good; good applied: ${applied} of ${GOOD} (final ${finished[0]?.n ?? 0}), applied twice: ${twice}`,
  );
  if (deadPoison !== POISON || deadGood !== 0 || applied !== GOOD || twice !== 0) process.exitCode = 1;
} finally {
  await stack.stop();
}
