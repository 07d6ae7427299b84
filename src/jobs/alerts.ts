/** `alert.*` messages: deliver one alert by e-mail and webhook, or drain a tenant's undispatched alerts (services/workspace/alert-delivery.ts). */
import { tenantDb } from "../db/tenant-db.ts";
import type { Env } from "../env.ts";
import { ALERT_DISPATCH_JOB, ALERT_JOB, deliverAlert, dispatchAlerts } from "../services/workspace/alert-delivery.ts";
import type { JobMessage, JobOutcome } from "./messages.ts";

export async function handleAlertJob(message: JobMessage, env: Env): Promise<JobOutcome> {
  // The tenant's own database (tenant-db.ts), like every other job.
  const db = tenantDb(env, message.tenantId);
  if (message.kind === ALERT_DISPATCH_JOB) {
    await dispatchAlerts(env, db, message.tenantId, new Date());
    return { ok: true };
  }
  if (message.kind !== ALERT_JOB || typeof message.alertId !== "string") return { ok: false, retryable: false, error: `unknown job kind ${message.kind}` };
  return deliverAlert(env, db, message.tenantId, message.alertId, new Date());
}
