/**
 * Scheduled work of the PSA surface: every 15 minutes an incremental sync of
 * every connected PSA (ConnectWise may not call back on addition changes and
 * Autotask has no contract webhooks), nightly a full sync; both also recover
 * lost messages. The cron only fans out one message per tenant; the queue
 * consumer does the work (services/psa/maintenance.ts).
 */
import { allDatabases } from "../db/tenant-db.ts";
import type { Env } from "../env.ts";
import { enqueueMaintenance } from "../services/psa/maintenance.ts";
import { CRONS } from "./schedules.ts";

export async function runPsaCron(cron: string, now: Date, env: Env): Promise<void> {
  // Each database holds its own tenants' integrations (db/tenant-db.ts).
  for (const { db } of allDatabases(env)) await enqueueMaintenance(env, db, cron === CRONS.nightly ? "full" : "incremental", now);
}
