/**
 * The demo stack for the browser tests, brought up the way `npm run dev`
 * does it: a fresh local D1 seeded like `npm run db:seed:local` (the demo
 * tenant without agreements), the PSA simulators with the demo host page
 * (scripts/sim-server.ts), `wrangler dev` on a free port, and the shared
 * bootstrap (scripts/demo-bootstrap.ts): connect to the ConnectWise
 * simulator, full sync. The host page frames the pod from
 * http://localhost:<port> (another site than the simulator's 127.0.0.1),
 * as in dev. Started by global-setup.ts next to the phase-1 stack; its own
 * persist dir and ports, so neither disturbs the other.
 */
import path from "node:path";
import { RETIRE_SEEDED_AGREEMENTS_SQL } from "../../src/db/seed/demo-psa.ts";
import { ROOT } from "../../scripts/wrangler.ts";
import { startSyncedDemo } from "./synced-demo.ts";

// Per run (pid): two runs in one worktree must not wipe each other's state.
const PERSIST = path.join(ROOT, ".wrangler", `browser-demo-state-${process.pid}`);

export interface DemoStackInfo {
  /** The Worker, as the bootstrap and the simulator's callbacks reach it. */
  baseUrl: string;
  /** The same Worker under the name the host frames the pod from (another site than cwOrigin). */
  podOrigin: string;
  /** The ConnectWise simulator, which also serves the host page at /demo. */
  cwOrigin: string;
  integrationId: string;
}

/** Starts the demo stack serving the built UI in `uiDir`; resolves once the demo is bootstrapped. */
export function startDemoStack(uiDir: string): Promise<{ info: DemoStackInfo; stop: () => Promise<void> }> {
  const options = { label: "demo stack", persist: PERSIST, uiDir, operatorToken: "browser-demo-operator-token", encryptionKey: "YnJvd3Nlci1kZW1vLWVuY3J5cHRpb24ta2V5LTMyYnk=", extraSql: [RETIRE_SEEDED_AGREEMENTS_SQL] };
  return startSyncedDemo(options, async ({ baseUrl, port, sims, integrationId }) => {
    const podOrigin = `http://localhost:${port}`;
    sims.demo.configure({ podOrigin, integrationId });
    return { baseUrl, podOrigin, cwOrigin: sims.cwOrigin, integrationId };
  });
}
