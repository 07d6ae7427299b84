/**
 * PSA calls of a full ConnectWise sync: 200 companies × 5 agreements × 6
 * lines in the simulator, synced by a local `wrangler dev` (real queues,
 * real D1). Counts the requests the simulator received for one full sync.
 * Target: ≤ agreements + ⌈agreements/1000⌉ + 1 (paged agreement listing,
 * its /count check, one additions call per agreement). The client paces
 * itself under ConnectWise's ~1,000 requests a minute (900 a sliding minute
 * per integration), so a 1,000-agreement sync takes over a minute: the
 * rate is printed and must stay under 1,000 in every 60 s window.
 *
 * Run: npx node bench/sync-calls.ts
 */
import { SIM_CW_DEFAULTS } from "../test/sim/connectwise/app.ts";
import type { LogEntry } from "../test/sim/connectwise/faults.ts";
import { startLocalStack } from "../scripts/sim-server.ts";

const COMPANIES = 200;
const AGREEMENTS_PER_COMPANY = 5;
const LINES_PER_AGREEMENT = 6;

interface Run {
  state: string;
  agreements: number;
  lines: number;
  psaCalls: number;
}

const stack = await startLocalStack("bench-sync");
try {
  const { base, cwOrigin } = stack;
  const json = async <T>(res: Response | Promise<Response>): Promise<T> => (await res).json() as Promise<T>;
  const seeded = await json<{ agreements: number; additions: number }>(
    fetch(`${cwOrigin}/_sim/seed/bench`, { method: "POST", body: JSON.stringify({ companies: COMPANIES, agreementsPerCompany: AGREEMENTS_PER_COMPANY, linesPerAgreement: LINES_PER_AGREEMENT }) }),
  );
  const tenant = await json<{ apiKey: string }>(fetch(`${base}/api/admin/tenants`, { method: "POST", headers: { authorization: `Bearer ${stack.operatorToken}`, "content-type": "application/json" }, body: JSON.stringify({ name: "Bench MSP" }) }));
  const headers = { authorization: `Bearer ${tenant.apiKey}`, "content-type": "application/json" };
  const body = { site: cwOrigin, companyId: SIM_CW_DEFAULTS.companyId, publicKey: SIM_CW_DEFAULTS.publicKey, privateKey: SIM_CW_DEFAULTS.privateKey, clientId: SIM_CW_DEFAULTS.clientId };
  const connect = await json<{ integrationId: string; syncRunId: string }>(fetch(`${base}/api/v1/psa/connectwise`, { method: "POST", headers, body: JSON.stringify(body) }));

  async function waitForRun(runId: string): Promise<Run> {
    const deadline = Date.now() + 300_000;
    for (;;) {
      const { run } = await json<{ run: Run }>(fetch(`${base}/api/v1/psa/sync-runs/${runId}`, { headers }));
      if (run.state !== "running") return run;
      if (Date.now() > deadline) throw new Error("sync did not finish within 300 s");
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  await waitForRun(connect.syncRunId);
  await fetch(`${cwOrigin}/_sim/log`, { method: "DELETE" });
  const started = performance.now();
  const { runId } = await json<{ runId: string }>(fetch(`${base}/api/v1/psa/integrations/${connect.integrationId}/sync`, { method: "POST", headers, body: JSON.stringify({ mode: "full" }) }));
  const run = await waitForRun(runId);
  const seconds = (performance.now() - started) / 1000;
  const log = await json<LogEntry[]>(fetch(`${cwOrigin}/_sim/log`));
  const calls = log.length;
  const target = seeded.agreements + Math.ceil(seeded.agreements / 1000) + 1;
  const listing = log.filter((e) => /\/finance\/agreements(\/count)?\?/.test(e.path)).length;
  const times = log.map((e) => Date.parse(e.at)).sort((a, b) => a - b);
  let worstMinute = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while ((times[i] ?? 0) - (times[j] ?? 0) >= 60_000) j++;
    worstMinute = Math.max(worstMinute, i - j + 1);
  }
  const throttled = log.filter((e) => e.status === 429).length;
  console.log(
    `sync-calls: full ConnectWise sync of ${COMPANIES} companies × ${AGREEMENTS_PER_COMPANY} agreements × ${LINES_PER_AGREEMENT} lines ` +
      `(${seeded.agreements} agreements, ${seeded.additions} lines) → ${calls} PSA calls (${listing} agreement page(s) and count + ${calls - listing} additions calls; the run counted ${run.psaCalls}), ` +
      `at most ${worstMinute} in any 60 s (limit ~1,000), ${throttled} answered 429, ` +
      `${run.agreements} agreements / ${run.lines} lines stored, ${run.state} in ${seconds.toFixed(1)} s (target ≤ ${target} calls)`,
  );
  if (run.state !== "done" || calls > target || run.lines !== seeded.additions || worstMinute >= 1000) process.exitCode = 1;
} finally {
  await stack.stop();
}
