/** Scheduled work of the usage-ingestion surface: nightly, queue the day's vendor pulls and auto-matching. */
import type { Env } from "../env.ts";
import { queueScheduledIngest } from "../services/ingest/schedule.ts";
import { CRONS } from "./schedules.ts";

export async function runIngestCron(cron: string, now: Date, env: Env): Promise<void> {
  if (cron !== CRONS.nightly) return;
  await queueScheduledIngest(env, now);
}
