/**
 * `npm run dev`: the PSA simulators (ConnectWise on 8788, Autotask on 8789),
 * the local Worker + local D1 (migrated and seeded by `predev`) on 8787, then
 * the demo bootstrap through the real API — idempotently on every run: the
 * demo tenant's previous ConnectWise connection is disconnected, it is
 * connected to the (fresh) simulator, and a full sync brings its agreements
 * in (scripts/demo-bootstrap.ts). Then the demo host page (a ConnectWise-like
 * agreement screen framing the pod) is served at http://localhost:8787/demo
 * (which redirects to the simulator's origin). Editing a quantity in the
 * simulator reaches Trueup through a signed callback. Creates .dev.vars from
 * the example on a fresh clone.
 */
import { copyFileSync, existsSync } from "node:fs";
import path from "node:path";
import { DEMO_API_KEY } from "../src/db/seed/demo-tenant.ts";
import { bootstrapDemo, waitFor } from "./demo-bootstrap.ts";
import { startSimulators } from "./sim-server.ts";
import { ROOT, startWrangler } from "./wrangler.ts";

const PORT = 8787;
const base = `http://127.0.0.1:${PORT}`;
// The demo host (on the simulator's http://127.0.0.1:8788) frames the pod from another site, as ConnectWise does.
const podOrigin = `http://localhost:${PORT}`;

const devVars = path.join(ROOT, ".dev.vars");
if (!existsSync(devVars)) {
  copyFileSync(path.join(ROOT, ".dev.vars.example"), devVars);
  console.log("Created .dev.vars from .dev.vars.example (local-only secrets).");
}

const sims = await startSimulators({ cwPort: 8788, atPort: 8789 });
// wrangler.toml defaults to production; local dev is development with the simulators' http origins allowed
// (wrangler.toml declares required secrets, so other .dev.vars keys would not be loaded: they are passed here).
const devVarsArgs = ["TRUEUP_ENV:development", "ALLOW_INSECURE_ORIGINS:true"].flatMap((v) => ["--var", v]);
const child = startWrangler(["dev", "--ip", "127.0.0.1", "--port", String(PORT), "--local", ...devVarsArgs]);
const stop = (signal: NodeJS.Signals) => {
  child.kill(signal);
  void sims.close();
};
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => stop(signal));
child.on("exit", (code) => {
  void sims.close().then(() => process.exit(code ?? 0));
});

await waitFor(async () => (await fetch(`${base}/healthz`)).ok, "wrangler dev");
try {
  const { integrationId } = await bootstrapDemo({ base, apiKey: DEMO_API_KEY, site: sims.cwOrigin });
  sims.demo.configure({ podOrigin, integrationId });
} catch (error) {
  console.error(`Demo bootstrap failed: ${error instanceof Error ? error.message : String(error)}`);
}
console.log(`
Trueup is running on ${base}
  Demo (a ConnectWise agreement screen with the Trueup pod):  ${podOrigin}/demo
  Health:          curl ${base}/healthz
  Reconciliation:  curl -H "Authorization: Bearer ${DEMO_API_KEY}" ${base}/api/v1/reconciliation
  Demo tenant key: ${DEMO_API_KEY}
  Operator token:  see .dev.vars (OPERATOR_TOKEN)

PSA simulators (the demo tenant is connected to ConnectWise and synced):
  ConnectWise:     ${sims.cwOrigin}   Autotask: ${sims.atOrigin}
  Edit a quantity in ConnectWise (Brightline, Microsoft 365 Business Premium, 40 → 45);
  the signed callback reaches Trueup within seconds:
    curl -X POST ${sims.cwOrigin}/_sim/agreements/4101/additions/88010 -H 'content-type: application/json' -d '{"quantity": 45}'
    curl -H "Authorization: Bearer ${DEMO_API_KEY}" "${base}/api/v1/reconciliation?companyId=demo_co_bright"
  Simulator request log: curl ${sims.cwOrigin}/_sim/log
`);
