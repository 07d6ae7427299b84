/**
 * `npm run dev`: the PSA simulators (ConnectWise on 8788, Autotask on 8789),
 * the local Worker + local D1 (migrated and seeded by `predev`) on 8787, then
 * the demo bootstrap through the real API — idempotently on every run: the
 * demo tenant is (re)connected to both simulators and synced
 * (scripts/demo-bootstrap.ts, scripts/demo-autotask.ts), and its workspace
 * admin exists with the documented password. Then the demo host page (a
 * ConnectWise-like agreement screen framing the pod) is served at
 * http://localhost:8787/demo (which redirects to the simulator's origin).
 * Editing a quantity in the simulator reaches Trueup through a signed
 * callback. Creates .dev.vars from the example on a fresh clone.
 *
 * Output is a few lines; wrangler's own log goes to .wrangler/dev.log.
 * TRUEUP_DEV_PORT moves the Worker (the simulators take the next two ports).
 */
import { copyFileSync, createWriteStream, existsSync, mkdirSync } from "node:fs";
import path from "node:path";
import { DEMO_API_KEY, DEMO_TENANT_ID } from "../src/db/seed/demo-tenant.ts";
import { bootstrapAutotaskDemo, DEMO_AT, seedAutotaskDemo } from "./demo-autotask.ts";
import { bootstrapDemo, DEMO_ADMIN, ensureDemoAdmin, tenantApi, waitFor } from "./demo-bootstrap.ts";
import { operatorToken } from "./operator.ts";
import { startSimulators } from "./sim-server.ts";
import { SIM_AT_DEFAULTS } from "../test/sim/autotask/app.ts";
import { SIM_CW_DEFAULTS } from "../test/sim/connectwise/app.ts";
import { ROOT, startWrangler } from "./wrangler.ts";

const PORT = Number(process.env.TRUEUP_DEV_PORT ?? 8787);
const base = `http://127.0.0.1:${PORT}`;
// The demo host (on the simulator's http://127.0.0.1:8788) frames the pod from another site, as ConnectWise does.
const podOrigin = `http://localhost:${PORT}`;

const devVars = path.join(ROOT, ".dev.vars");
if (!existsSync(devVars)) {
  copyFileSync(path.join(ROOT, ".dev.vars.example"), devVars);
  console.log("Created .dev.vars from .dev.vars.example (local-only secrets).");
}

const sims = await startSimulators({ cwPort: PORT + 1, atPort: PORT + 2 });
seedAutotaskDemo(sims.at.state, new Date());
mkdirSync(path.join(ROOT, ".wrangler"), { recursive: true });
const logFile = path.join(ROOT, ".wrangler", "dev.log");
const log = createWriteStream(logFile, { flags: "w" });
// wrangler.toml defaults to production; local dev is development with the simulators' http origins allowed
// (wrangler.toml declares required secrets, so other .dev.vars keys would not be loaded: they are passed here).
const devVarsArgs = ["TRUEUP_ENV:development", "ALLOW_INSECURE_ORIGINS:true"].flatMap((v) => ["--var", v]);
const child = startWrangler(["dev", "--ip", "127.0.0.1", "--port", String(PORT), "--local", "--show-interactive-dev-session=false", ...devVarsArgs], true);
child.stdout?.pipe(log);
child.stderr?.pipe(log);
const stop = (signal: NodeJS.Signals) => {
  child.kill(signal);
  void sims.close();
};
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => stop(signal));
child.on("exit", (code) => {
  if (code) console.error(`wrangler dev exited with code ${code}; see ${logFile}`);
  void sims.close().then(() => process.exit(code ?? 0));
});

await waitFor(async () => (await fetch(`${base}/healthz`)).ok, "wrangler dev");
const problems: string[] = [];
const attempt = async (what: string, run: () => Promise<void>) => {
  try {
    await run();
  } catch (error) {
    problems.push(`${what} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
};
await attempt("Connecting the ConnectWise simulator", async () => {
  const { integrationId } = await bootstrapDemo({ base, apiKey: DEMO_API_KEY, site: sims.cwOrigin });
  sims.demo.configure({ podOrigin, integrationId });
});
await attempt("Connecting the Autotask simulator", () => bootstrapAutotaskDemo(tenantApi(base, DEMO_API_KEY), sims.atOrigin));
await attempt("Creating the demo admin", () => ensureDemoAdmin(base, operatorToken(), DEMO_API_KEY, DEMO_TENANT_ID));

console.log(`
Trueup is running on ${base}   (wrangler log: .wrangler/dev.log)

  Workspace (billing admin):  ${podOrigin}/app/${DEMO_TENANT_ID}
      sign in as ${DEMO_ADMIN.email} / ${DEMO_ADMIN.password}
  Pod in ConnectWise (demo):  ${podOrigin}/demo
  Pod for Autotask (LiveLink): ${podOrigin}/pod/standalone/${DEMO_TENANT_ID}?contractId=${DEMO_AT.contractId}   (same sign-in)
  Tenant API key:             ${DEMO_API_KEY}   e.g. curl -H "Authorization: Bearer ${DEMO_API_KEY}" ${base}/api/v1/reconciliation

  Simulators (demo tenant connected and synced to both):
    ConnectWise ${sims.cwOrigin}  company ${SIM_CW_DEFAULTS.companyId}, public key ${SIM_CW_DEFAULTS.publicKey}, private key ${SIM_CW_DEFAULTS.privateKey}
    Autotask    ${sims.atOrigin}  user ${SIM_AT_DEFAULTS.username}, secret ${SIM_AT_DEFAULTS.secret}, integration code ${SIM_AT_DEFAULTS.integrationCode}
`);
for (const problem of problems) console.error(`  ! ${problem}`);
