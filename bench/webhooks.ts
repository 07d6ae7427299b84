/**
 * Webhook acknowledgement latency: signed ConnectWise callbacks POSTed to a
 * local `wrangler dev` at 50 requests/s for 10 s (open loop, loopback). Each
 * is verified (key from the simulator's key_url, then cached), deduped,
 * recorded in D1 and enqueued, while the queue consumer re-reads the
 * agreements from the simulator. The simulators run in their own process;
 * this one only signs, sends and times. Two windows of 10 s:
 * - once the tenant's first full sync is done: the day-to-day state in
 *   which ConnectWise sends callbacks. Target: p99 < 50 ms;
 * - while a full re-sync (and the recompute of every company it touches,
 *   and the first window's queued re-reads) runs in the same local workerd
 *   and D1 — reported, not judged: locally the consumer shares one process
 *   with the acks, where deployed Queues consumers run in their own isolates.
 *
 * Run: npx node bench/webhooks.ts
 */
import { signConnectWise, utf8 } from "../src/core/psa/signatures.ts";
import { SIM_CW_DEFAULTS } from "../test/sim/connectwise/app.ts";
import type { SimCallback } from "../test/sim/connectwise/state.ts";
import { startLocalStack } from "../scripts/sim-server.ts";

const RATE = 50;
const SECONDS = 10;
const WARM_UP = 25;
const TARGET_P99_MS = 50;

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}

const stack = await startLocalStack("bench-webhooks");
try {
  const { base, cwOrigin } = stack;
  await fetch(`${cwOrigin}/_sim/seed/bench`, { method: "POST", body: JSON.stringify({ companies: 20, agreementsPerCompany: 5, linesPerAgreement: 6 }) });
  const tenant = (await (await fetch(`${base}/api/admin/tenants`, { method: "POST", headers: { authorization: `Bearer ${stack.operatorToken}`, "content-type": "application/json" }, body: JSON.stringify({ name: "Bench MSP" }) })).json()) as { apiKey: string };
  const auth = { authorization: `Bearer ${tenant.apiKey}` };
  const connected = await fetch(`${base}/api/v1/psa/connectwise`, {
    method: "POST",
    headers: { ...auth, "content-type": "application/json" },
    body: JSON.stringify({ site: cwOrigin, companyId: SIM_CW_DEFAULTS.companyId, publicKey: SIM_CW_DEFAULTS.publicKey, privateKey: SIM_CW_DEFAULTS.privateKey, clientId: SIM_CW_DEFAULTS.clientId }),
  });
  if (connected.status !== 201) throw new Error(`connect failed: ${connected.status} ${await connected.text()}`);
  const { syncRunId, integrationId } = (await connected.json()) as { syncRunId: string; integrationId: string };
  const [callback] = (await (await fetch(`${cwOrigin}/_sim/callbacks`)).json()) as Array<SimCallback & { keyUrl: string }>;
  if (!callback) throw new Error("no callback registered");

  // Payloads are signed up front, so the timed loop only sends.
  const sign = (count: number) =>
    Promise.all(
      Array.from({ length: count }, async (_, i) => {
        const id = 10_000 + (i % 100);
        const body = JSON.stringify({ MessageId: crypto.randomUUID(), FromUrl: "127.0.0.1", CompanyId: SIM_CW_DEFAULTS.companyId, MemberId: "admin", Action: "updated", Type: "agreement", ID: id, Entity: JSON.stringify({ id }), Metadata: { key_url: callback.keyUrl }, CallbackObjectRecId: callback.id });
        return { url: `${callback.url}${id}`, body, signature: await signConnectWise(callback.signingKey, utf8(body)) };
      }),
    );
  type Payload = Awaited<ReturnType<typeof sign>>[number];

  async function send(p: Payload): Promise<{ ms: number; status: number }> {
    const started = performance.now();
    const res = await fetch(p.url, { method: "POST", headers: { "content-type": "application/json", "x-content-signature": p.signature }, body: p.body });
    await res.arrayBuffer();
    return { ms: performance.now() - started, status: res.status };
  }

  /** One open-loop window at RATE/s; returns the line to print and whether it met the target. */
  async function window(label: string, warmUp: number): Promise<{ line: string; met: boolean }> {
    const payloads = await sign(warmUp + RATE * SECONDS);
    for (let i = 0; i < warmUp; i++) await send(payloads[i] as Payload);
    const pending: Array<Promise<{ ms: number; status: number }>> = [];
    const t0 = performance.now();
    for (let i = 0; i < RATE * SECONDS; i++) {
      const wait = t0 + (i * 1000) / RATE - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      pending.push(send(payloads[warmUp + i] as Payload));
    }
    const results = await Promise.all(pending);
    const elapsed = (performance.now() - t0) / 1000;
    const sorted = results.map((r) => r.ms).sort((a, b) => a - b);
    const ok = results.filter((r) => r.status === 200).length;
    const p99 = percentile(sorted, 99);
    const line =
      `webhooks (${label}): ${results.length} signed ConnectWise callbacks at ${RATE}/s over ${elapsed.toFixed(1)} s on loopback → ack p50 ${percentile(sorted, 50).toFixed(1)} ms, ` +
      `p99 ${p99.toFixed(1)} ms, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms; ${ok}/${results.length} answered 200`;
    return { line, met: p99 < TARGET_P99_MS && ok === results.length };
  }

  async function waitForRun(runId: string): Promise<void> {
    for (let waited = 0; ; waited += 200) {
      const { run } = (await (await fetch(`${base}/api/v1/psa/sync-runs/${runId}`, { headers: auth })).json()) as { run: { state: string } };
      if (run.state !== "running") return;
      if (waited > 120_000) throw new Error("the sync did not finish in 2 min");
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  await waitForRun(syncRunId);
  const steady = await window("after the first sync", WARM_UP);
  console.log(`${steady.line} (target p99 < ${TARGET_P99_MS} ms: ${steady.met ? "PASS" : "FAIL"})`);
  const resync = await fetch(`${base}/api/v1/psa/integrations/${integrationId}/sync`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ mode: "full" }) });
  if (resync.status !== 202) throw new Error(`re-sync failed: ${resync.status} ${await resync.text()}`);
  const during = await window("during a full re-sync, not judged", 0);
  console.log(during.line);
  if (!steady.met) process.exitCode = 1;
} finally {
  await stack.stop();
}
