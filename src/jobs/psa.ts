/**
 * Background jobs of the PSA sync and write-back surface (`psa.*`): sync runs
 * and their chunks, fetch-on-notify for recorded callbacks/webhooks,
 * decision write-backs, one tenant's scheduled maintenance, and the poll an
 * Autotask SequenceNumber gap asks for. Messages are checked before use; PSA failures map to
 * the consumer's outcomes — 429 is re-enqueued after its Retry-After (the
 * consumer's own backoff does not know it), 5xx/timeouts and D1 hiccups are
 * retried with backoff, other 4xx are permanent (dead-lettered with the PSA's
 * reason). Every handler is idempotent: Queues deliver at least once.
 */
import { z } from "zod";
import { tenantDb } from "../db/tenant-db.ts";
import type { Env } from "../env.ts";
import { PsaHttpError } from "../services/psa/http.ts";
import { enqueueJob, type PsaJob } from "../services/psa/jobs.ts";
import { runGapPollJob } from "../services/psa/gap-poll.ts";
import { runTenantMaintenance } from "../services/psa/maintenance.ts";
import { runNotifyJob } from "../services/psa/notify-jobs.ts";
import { runSyncChunkJob, runSyncJob } from "../services/psa/sync-jobs.ts";
import { runWritebackJob } from "../services/psa/writeback.ts";
import type { JobMessage, JobOutcome } from "./messages.ts";

const base = { id: z.string().min(1), tenantId: z.string().min(1) };
const jobSchema = z.discriminatedUnion("kind", [
  z.looseObject({ kind: z.literal("psa.sync"), ...base, integrationId: z.string(), runId: z.string() }),
  z.looseObject({ kind: z.literal("psa.sync-chunk"), ...base, integrationId: z.string(), runId: z.string(), chunk: z.number().int(), payload: z.looseObject({ psa: z.enum(["connectwise", "autotask"]) }) }),
  z.looseObject({ kind: z.enum(["psa.cw-callback", "psa.at-event"]), ...base, inboxId: z.string() }),
  z.looseObject({ kind: z.literal("psa.writeback"), ...base, decisionId: z.string() }),
  z.looseObject({ kind: z.literal("psa.maintenance"), ...base, mode: z.enum(["full", "incremental"]), slot: z.iso.datetime(), at: z.iso.datetime() }),
  z.looseObject({ kind: z.literal("psa.gap-poll"), ...base, integrationId: z.string().min(1), window: z.iso.datetime(), gapAt: z.iso.datetime(), reason: z.string() }),
]);

async function run(job: PsaJob, env: Env): Promise<void> {
  const db = tenantDb(env, job.tenantId);
  const now = new Date();
  switch (job.kind) {
    case "psa.sync":
      return runSyncJob(env, db, job, now);
    case "psa.sync-chunk":
      return runSyncChunkJob(env, db, job, now);
    case "psa.cw-callback":
    case "psa.at-event":
      return runNotifyJob(env, db, job, now);
    case "psa.writeback":
      return runWritebackJob(env, db, job, () => new Date());
    case "psa.maintenance":
      // Not before the cron's scheduled time (a message is never early; a late one uses its own clock).
      return runTenantMaintenance(env, db, job, new Date(Math.max(now.getTime(), Date.parse(job.at))));
    case "psa.gap-poll":
      return runGapPollJob(env, db, job, now);
  }
}

export async function handlePsaJob(message: JobMessage, env: Env): Promise<JobOutcome> {
  const parsed = jobSchema.safeParse(message);
  if (!parsed.success) return { ok: false, retryable: false, error: `malformed ${message.kind} message: ${parsed.error.message}` };
  const job = parsed.data as PsaJob;
  try {
    await run(job, env);
    return { ok: true };
  } catch (error) {
    if (error instanceof PsaHttpError && error.failure === "throttled") {
      await enqueueJob(env, job, error.retryAfterSeconds ?? 60);
      return { ok: true };
    }
    const retryable = !(error instanceof PsaHttpError) || error.failure === "transient";
    return { ok: false, retryable, error: error instanceof Error ? error.message : String(error) };
  }
}
