/**
 * Cron Triggers (UTC, wrangler.toml): each surface decides what a schedule
 * means for it. Crons don't fire by themselves in `wrangler dev`; hit
 * /cdn-cgi/handler/scheduled?cron=… to run one.
 */
import type { Env } from "../env.ts";
import { runWorkspaceCron } from "./workspace.ts";
import { runIngestCron } from "./ingest.ts";
import { runPsaCron } from "./psa.ts";
import { runReconCron } from "./recon.ts";

import { CRONS } from "./schedules.ts";

export { CRONS };

export async function handleScheduled(controller: ScheduledController, env: Env): Promise<void> {
  const now = new Date(controller.scheduledTime);
  const results = await Promise.allSettled([
    runPsaCron(controller.cron, now, env),
    runIngestCron(controller.cron, now, env),
    runReconCron(controller.cron, now, env),
    runWorkspaceCron(controller.cron, now, env, CRONS.quarterHour),
  ]);
  for (const result of results) {
    if (result.status === "rejected") console.error("cron failed", controller.cron, result.reason);
  }
}
