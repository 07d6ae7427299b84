/**
 * Seeds the demo tenant into the local D1 (idempotent upserts): run by
 * `npm run dev` after the local migrations. The demo's agreements are not
 * seeded: they arrive by a real sync from the ConnectWise simulator that
 * `npm run dev` starts (src/db/seed/demo-psa.ts); agreements an older seed
 * wrote directly are retired.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { buildDemoTenantForPsaSync, RETIRE_SEEDED_AGREEMENTS_SQL } from "../src/db/seed/demo-psa.ts";
import { DEMO_API_KEY } from "../src/db/seed/demo-tenant.ts";
import { seedStatements } from "../src/db/seed/seed-sql.ts";
import { ROOT, runWrangler } from "./wrangler.ts";

const keyHash = createHash("sha256").update(DEMO_API_KEY).digest("hex");
const statements = [...seedStatements(buildDemoTenantForPsaSync(new Date(), keyHash)), RETIRE_SEEDED_AGREEMENTS_SQL];
const dir = path.join(ROOT, ".wrangler");
mkdirSync(dir, { recursive: true });
const file = path.join(dir, "seed-demo.sql");
writeFileSync(file, `${statements.join("\n")}\n`);
runWrangler(["d1", "execute", "DB", "--local", `--file=${file}`]);
console.log(`Seeded the demo tenant (${statements.length} statements); its agreements come from the ConnectWise simulator.`);
