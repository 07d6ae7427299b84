/**
 * The PSA surface's queue messages (`psa.*`) and how they are sent. Every
 * message id is its idempotency key (Queues deliver at least once); a sync
 * chunk carries the records it needs, kept well under the 128 KB message
 * limit, and batches are split under the 256 KB / 100-message sendBatch
 * limits (reliability-and-security.md §3).
 */
import type { AtContract, AtFields } from "../../core/psa/at-records.ts";
import type { AgreementRecord } from "../../core/psa/records.ts";
import type { Env } from "../../env.ts";

export type SyncMode = "full" | "incremental";

export type CwChunk = { psa: "connectwise"; agreements: AgreementRecord[]; deltaAgreementIds: string[]; since: string | null };
export type AtChunk = { psa: "autotask"; contracts: AtContract[]; fields: AtFields };

export type SyncJob = { kind: "psa.sync"; id: string; tenantId: string; integrationId: string; runId: string };
export type SyncChunkJob = { kind: "psa.sync-chunk"; id: string; tenantId: string; integrationId: string; runId: string; chunk: number; payload: CwChunk | AtChunk };
export type CallbackJob = { kind: "psa.cw-callback" | "psa.at-event"; id: string; tenantId: string; inboxId: string };
export type WritebackJob = { kind: "psa.writeback"; id: string; tenantId: string; decisionId: string };
/** One tenant's scheduled work for a cron slot (maintenance.ts); `at` is the cron's scheduled time. */
export type MaintenanceJob = { kind: "psa.maintenance"; id: string; tenantId: string; mode: SyncMode; slot: string; at: string };
export type PsaJob = SyncJob | SyncChunkJob | CallbackJob | WritebackJob | MaintenanceJob;

/** Hands work that may outlive the response to the runtime (the route passes ctx.waitUntil). */
export type Defer = (work: Promise<unknown>) => void;

const MAX_BATCH_MESSAGES = 100;
const MAX_BATCH_BYTES = 200_000;

export async function enqueueJob(env: Env, job: PsaJob, delaySeconds?: number): Promise<void> {
  await env.JOBS.send(job, delaySeconds === undefined ? undefined : { delaySeconds: Math.max(0, Math.min(Math.ceil(delaySeconds), 43_200)) });
}

export async function enqueueJobs(env: Env, jobs: readonly PsaJob[]): Promise<void> {
  let batch: Array<{ body: PsaJob }> = [];
  let bytes = 0;
  for (const job of jobs) {
    const size = JSON.stringify(job).length;
    if (batch.length > 0 && (batch.length >= MAX_BATCH_MESSAGES || bytes + size > MAX_BATCH_BYTES)) {
      await env.JOBS.sendBatch(batch);
      batch = [];
      bytes = 0;
    }
    batch.push({ body: job });
    bytes += size;
  }
  if (batch.length > 0) await env.JOBS.sendBatch(batch);
}

/** Splits a list into consecutive groups of at most `size`. */
export function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
