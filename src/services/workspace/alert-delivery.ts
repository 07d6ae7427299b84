/**
 * Delivering alerts: queued once per alert after the write that raised it
 * (`dispatchAlerts`), then the `alert.deliver` job sends the e-mail — through
 * the `send_email` binding, or written to the alert_deliveries log when the
 * Worker has none (local development, tests; the demo shows that log) — and
 * POSTs the Standard-Webhooks-signed message, retried through the JOBS queue
 * on a non-2xx answer until MAX_WEBHOOK_ATTEMPTS (then marked failed).
 */
import { emailOf, outboundMessage } from "../../core/workspace/alert-rules.ts";
import { webhookHeaders } from "../../core/workspace/standard-webhooks.ts";
import type { Db } from "../../db/client.ts";
import { claimUndispatched, findAlert, findAlertSettings, recordDelivery, setChannelState, type AlertRow } from "../../db/repos/alerts.ts";
import type { Env } from "../../env.ts";
import type { JobOutcome } from "../../jobs/messages.ts";
import type { AlertView, TestWebhookResponse } from "../../shared/workspace-types.ts";
import { sendInBatches } from "../queue-batches.ts";
import { newId } from "../secrets.ts";
import { loadSettings, type StoredSettings } from "./alert-settings.ts";

export const ALERT_JOB = "alert.deliver";
/** Drains a tenant's undispatched alerts past the first chunk (dispatchAlerts). */
export const ALERT_DISPATCH_JOB = "alert.dispatch";
export const MAX_WEBHOOK_ATTEMPTS = 5;
/** Standard Webhooks recommends 15–30 s. */
const WEBHOOK_TIMEOUT_MS = 15_000;

/** Alerts claimed per call: the request that raised them pays for at most this many. */
export const DISPATCH_CHUNK = 50;

/**
 * Queues delivery of the tenant's newly raised alerts (each once); without any
 * channel set up, nothing is queued. A full chunk means more may wait (a big
 * push raised hundreds): the rest is handed to an `alert.dispatch` job, which
 * drains it a chunk at a time — never left for unrelated later requests (a
 * decision would otherwise claim a push's backlog) or for the cron's one
 * chunk per tenant per tick.
 */
export async function dispatchAlerts(env: Env, db: Db, tenantId: string, now: Date): Promise<number> {
  const settings = await findAlertSettings(db, tenantId);
  const channels = { email: settings !== null && settings.emailRecipients !== "[]", webhook: settings?.webhookUrl != null };
  const ids = await claimUndispatched(db, tenantId, now.toISOString(), DISPATCH_CHUNK, channels);
  const deliveries = channels.email || channels.webhook ? ids.map((alertId) => ({ kind: ALERT_JOB, id: alertId, tenantId, alertId })) : [];
  const more = ids.length === DISPATCH_CHUNK ? [{ kind: ALERT_DISPATCH_JOB, id: `alert-dispatch:${tenantId}:${ids[ids.length - 1]}`, tenantId }] : [];
  if (deliveries.length + more.length > 0) await sendInBatches(env.JOBS, [...deliveries, ...more]);
  return deliveries.length;
}

/** After a write: never fail the caller's request because an alert could not be queued (the cron sweeps it up). */
export async function dispatchAlertsQuietly(env: Env, db: Db, tenantId: string, now: Date): Promise<void> {
  try {
    await dispatchAlerts(env, db, tenantId, now);
  } catch (error) {
    console.error("ALERT_DISPATCH_FAILED", tenantId, error);
  }
}

export function toAlertView(row: AlertRow): AlertView {
  return {
    id: row.id,
    at: row.at,
    rule: row.rule as AlertView["rule"],
    severity: row.severity as AlertView["severity"],
    title: row.title,
    detail: row.detail,
    ...(row.integrationId ? { integrationId: row.integrationId } : {}),
    ...(row.accountId ? { accountId: row.accountId } : {}),
    delivered: { email: row.emailState as AlertView["delivered"]["email"], webhook: row.webhookState as AlertView["delivered"]["webhook"] },
  };
}

export interface PostResult {
  delivered: boolean;
  status: number | null;
  error: string | null;
}

