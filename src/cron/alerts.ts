/** Every quarter hour: the clock's alert rules and queueing undelivered alerts (services/workspace/alert-cron.ts). */
import { createDb } from "../db/client.ts";
import type { Env } from "../env.ts";
import { runAlertSweep } from "../services/workspace/alert-cron.ts";

export async function runAlertCron(cron: string, now: Date, env: Env, quarterHour: string): Promise<void> {
  if (cron !== quarterHour) return;
  await runAlertSweep(env, createDb(env.DB), now);
}
