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
import { createHash } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { buildDemoTenantForPsaSync, RETIRE_SEEDED_AGREEMENTS_SQL } from "../../src/db/seed/demo-psa.ts";
import { DEMO_API_KEY } from "../../src/db/seed/demo-tenant.ts";
import { seedStatements } from "../../src/db/seed/seed-sql.ts";
import { bootstrapDemo } from "../../scripts/demo-bootstrap.ts";
import { startSimulators } from "../../scripts/sim-server.ts";
import { ROOT, runWrangler } from "../../scripts/wrangler.ts";
import { startWranglerStack } from "../../scripts/wrangler-stack.ts";

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

function seed(): void {
  const keyHash = createHash("sha256").update(DEMO_API_KEY).digest("hex");
  const statements = [...seedStatements(buildDemoTenantForPsaSync(new Date(), keyHash)), RETIRE_SEEDED_AGREEMENTS_SQL];
  const file = path.join(PERSIST, "seed.sql");
  writeFileSync(file, `${statements.join("\n")}\n`);
  runWrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", PERSIST]);
  runWrangler(["d1", "execute", "DB", "--local", "--persist-to", PERSIST, `--file=${file}`]);
}

/** Starts the demo stack serving the built UI in `uiDir`; resolves once the demo is bootstrapped. */
export async function startDemoStack(uiDir: string): Promise<{ info: DemoStackInfo; stop: () => Promise<void> }> {
  rmSync(PERSIST, { recursive: true, force: true });
  mkdirSync(PERSIST, { recursive: true });
  seed();
  const sims = await startSimulators({ cwPort: 0, atPort: 0, uiDir });
  const vars = ["OPERATOR_TOKEN:browser-demo-operator-token", "ENCRYPTION_KEY:YnJvd3Nlci1kZW1vLWVuY3J5cHRpb24ta2V5LTMyYnk=", "ALLOW_INSECURE_ORIGINS:true", "TRUEUP_ENV:development"];
  const { baseUrl, port, stop } = await startWranglerStack({
    label: "demo stack",
    persist: PERSIST,
    uiDir,
    vars,
    cleanUp: async () => {
      await sims.close();
      rmSync(PERSIST, { recursive: true, force: true });
    },
  });
  try {
    const { integrationId } = await bootstrapDemo({ base: baseUrl, apiKey: DEMO_API_KEY, site: sims.cwOrigin });
    const podOrigin = `http://localhost:${port}`;
    sims.demo.configure({ podOrigin, integrationId });
    return { info: { baseUrl, podOrigin, cwOrigin: sims.cwOrigin, integrationId }, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
