/**
 * `npm run dev`: the PSA simulators (ConnectWise on 8788, Autotask on 8789),
 * the local Worker + local D1 (migrated and seeded by `predev`) on 8787, then
 * the demo bootstrap through the real API — idempotently on every run: the
 * demo tenant's previous ConnectWise connection is disconnected, it is
 * connected to the (fresh) simulator, and a full sync brings its agreements
 * in. Editing a quantity in the simulator reaches Trueup through a signed
 * callback. Creates .dev.vars from the example on a fresh clone.
 */
import { copyFileSync, existsSync } from "node:fs";
import path from "node:path";
import { DEMO_API_KEY } from "../src/db/seed/demo-tenant.ts";
import { SIM_CW_DEFAULTS } from "../test/sim/connectwise/app.ts";
import { startSimulators } from "./sim-server.ts";
import { ROOT, startWrangler } from "./wrangler.ts";

const PORT = 8787;
const base = `http://127.0.0.1:${PORT}`;
const auth = { authorization: `Bearer ${DEMO_API_KEY}`, "content-type": "application/json" };

const devVars = path.join(ROOT, ".dev.vars");
if (!existsSync(devVars)) {
  copyFileSync(path.join(ROOT, ".dev.vars.example"), devVars);
  console.log("Created .dev.vars from .dev.vars.example (local-only secrets).");
}

async function api<T>(method: string, route: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${route}`, { method, headers: auth, body: body === undefined ? undefined : JSON.stringify(body) });
  if (!res.ok) throw new Error(`${method} ${route} → ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function bootstrapDemo(site: string): Promise<void> {
  const { integrations } = await api<{ integrations: Array<{ id: string; kind: string; status: string }> }>("GET", "/api/v1/psa/integrations");
  for (const old of integrations.filter((i) => i.kind === "connectwise" && i.status !== "disconnected")) {
    await api("DELETE", `/api/v1/psa/integrations/${old.id}`);
  }
  const connected = await api<{ integrationId: string; syncRunId: string }>("POST", "/api/v1/psa/connectwise", {
    site,
    companyId: SIM_CW_DEFAULTS.companyId,
    publicKey: SIM_CW_DEFAULTS.publicKey,
    privateKey: SIM_CW_DEFAULTS.privateKey,
    clientId: SIM_CW_DEFAULTS.clientId,
  });
  await waitFor(async () => (await api<{ run: { state: string } }>("GET", `/api/v1/psa/sync-runs/${connected.syncRunId}`)).run.state === "done", "the demo's first sync");
}

const sims = await startSimulators({ cwPort: 8788, atPort: 8789 });
const child = startWrangler(["dev", "--ip", "127.0.0.1", "--port", String(PORT), "--local"]);
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
  await bootstrapDemo(sims.cwOrigin);
} catch (error) {
  console.error(`Demo bootstrap failed: ${error instanceof Error ? error.message : String(error)}`);
}
console.log(`
Trueup is running on ${base}
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
