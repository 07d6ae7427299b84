/**
 * Queue consumer: routes each message to the surface that owns its kind and
 * acks or retries it individually (one failure must not replay the batch).
 * Retries back off exponentially; after max_retries Cloudflare moves the
 * message to the dead-letter queue, whose consumer records it in D1 so it is
 * never silently lost.
 */
import { tenantDb } from "../db/tenant-db.ts";
import type { Env } from "../env.ts";
import { dispatchAlertsQuietly } from "../services/workspace/alert-delivery.ts";
import { handleAlertJob } from "./alerts.ts";
import { handleIngestJob } from "./ingest.ts";
import type { JobMessage, JobOutcome } from "./messages.ts";
import { handlePsaJob } from "./psa.ts";
import { handleReconJob } from "./recon.ts";
import { settleQuietly } from "../services/recon/settle.ts";
import { deadLetterTenant, recordDeadLetter } from "./dead-letter.ts";

export const DLQ_NAME = "trueup-jobs-dlq";

async function dispatch(message: JobMessage, env: Env): Promise<JobOutcome> {
  if (message.kind.startsWith("ingest.")) return handleIngestJob(message, env);
  if (message.kind.startsWith("psa.")) return handlePsaJob(message, env);
  if (message.kind.startsWith("recon.")) return handleReconJob(message, env);
  if (message.kind.startsWith("alert.")) return handleAlertJob(message, env);
  return { ok: false, retryable: false, error: `unknown job kind ${message.kind}` };
}

/** A dead letter is kept with its tenant's data; a message without a tenant goes to the home database. */
function deadLetterDb(env: Env, body: unknown) {
  return tenantDb(env, deadLetterTenant(body) ?? "");
}

/**
 * The dead-letter queue's consumer: Cloudflare delivers here what exhausted
 * max_retries on the JOBS queue (wrangler.toml). Each message is recorded
 * (once, however often it is redelivered) and acked; the tenants' alerts
 * are then queued for delivery.
 */
async function recordDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const tenants = new Set<string>();
  for (const message of batch.messages) {
    await recordDeadLetter(deadLetterDb(env, message.body), { body: message.body, attempts: message.attempts, queueMessageId: message.id }, "exhausted max_retries on the jobs queue");
    message.ack();
    const tenantId = deadLetterTenant(message.body);
    if (tenantId) tenants.add(tenantId);
  }
  for (const tenantId of tenants) await dispatchAlertsQuietly(env, tenantDb(env, tenantId), tenantId, new Date());
}

export async function handleQueue(batch: MessageBatch<JobMessage>, env: Env): Promise<void> {
  if (batch.queue === DLQ_NAME) return recordDeadLetters(batch, env);
  for (const message of batch.messages) {
    let outcome: JobOutcome;
    try {
      outcome = await dispatch(message.body, env);
    } catch (error) {
      outcome = { ok: false, retryable: true, error: error instanceof Error ? error.message : String(error) };
    }
    if (outcome.ok) {
      // What the job changed marked reconciliation scopes dirty: bring them up to date.
      if (!message.body.kind.startsWith("recon.") && !message.body.kind.startsWith("alert.")) {
        await settleQuietly(env, tenantDb(env, message.body.tenantId), message.body.tenantId, new Date());
        // Alerts the job raised (a failed write-back, a count jump from a pull) are queued for delivery.
        await dispatchAlertsQuietly(env, tenantDb(env, message.body.tenantId), message.body.tenantId, new Date());
      }
      message.ack();
    } else if (outcome.retryable) {
      console.warn("job retry", message.body.kind, message.body.id, outcome.error);
      message.retry({ delaySeconds: Math.min(2 ** message.attempts, 300) });
    } else {
      console.error("job failed permanently", message.body.kind, message.body.id, outcome.error);
      await recordDeadLetter(deadLetterDb(env, message.body), { body: message.body, attempts: message.attempts, queueMessageId: message.id }, outcome.error);
      message.ack();
      const tenantId = deadLetterTenant(message.body);
      if (tenantId) await dispatchAlertsQuietly(env, tenantDb(env, tenantId), tenantId, new Date());
    }
  }
}
