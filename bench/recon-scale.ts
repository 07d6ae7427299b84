/**
 * Reconciliation at real size (issue 8): one local stack (`wrangler dev`, local
 * D1, the ConnectWise simulator), three tenants built through the real API
 * (bench/_recon-fixtures.ts) — small: 10 customers; large-1: 1,000 customers,
 * 1,250 agreements, 20,000 lines, one month of counts; large-12: the same with
 * 12 months (240,000 usage rows). Measured interleaved, against the targets:
 * - agreement view, large-12 / small median ≤ 1.5×; D1 rows read per view ≤ 500
 * - POST /api/v1/decisions (approve), large-12 / small median ≤ 2×
 * - one pushed count → its row updated, p99 ≤ 1 s; a 10,000-count push
 *   fully reflected (freshness.pendingScopes = 0, rows spot-checked) ≤ 10 s
 * - full recompute of large-12: time, workerd RSS before/after
 * - GET /api/v1/reconciliation?limit=100 first page + totals, large-12 median ≤ 200 ms
 * What the Worker does not offer yet is reported as n/a.
 *
 * Run: npm run bench recon-scale   (RECON_BENCH_ROUNDS=3 for a quick look)
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { type LocalStack, startLocalStack } from "../scripts/sim-server.ts";
import { scaleProduct } from "../test/sim/connectwise/datasets.ts";
import { sampleRss } from "../test/fixtures/ingest/wrangler-harness.ts";
import { agreementIdOf, type BenchTenant, call, connectTenant, countItem, loadUsage, periodsEndingNow, pushCounts, seedSimulator, type TenantSpec } from "./_recon-fixtures.ts";

const ROUNDS = Number(process.env.RECON_BENCH_ROUNDS ?? 9);
const PUSH_SAMPLES = Math.max(ROUNDS * 2, 5);
/** Customers of the large tenants (RECON_BENCH_CUSTOMERS=40 for a smoke run of the harness). */
const LARGE = Number(process.env.RECON_BENCH_CUSTOMERS ?? 1000);
const MID = Math.floor(LARGE / 2) + 1;
const SPECS: Record<"small" | "large1" | "large12", TenantSpec> = {
  small: { label: "small", companies: 10, agreements: 12, periods: 1 },
  large1: { label: "large-1", companies: LARGE, agreements: LARGE * 1.25, periods: 1 },
  large12: { label: "large-12", companies: LARGE, agreements: LARGE * 1.25, periods: 12 },
};

interface Target extends BenchTenant {
  agreementId: string;
  companyNo: number;
  lines: number[];
}

interface ViewRow {
  productKey: string | null;
  vendorQuantity: string | null;
}

const median = (xs: number[]) => (xs.length ? ([...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number) : NaN);
const p99 = (xs: number[]) => (xs.length ? ([...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil(xs.length * 0.99) - 1)] as number) : NaN);
const fmt = (ms: number) => (Number.isFinite(ms) ? `${ms.toFixed(0)} ms` : "n/a");
const verdict = (value: number, limit: number) => (Number.isFinite(value) ? (value <= limit ? "PASS" : "FAIL") : "n/a");
let failed = false;

async function target(stack: LocalStack, tenant: BenchTenant, companyNo: number): Promise<Target> {
  const own = tenant.agreements.filter((a) => a.companyNo === companyNo);
  const chosen = own.find((a) => a.lines.length > 1) ?? own[0];
  if (!chosen) throw new Error(`${tenant.spec.label}: no agreement of customer ${companyNo}`);
  const { id } = await agreementIdOf(stack, tenant, chosen.cwId);
  return { ...tenant, agreementId: id, companyNo, lines: chosen.lines };
}

/** Decimal strings compared by value ("200" and "200.00" are one count). */
const sameQuantity = (shown: string | null | undefined, pushed: string) => shown != null && Number(shown) === Number(pushed);

const viewPath = (t: Target) => `/api/v1/agreements/${t.agreementId}/reconciliation`;

async function pendingScopes(stack: LocalStack, t: BenchTenant): Promise<number | null> {
  const a = await call<{ freshness?: { pendingScopes?: number } }>(stack.base, t.apiKey, "GET", "/api/v1/reconciliation?limit=1");
  return a.status === 200 && typeof a.body.freshness?.pendingScopes === "number" ? a.body.freshness.pendingScopes : null;
}

