/**
 * Scheduled work of the usage-ingestion surface: nightly, the cron only fans
 * out one `ingest.nightly` message per tenant; the queue consumer queues that
 * tenant's pulls due today and its auto-matching (services/ingest/schedule.ts).
 */
import type { Env } from "../env.ts";
import { enqueueNightlyIngest } from "../services/ingest/schedule.ts";
import { CRONS } from "./schedules.ts";

export async function runIngestCron(cron: string, now: Date, env: Env): Promise<void> {
  if (cron !== CRONS.nightly) return;
  await enqueueNightlyIngest(env, now);
}
