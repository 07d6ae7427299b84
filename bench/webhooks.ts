/**
 * Webhook acknowledgement latency: signed ConnectWise callbacks POSTed to a
 * local `wrangler dev` at 50 requests/s for 10 s (open loop, loopback). Each
 * is verified (key from the simulator's key_url, then cached), deduped,
 * recorded in D1 and enqueued, while the queue consumer re-reads the
 * agreements from the simulator. The simulators run in their own process;
 * this one only signs, sends and times. Target: p99 < 50 ms.
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
  const connected = await fetch(`${base}/api/v1/psa/connectwise`, {
    method: "POST",
    headers: { authorization: `Bearer ${tenant.apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ site: cwOrigin, companyId: SIM_CW_DEFAULTS.companyId, publicKey: SIM_CW_DEFAULTS.publicKey, privateKey: SIM_CW_DEFAULTS.privateKey, clientId: SIM_CW_DEFAULTS.clientId }),
  });
  if (connected.status !== 201) throw new Error(`connect failed: ${connected.status} ${await connected.text()}`);
  const [callback] = (await (await fetch(`${cwOrigin}/_sim/callbacks`)).json()) as Array<SimCallback & { keyUrl: string }>;
  if (!callback) throw new Error("no callback registered");

  // Payloads are signed up front, so the timed loop only sends.
  const payloads = await Promise.all(
    Array.from({ length: WARM_UP + RATE * SECONDS }, async (_, i) => {
      const id = 10_000 + (i % 100);
      const body = JSON.stringify({ MessageId: crypto.randomUUID(), FromUrl: "127.0.0.1", CompanyId: SIM_CW_DEFAULTS.companyId, MemberId: "admin", Action: "updated", Type: "agreement", ID: id, Entity: JSON.stringify({ id }), Metadata: { key_url: callback.keyUrl }, CallbackObjectRecId: callback.id });
      return { url: `${callback.url}${id}`, body, signature: await signConnectWise(callback.signingKey, utf8(body)) };
    }),
  );

  async function send(i: number): Promise<{ ms: number; status: number }> {
    const p = payloads[i];
    if (!p) throw new Error("no payload");
    const started = performance.now();
    const res = await fetch(p.url, { method: "POST", headers: { "content-type": "application/json", "x-content-signature": p.signature }, body: p.body });
    await res.arrayBuffer();
    return { ms: performance.now() - started, status: res.status };
  }

  for (let i = 0; i < WARM_UP; i++) await send(i);
  const total = RATE * SECONDS;
  const pending: Array<Promise<{ ms: number; status: number }>> = [];
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const wait = t0 + (i * 1000) / RATE - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(send(WARM_UP + i));
  }
  const results = await Promise.all(pending);
  const elapsed = (performance.now() - t0) / 1000;
  const sorted = results.map((r) => r.ms).sort((a, b) => a - b);
  const ok = results.filter((r) => r.status === 200).length;
  const p50 = percentile(sorted, 50);
  const p99 = percentile(sorted, 99);
  console.log(
    `webhooks: ${total} signed ConnectWise callbacks at ${RATE}/s over ${elapsed.toFixed(1)} s on loopback → ack p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${(sorted.at(-1) ?? 0).toFixed(1)} ms; ` +
      `${ok}/${total} answered 200 (target p99 < ${TARGET_P99_MS} ms)`,
  );
  if (p99 >= TARGET_P99_MS || ok !== total) process.exitCode = 1;
} finally {
  await stack.stop();
}
