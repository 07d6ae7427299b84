/** `alert.*` messages: deliver one alert by e-mail and webhook (services/workspace/alert-delivery.ts). */
import { createDb } from "../db/client.ts";
import type { Env } from "../env.ts";
import { ALERT_JOB, deliverAlert } from "../services/workspace/alert-delivery.ts";
import type { JobOutcome } from "./messages.ts";
import type { JobMessage } from "./messages.ts";

export async function handleAlertJob(message: JobMessage, env: Env): Promise<JobOutcome> {
  if (message.kind !== ALERT_JOB || typeof message.alertId !== "string") return { ok: false, retryable: false, error: `unknown job kind ${message.kind}` };
  return deliverAlert(env, createDb(env.DB), message.tenantId, message.alertId, new Date());
}
