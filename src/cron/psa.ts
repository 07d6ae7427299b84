/**
 * Scheduled work of the PSA surface: every 15 minutes an incremental sync of
 * every connected PSA (ConnectWise may not call back on addition changes and
 * Autotask has no contract webhooks), nightly a full sync; both also recover
 * lost messages. The cron only fans out one message per tenant; the queue
 * consumer does the work (services/psa/maintenance.ts).
 */
import { createDb } from "../db/client.ts";
import type { Env } from "../env.ts";
import { enqueueMaintenance } from "../services/psa/maintenance.ts";
import { CRONS } from "./schedules.ts";

export async function runPsaCron(cron: string, now: Date, env: Env): Promise<void> {
  await enqueueMaintenance(env, createDb(env.DB), cron === CRONS.nightly ? "full" : "incremental", now);
}
