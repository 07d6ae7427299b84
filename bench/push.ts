/**
 * Push benchmark: POST /api/v1/usage throughput with 10,000-count batches
 * through a real `wrangler dev --local` (1,000 accounts × 10 services per
 * batch; each batch re-reports the same keys with a newer observedAt, so
 * every count is an upsert that wins). One warm-up batch, then 10 measured.
 * Target: ≥ 1,000 counts/s sustained (the vendor-push load target in
 * ../shared/reference/reliability-and-security.md §8), every batch applied whole.
 *
 * Run: npm run bench push   (or: npx node --expose-gc bench/push.ts)
 */
import path from "node:path";
import { ROOT } from "../scripts/wrangler.ts";
import { createBenchTenant, type DevWorker, startDevWorker } from "../test/fixtures/ingest/wrangler-harness.ts";

const PORT = 18788;
const BATCH = 10_000;
const BATCHES = 10;
const TARGET_COUNTS_PER_SECOND = 1_000;

function batchBody(round: number, observedAt: Date): string {
  const counts = [];
  for (let i = 0; i < BATCH; i++) {
    const account = i % 1000;
    const service = Math.floor(i / 1000);
    counts.push({
      account: { id: `acct-${account}`, name: `Customer ${account}`, description: `customer${account}.onmicrosoft.com` },
      service: { id: `sku-${service}`, name: `SKU ${service}`, category: service === 9 ? "consumption" : "seat" },
      quantity: service === 9 ? `${(account * 1.37 + round).toFixed(2)}` : String(1 + ((account + round) % 40)),
      cost: { amount: `${(account % 50) + 0.5}`, currency: "USD" },
      observedAt: observedAt.toISOString(),
    });
  }
  return JSON.stringify({ counts });
}

async function pushOnce(dev: DevWorker, apiKey: string, body: string): Promise<{ ms: number; applied: number }> {
  const started = performance.now();
  const res = await fetch(`${dev.base}/api/v1/usage`, { method: "POST", headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" }, body });
  const result = (await res.json()) as { applied?: number; error?: { message: string } };
  if (res.status !== 201) throw new Error(`push answered ${res.status}: ${result.error?.message ?? ""}`);
  return { ms: performance.now() - started, applied: result.applied ?? 0 };
}

async function main(): Promise<void> {
  const dev = await startDevWorker(PORT, path.join(ROOT, ".wrangler", "bench-state"));
  try {
    const apiKey = await createBenchTenant(dev, `Push bench ${new Date().toISOString()}`);
    const start = Date.now() - (BATCHES + 2) * 60_000;
    const bodies = Array.from({ length: BATCHES + 1 }, (_, round) => batchBody(round, new Date(start + round * 60_000)));
    await pushOnce(dev, apiKey, bodies[0] as string);
    const timings: number[] = [];
    let applied = 0;
    for (let round = 1; round <= BATCHES; round++) {
      const result = await pushOnce(dev, apiKey, bodies[round] as string);
      timings.push(result.ms);
      applied += result.applied;
    }
    report(timings, applied, (bodies[1] as string).length);
  } finally {
    await dev.stop();
  }
}

function report(timings: number[], applied: number, bodyBytes: number): void {
  const totalSeconds = timings.reduce((a, b) => a + b, 0) / 1000;
  const sorted = [...timings].sort((a, b) => a - b);
  const rate = (BATCHES * BATCH) / totalSeconds;
  console.log(`batches of ${BATCH} counts (${(bodyBytes / 1024 / 1024).toFixed(1)} MiB JSON each): ${BATCHES} measured after 1 warm-up`);
  console.log(`per batch: median ${sorted[Math.floor(sorted.length / 2)]?.toFixed(0)} ms, max ${sorted[sorted.length - 1]?.toFixed(0)} ms`);
  console.log(`throughput: ${rate.toFixed(0)} counts/s; applied ${applied} of ${BATCHES * BATCH}`);
  const pass = rate >= TARGET_COUNTS_PER_SECOND && applied === BATCHES * BATCH;
  console.log(`target: ≥ ${TARGET_COUNTS_PER_SECOND} counts/s with every count applied: ${pass ? "PASS" : "FAIL"}`);
}

await main();
