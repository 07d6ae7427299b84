/**
 * Seeds the demo tenant into the local D1 (idempotent upserts): run by
 * `npm run dev` after the local migrations. The demo's agreements are not
 * seeded: they arrive by a real sync from the ConnectWise simulator that
 * `npm run dev` starts (src/db/seed/demo-psa.ts); agreements an older seed
 * wrote directly are retired. Also the chart's demo months. Prints one line.
 */
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { buildDemoTenantForPsaSync, RETIRE_SEEDED_AGREEMENTS_SQL } from "../src/db/seed/demo-psa.ts";
import { DEMO_API_KEY } from "../src/db/seed/demo-tenant.ts";
import { demoMonthTotalsSql } from "../src/db/seed/demo-month-totals.ts";
import { seedStatements } from "../src/db/seed/seed-sql.ts";
import { ROOT, runWranglerQuiet } from "./wrangler.ts";

const keyHash = createHash("sha256").update(DEMO_API_KEY).digest("hex");
const now = new Date();
// The workspace chart's earlier months are demo data (labelled so); real months accumulate from the cron's snapshots.
const statements = [...seedStatements(buildDemoTenantForPsaSync(now, keyHash)), RETIRE_SEEDED_AGREEMENTS_SQL, ...demoMonthTotalsSql(now)];
const dir = path.join(ROOT, ".wrangler");
mkdirSync(dir, { recursive: true });
const file = path.join(dir, "seed-demo.sql");
writeFileSync(file, `${statements.join("\n")}\n`);
runWranglerQuiet(["d1", "execute", "DB", "--local", `--file=${file}`]);
console.log(`Seeded the demo tenant (${statements.length} statements); its agreements come from the ConnectWise simulator.`);