/** Waits until no recompute is pending (null: the Worker states no freshness). */
async function waitFresh(stack: LocalStack, t: BenchTenant, limitMs = 10 * 60_000): Promise<number | null> {
  const started = performance.now();
  for (;;) {
    const pending = await pendingScopes(stack, t);
    if (pending === null) return null;
    if (pending === 0) return performance.now() - started;
    if (performance.now() - started > limitMs) return Infinity;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** D1 rows read by one request (the Worker's opt-in X-D1-Rows-Read header; NaN when it does not answer it). */
async function rowsRead(stack: LocalStack, t: BenchTenant, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<number> {
  const a = await call(stack.base, t.apiKey, method, path, body, { ...headers, "X-D1-Rows-Read": "1" });
  return d1Rows(a.headers).read;
}

function d1Rows(headers: Headers): { read: number; written: number } {
  const read = headers.get("X-D1-Rows-Read");
  const written = headers.get("X-D1-Rows-Written");
  return { read: read === null ? NaN : Number(read), written: written === null ? NaN : Number(written) };
}

const rowsText = (n: number) => (Number.isFinite(n) ? String(n) : "n/a");

function decisionBody(t: Target, round: number) {
  return { agreementId: t.agreementId, productKey: scaleProduct(t.lines[0] as number), action: "approve", quantity: String(50 + (round % 2)) };
}

function decide(stack: LocalStack, t: Target, round: number) {
  return call(stack.base, t.apiKey, "POST", "/api/v1/decisions", decisionBody(t, round), { "idempotency-key": randomUUID() });
}

async function interleaved(stack: LocalStack, targets: Target[]) {
  const views = targets.map(() => [] as number[]);
  const decisions = targets.map(() => [] as number[]);
  for (let round = 0; round <= ROUNDS; round++) {
    for (const [i, t] of targets.entries()) {
      const view = await call(stack.base, t.apiKey, "GET", viewPath(t));
      if (view.status !== 200) throw new Error(`${t.spec.label} view: ${view.status} ${JSON.stringify(view.body).slice(0, 300)}`);
      const decision = await decide(stack, t, round);
      if (decision.status !== 202) throw new Error(`${t.spec.label} decision: ${decision.status} ${JSON.stringify(decision.body).slice(0, 300)}`);
      if (round === 0) continue; // warm-up
      views[i]?.push(view.ms);
      decisions[i]?.push(decision.ms);
    }
    console.log(`  round ${round}/${ROUNDS}: ${targets.map((t, i) => `${t.spec.label} view ${fmt(views[i]?.at(-1) ?? NaN)}, decision ${fmt(decisions[i]?.at(-1) ?? NaN)}`).join("; ")}`);
  }
  return { views, decisions };
}

async function rowOf(stack: LocalStack, t: Target, l: number): Promise<ViewRow | undefined> {
  const view = await call<{ rows: ViewRow[] }>(stack.base, t.apiKey, "GET", viewPath(t));
  return view.body.rows?.find((r) => r.productKey === scaleProduct(l));
}

/** One count pushed for the viewed agreement, then the view polled until its row shows it: 2xx → row, per sample. */
async function pushToRow(stack: LocalStack, t: Target): Promise<number[]> {
  const period = periodsEndingNow(1, new Date())[0] as string;
  const l = t.lines[1] ?? (t.lines[0] as number);
  const samples: number[] = [];
  for (let i = 0; i < PUSH_SAMPLES; i++) {
    const quantity = String(200 + i);
    await pushCounts(stack.base, t.apiKey, [countItem(t.companyNo, l, quantity, period, new Date().toISOString())], randomUUID());
    const acked = performance.now();
    while (!sameQuantity((await rowOf(stack, t, l))?.vendorQuantity, quantity)) {
      if (performance.now() - acked > 60_000) throw new Error("a pushed count did not reach its row within 60 s");
    }
    samples.push(performance.now() - acked);
  }
  return samples;
}

/** 10,000 counts (500 customers × 20 services) pushed at once; time until no scope is pending and spot-checked rows show them. */
async function bigPush(stack: LocalStack, tenant: BenchTenant): Promise<{ pushMs: number; reflectedMs: number; freshness: boolean; rows: { read: number; written: number } }> {
  const period = periodsEndingNow(1, new Date())[0] as string;
  const at = new Date().toISOString();
  const counts = [];
  for (let c = 1; c <= Math.min(500, LARGE); c++) for (let l = 0; l < 20; l++) counts.push(countItem(c, l, String(300 + ((c + l) % 50)), period, at));
  const started = performance.now();
  const push = await pushCounts(stack.base, tenant.apiKey, counts, randomUUID(), { "X-D1-Rows-Read": "1" });
  const fresh = await waitFresh(stack, tenant, 120_000);
  const checks = await Promise.all([1, 137, 250, 499].map((c) => target(stack, tenant, Math.min(c, Math.min(500, LARGE) - 1))));
  for (const check of checks) {
    const l = check.lines[0] as number;
    const expected = String(300 + ((check.companyNo + l) % 50));
    while (!sameQuantity((await rowOf(stack, check, l))?.vendorQuantity, expected)) {
      if (performance.now() - started > 180_000) throw new Error(`customer ${check.companyNo}: pushed count not reflected within 180 s`);
    }
  }
  return { pushMs: push.ms, reflectedMs: performance.now() - started, freshness: fresh !== null, rows: d1Rows(push.headers) };
}

/** VmRSS and VmHWM (peak since start) of the workerd process that runs the Worker: the largest under wrangler. */
function workerdMemory(pid: number): { rssMb: number; hwmMb: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    return { rssMb: kb("VmRSS") / 1024, hwmMb: kb("VmHWM") / 1024 };
  } catch {
    return { rssMb: NaN, hwmMb: NaN };
  }
}

async function recompute(stack: LocalStack, t: BenchTenant) {
  const pid = [...stack.workerdPids()].sort((a, b) => workerdMemory(b).rssMb - workerdMemory(a).rssMb)[0] ?? 0;
  const before = workerdMemory(pid);
  const sampler = sampleRss(() => [pid]);
  const a = await call<{ scopes?: number; rows?: number; ms?: number }>(stack.base, stack.operatorToken, "POST", `/api/admin/tenants/${t.tenantId}/recompute`);
  const peakMb = sampler.stop();
  return { status: a.status, body: a.body, ms: a.ms, before, after: workerdMemory(pid), peakMb };
}

async function firstPage(stack: LocalStack, t: BenchTenant): Promise<{ label: string; times: number[]; rowsRead: number }> {
  const probe = await call(stack.base, t.apiKey, "GET", "/api/v1/reconciliation?limit=100");
  const paged = probe.status === 200;
  const path = paged ? "/api/v1/reconciliation?limit=100" : "/api/v1/reconciliation";
  const times: number[] = [];
  for (let i = 0; i < (paged ? ROUNDS : Math.min(ROUNDS, 3)); i++) times.push((await call(stack.base, t.apiKey, "GET", path)).ms);
  const label = paged ? "first page (limit=100) + totals" : `no paging (?limit → ${probe.status}); whole-tenant GET instead`;
  return { label, times, rowsRead: await rowsRead(stack, t, "GET", path) };
}

async function build(stack: LocalStack): Promise<{ small: BenchTenant; large1: BenchTenant; large12: BenchTenant }> {
  const now = new Date();
  const started = performance.now();
  console.log(`building fixtures: ${LARGE} customers in the ConnectWise simulator, two tenants syncing them`);
  const largeAgreements = await seedSimulator(stack, SPECS.large1);
  const [large1, large12] = await Promise.all([connectTenant(stack, SPECS.large1, largeAgreements), connectTenant(stack, SPECS.large12, largeAgreements)]);
  await loadUsage(stack, large1, now);
  await loadUsage(stack, large12, now);
  // The small tenant last: the simulator then holds its data, and its decisions' write-backs land.
  const small = await connectTenant(stack, SPECS.small, await seedSimulator(stack, SPECS.small));
  await loadUsage(stack, small, now);
  for (const t of [small, large1, large12]) {
    const waited = await waitFresh(stack, t);
    if (waited !== null) console.log(`  ${t.spec.label}: recomputes settled after ${fmt(waited)}`);
  }
  console.log(`fixtures built in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return { small, large1, large12 };
}

const stack = await startLocalStack("bench-recon-scale");
try {
  const tenants = await build(stack);
  const targets = [await target(stack, tenants.small, 3), await target(stack, tenants.large1, MID), await target(stack, tenants.large12, MID)];
  const [small, , large12] = targets as [Target, Target, Target];
  const reads = await Promise.all(targets.map((t) => rowsRead(stack, t, "GET", viewPath(t))));
  const decisionReads = await Promise.all(targets.map((t) => rowsRead(stack, t, "POST", "/api/v1/decisions", decisionBody(t, 1), { "idempotency-key": randomUUID() })));
  console.log("measuring: agreement view and decision, interleaved");
  const { views, decisions } = await interleaved(stack, targets);
  console.log(`measuring: ${PUSH_SAMPLES} single pushed counts → row (large-12)`);
  const pushed = await pushToRow(stack, large12);
  console.log("measuring: 10,000-count push → reflected (large-12)");
  const big = await bigPush(stack, tenants.large12);
  console.log("measuring: first page (large-12)");
  const page = await firstPage(stack, tenants.large12);
  console.log("measuring: full recompute (large-12)");
  const full = await recompute(stack, tenants.large12);

  const m = (xs: number[][], i: number) => median(xs[i] ?? []);
  const viewRatio = m(views, 2) / m(views, 0);
  const decisionRatio = m(decisions, 2) / m(decisions, 0);
  const lines = [
    ["Measure (median unless stated)", "small", "large-1", "large-12", "result", "target"],
    ["GET /api/v1/agreements/:id/reconciliation", fmt(m(views, 0)), fmt(m(views, 1)), fmt(m(views, 2)), `${viewRatio.toFixed(1)}× ${verdict(viewRatio, 1.5)}`, "large-12/small ≤ 1.5×"],
    ["D1 rows read per agreement view", ...reads.map(rowsText), verdict(Math.max(...reads), 500), "≤ 500, flat with history"],
    ["POST /api/v1/decisions (approve)", fmt(m(decisions, 0)), fmt(m(decisions, 1)), fmt(m(decisions, 2)), `${decisionRatio.toFixed(1)}× ${verdict(decisionRatio, 2)}`, "large-12/small ≤ 2×"],
    ["D1 rows read per decision", ...decisionReads.map(rowsText), "", ""],
    ["one pushed count → row updated (p99)", "", "", `${fmt(p99(pushed))} (median ${fmt(median(pushed))})`, verdict(p99(pushed), 1000), "≤ 1 s"],
    ["10,000-count push → fully reflected", "", "", `${fmt(big.reflectedMs)} (push ${fmt(big.pushMs)}${big.freshness ? "" : "; no freshness field: spot-checks only"})`, verdict(big.reflectedMs, 10_000), "≤ 10 s"],
    ["D1 rows written / read by that push", "", "", `${rowsText(big.rows.written)} / ${rowsText(big.rows.read)}`, "", "docs/scaling.md §1"],
    [`GET /api/v1/reconciliation: ${page.label}`, "", "", `${fmt(median(page.times))} (${rowsText(page.rowsRead)} rows read)`, page.label.startsWith("first") ? verdict(median(page.times), 200) : "n/a", "≤ 200 ms"],
    [
      "full recompute (operator endpoint)",
      "",
      "",
      full.status === 200 ? `${fmt(full.ms)} (${full.body.scopes} scopes, ${full.body.rows} rows)` : `n/a (${full.status})`,
      `workerd RSS ${full.before.rssMb.toFixed(0)} → ${full.after.rssMb.toFixed(0)} MB (peak during ${full.peakMb.toFixed(0)} MB; since start ${full.after.hwmMb.toFixed(0)} MB)`,
      "streams by company",
    ],
  ];
  const widths = lines[0]?.map((_, col) => Math.max(...lines.map((l) => (l[col] ?? "").length))) ?? [];
  console.log("\nrecon-scale (loopback, local D1; medians of " + ROUNDS + " interleaved rounds)");
  for (const l of lines) console.log(l.map((cell, col) => cell.padEnd(widths[col] ?? 0)).join(" | "));
  failed = lines.some((l) => l[4]?.includes("FAIL"));
} finally {
  await stack.stop();
}
if (failed) process.exitCode = 1;
