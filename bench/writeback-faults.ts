/**
 * Write-back under faults (issue 10 item 18): 1,000 approvals on 250
 * ConnectWise lines, approved in four rounds while earlier write-backs are
 * still queued, with 10% of PATCHes answered 429 + Retry-After (not applied)
 * and 2% applied and then answered 500. Targets: the final PSA state equals
 * the approved set (every line on its last approved quantity), 0 double
 * applications (no PATCH that re-sets a value the line already had, no
 * decision with two applied attempts), and the request rate within
 * ConnectWise's ~1,000 requests a minute in every 60 s window (the client's
 * real-time pacing). Queue delays run on a virtual clock (bench/_psa-stack.ts).
 *
 * Run: npx node bench/writeback-faults.ts
 */
import { createConnectWiseSim, SIM_CW_DEFAULTS } from "../test/sim/connectwise/app.ts";
import { maxInAnyWindow, startPsaStack } from "./_psa-stack.ts";
import { prng } from "../test/fixtures/prng.ts";

const CW_ORIGIN = "https://api-na.myconnectwise.net";
const LINES = Number(process.env.BENCH_LINES ?? 250);
const ROUNDS = 4;
const THROTTLE_SHARE = 0.1;
const APPLY_THEN_500_SHARE = 0.02;

const stack = await startPsaStack("bench-writeback");
try {
  const sim = createConnectWiseSim({ origin: CW_ORIGIN, deliver: stack.deliver });
  sim.state.addCompany({ id: 1, identifier: "BENCH", name: "Bench Co" });
  for (let i = 0; i < LINES; i++) {
    sim.state.addAgreement({ id: 1000 + i, companyId: 1, name: `Bench MS ${i}` });
    sim.state.addAddition({ id: 50_000 + i, agreementId: 1000 + i, identifier: `P${i % 7}`, description: `Product ${i % 7}`, quantity: 10, unitPrice: 5, unitCost: 3 });
  }
  const random = prng(18);
  const calls: number[] = [];
  const patches = { sent: 0, throttled: 0, appliedThen500: 0, applied: 0, noOpWrites: 0 };
  stack.route(new URL(CW_ORIGIN).host, async (req) => {
    const url = new URL(req.url);
    if (url.pathname.includes("/apis/3.0/")) calls.push(Date.now());
    if (req.method !== "PATCH") return sim.fetch(req);
    patches.sent += 1;
    const draw = random();
    if (draw < THROTTLE_SHARE) {
      patches.throttled += 1;
      // ConnectWise throttles per API member: a 429 pauses the whole integration for its Retry-After (real time).
      return new Response(JSON.stringify({ error: "ConnectWiseAPI", message: "Too many requests. Please try again in 1 seconds." }), { status: 429, headers: { "content-type": "application/json", "retry-after": "1" } });
    }
    const [agreementId, additionId] = (url.pathname.match(/agreements\/(\d+)\/additions\/(\d+)/) ?? []).slice(1).map(Number);
    const before = sim.state.findAddition(agreementId ?? 0, additionId ?? 0)?.quantity;
    const value = ((await req.clone().json()) as Array<{ value: number }>)[0]?.value;
    if (value === before) patches.noOpWrites += 1;
    const res = await sim.fetch(req);
    if (res.status === 200) patches.applied += 1;
    if (draw < THROTTLE_SHARE + APPLY_THEN_500_SHARE) {
      patches.appliedThen500 += 1;
      return new Response(JSON.stringify({ code: "ServerError", message: "Injected failure after apply" }), { status: 500, headers: { "content-type": "application/json" } });
    }
    return res;
  });

  const tenant = await stack.createTenant("Bench write-back MSP");
  const headers = { authorization: `Bearer ${tenant.apiKey}`, "content-type": "application/json" };
  const connected = await stack.call("/api/v1/psa/connectwise", { method: "POST", headers, body: JSON.stringify({ site: CW_ORIGIN, companyId: SIM_CW_DEFAULTS.companyId, publicKey: SIM_CW_DEFAULTS.publicKey, privateKey: SIM_CW_DEFAULTS.privateKey, clientId: SIM_CW_DEFAULTS.clientId }) });
  if (connected.status !== 201) throw new Error(`connect: ${connected.status} ${await connected.text()}`);
  await stack.drain();
  const lines = await stack.sql<{ id: string; agreement_id: string; psa_id: string }>("SELECT id, agreement_id, psa_id FROM agreement_lines WHERE tenant_id = ? ORDER BY psa_id", tenant.tenantId);
  if (lines.length !== LINES) throw new Error(`synced ${lines.length} lines, expected ${LINES}`);

  calls.length = 0;
  const started = performance.now();
  const last = new Map<string, number>();
  let approvals = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const line of lines) {
      const quantity = 1 + Math.floor(random() * 80);
      const res = await stack.call("/api/v1/decisions", { method: "POST", headers, body: JSON.stringify({ agreementId: line.agreement_id, lineId: line.id, action: "adjust", quantity: String(quantity) }) });
      if (res.status !== 202) throw new Error(`decision: ${res.status} ${await res.text()}`);
      last.set(line.psa_id, quantity);
      approvals += 1;
    }
    // Some of the queue is worked through before the next round is approved.
    await stack.drain(Math.floor(stack.pending.length / 2));
  }
  await stack.drain();
  const seconds = (performance.now() - started) / 1000;

  const wrong = [...last].filter(([psaId, q]) => sim.state.additions.get(Number(psaId))?.quantity !== q);
  const states = await stack.sql<{ writeback_state: string; n: number }>("SELECT writeback_state, COUNT(*) AS n FROM decisions WHERE tenant_id = ? GROUP BY writeback_state ORDER BY writeback_state", tenant.tenantId);
  const doubles = await stack.sql<{ n: number }>(
    "SELECT COUNT(*) AS n FROM (SELECT decision_id FROM psa_writeback_attempts WHERE tenant_id = ? AND outcome = 'applied' GROUP BY decision_id HAVING COUNT(*) > 1)",
    tenant.tenantId,
  );
  const perMinute = maxInAnyWindow(calls, 60_000);
  console.log(
    `writeback-faults: ${approvals} approvals on ${LINES} lines in ${ROUNDS} rounds → ${patches.sent} PATCHes (${patches.throttled} answered 429 + Retry-After, ${patches.appliedThen500} applied then 500), ` +
      `${patches.applied} applied; decisions ${states.map((s) => `${s.writeback_state} ${s.n}`).join(", ")}; ` +
      `lines not on their last approved quantity: ${wrong.length}; double applications: ${patches.noOpWrites} no-op PATCHes, ${doubles[0]?.n ?? 0} decisions applied twice; ` +
      `${calls.length} ConnectWise API requests in ${seconds.toFixed(1)} s, at most ${perMinute} in any 60 s (limit ~1,000)`,
  );
  if (wrong.length > 0 || patches.noOpWrites > 0 || (doubles[0]?.n ?? 0) > 0 || perMinute >= 1000) process.exitCode = 1;
} finally {
  await stack.stop();
}
