/**
 * Scheduled work of the PSA surface: every 15 minutes an incremental sync of
 * every connected PSA (ConnectWise may not call back on addition changes and
 * Autotask has no contract webhooks), nightly a full sync; both also recover
 * lost messages (services/psa/maintenance.ts).
 */
import { allDatabases } from "../db/tenant-db.ts";
import type { Env } from "../env.ts";
import { runPsaMaintenance } from "../services/psa/maintenance.ts";

const NIGHTLY = "0 3 * * *";

export async function runPsaCron(cron: string, now: Date, env: Env): Promise<void> {
  // Each database holds its own tenants' integrations (db/tenant-db.ts).
  for (const { db } of allDatabases(env)) await runPsaMaintenance(env, db, cron === NIGHTLY ? "full" : "incremental", now);
}