/** One signed POST; only 2xx counts (3xx is a failure: redirects are not followed). */
export async function postSigned(url: string, secret: string, messageId: string, body: string, now: Date): Promise<PostResult> {
  const headers = await webhookHeaders(secret, messageId, Math.floor(now.getTime() / 1000), body);
  try {
    const res = await fetch(url, { method: "POST", headers, body, redirect: "manual", signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS) });
    await res.body?.cancel();
    return { delivered: res.status >= 200 && res.status < 300, status: res.status, error: res.status >= 200 && res.status < 300 ? null : `HTTP ${res.status}` };
  } catch (error) {
    return { delivered: false, status: null, error: error instanceof Error ? error.message : String(error) };
  }
}

async function deliverEmail(env: Env, db: Db, alert: AlertRow, settings: StoredSettings, at: string): Promise<void> {
  if (settings.recipients.length === 0) {
    await setChannelState(db, alert.tenantId, alert.id, "email", "none");
    return;
  }
  const mail = emailOf(alert, null);
  let status: "sent" | "logged" | "failed" = "logged";
  let error: string | null = null;
  if (env.SEND_EMAIL) {
    try {
      if (!env.ALERT_EMAIL_FROM) throw new Error("ALERT_EMAIL_FROM is not set");
      await env.SEND_EMAIL.send({ from: env.ALERT_EMAIL_FROM, to: settings.recipients, subject: mail.subject, text: mail.text });
      status = "sent";
    } catch (e) {
      status = "failed";
      error = e instanceof Error ? e.message : String(e);
    }
  }
  const target = settings.recipients.join(", ");
  await recordDelivery(db, { id: `${alert.id}:email`, tenantId: alert.tenantId, alertId: alert.id, channel: "email", target, status, responseStatus: null, lastError: error, subject: mail.subject, body: mail.text, at });
  await setChannelState(db, alert.tenantId, alert.id, "email", status);
}

/** The `alert.deliver` job: idempotent per channel (a channel no longer pending is left alone). */
export async function deliverAlert(env: Env, db: Db, tenantId: string, alertId: string, now: Date): Promise<JobOutcome> {
  const alert = await findAlert(db, tenantId, alertId);
  if (!alert) return { ok: true };
  const settings = await loadSettings(env, db, tenantId);
  const at = now.toISOString();
  if (alert.emailState === "pending") await deliverEmail(env, db, alert, settings, at);
  if (alert.webhookState !== "pending") return { ok: true };
  if (!settings.webhookUrl || !settings.webhookSecret) {
    await setChannelState(db, tenantId, alertId, "webhook", "none");
    return { ok: true };
  }
  const body = JSON.stringify(outboundMessage(toAlertView(alert), null));
  const result = await postSigned(settings.webhookUrl, settings.webhookSecret, alert.id, body, now);
  const status = result.delivered ? "sent" : "failed";
  const attempts = await recordDelivery(db, {
    id: `${alert.id}:webhook`, tenantId, alertId, channel: "webhook", target: settings.webhookUrl, status, responseStatus: result.status, lastError: result.error, subject: alert.title, body, at,
  });
  if (result.delivered || attempts >= MAX_WEBHOOK_ATTEMPTS) {
    await setChannelState(db, tenantId, alertId, "webhook", status);
    return { ok: true };
  }
  return { ok: false, retryable: true, error: `alert webhook: ${result.error ?? "failed"}` };
}

/** The settings page's test button: one signed POST of a sample alert, answered at once (not queued). */
export async function sendTestWebhook(env: Env, db: Db, tenantId: string, now: Date): Promise<TestWebhookResponse> {
  const settings = await loadSettings(env, db, tenantId);
  if (!settings.webhookUrl || !settings.webhookSecret) return { delivered: false, status: null, error: "No webhook URL is set" };
  const id = newId("msg");
  const sample = { id, at: now.toISOString(), rule: "sync-failed" as const, severity: "info" as const, title: "Test alert from Trueup", detail: "If you can read this, alerts reach this channel." };
  const body = JSON.stringify(outboundMessage(sample, null));
  const result = await postSigned(settings.webhookUrl, settings.webhookSecret, id, body, now);
  await recordDelivery(db, {
    id: newId("dlv"), tenantId, alertId: null, channel: "webhook", target: settings.webhookUrl, status: result.delivered ? "sent" : "failed",
    responseStatus: result.status, lastError: result.error, subject: sample.title, body, at: sample.at,
  });
  return { delivered: result.delivered, status: result.status, ...(result.error ? { error: result.error } : {}) };
}
