/**
 * `npm run dev`: local Worker + local D1 (migrated and seeded by `predev`).
 * Creates .dev.vars from the example on a fresh clone and prints where to look.
 */
import { copyFileSync, existsSync } from "node:fs";
import path from "node:path";
import { DEMO_API_KEY } from "../src/db/seed/demo-tenant.ts";
import { ROOT, startWrangler } from "./wrangler.ts";

const PORT = 8787;
const devVars = path.join(ROOT, ".dev.vars");
if (!existsSync(devVars)) {
  copyFileSync(path.join(ROOT, ".dev.vars.example"), devVars);
  console.log("Created .dev.vars from .dev.vars.example (local-only secrets).");
}

const base = `http://127.0.0.1:${PORT}`;
console.log(`
Trueup is starting on ${base}
  Health:          curl ${base}/healthz
  Reconciliation:  curl -H "Authorization: Bearer ${DEMO_API_KEY}" ${base}/api/v1/reconciliation
  Demo tenant key: ${DEMO_API_KEY}
  Operator token:  see .dev.vars (OPERATOR_TOKEN)
`);

const child = startWrangler(["dev", "--ip", "127.0.0.1", "--port", String(PORT), "--local"]);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => child.kill(signal));
}
child.on("exit", (code) => process.exit(code ?? 0));
