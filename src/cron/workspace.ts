/**
 * Every quarter hour, for the workspace: the clock's alert rules and queueing
 * undelivered alerts (services/workspace/alert-cron.ts), and the current
 * month's money snapshot for the 12-month chart (services/workspace/summary.ts).
 */
import { createDb } from "../db/client.ts";
import type { Env } from "../env.ts";
import { runAlertSweep } from "../services/workspace/alert-cron.ts";
import { snapshotCurrentMonth } from "../services/workspace/summary.ts";

export async function runWorkspaceCron(cron: string, now: Date, env: Env, quarterHour: string): Promise<void> {
  if (cron !== quarterHour) return;
  const db = createDb(env.DB);
  await Promise.allSettled([runAlertSweep(env, db, now), snapshotCurrentMonth(db, now)]).then((results) => {
    for (const r of results) if (r.status === "rejected") console.error("WORKSPACE_CRON_FAILED", r.reason);
  });
}
