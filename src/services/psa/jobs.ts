/**
 * The PSA surface's queue messages (`psa.*`) and how they are sent. Every
 * message id is its idempotency key (Queues deliver at least once); a sync
 * chunk carries the records it needs, kept well under the 128 KB message
 * limit; many messages go out through sendInBatches (../queue-batches.ts).
 */
import type { AtContract, AtFields } from "../../core/psa/at-records.ts";
import type { AgreementRecord } from "../../core/psa/records.ts";
import type { Env } from "../../env.ts";
import { sendInBatches } from "../queue-batches.ts";

export type SyncMode = "full" | "incremental";

export type CwChunk = { psa: "connectwise"; agreements: AgreementRecord[]; deltaAgreementIds: string[]; since: string | null };
export type AtChunk = { psa: "autotask"; contracts: AtContract[]; fields: AtFields };

export type SyncJob = { kind: "psa.sync"; id: string; tenantId: string; integrationId: string; runId: string };
export type SyncChunkJob = { kind: "psa.sync-chunk"; id: string; tenantId: string; integrationId: string; runId: string; chunk: number; payload: CwChunk | AtChunk };
export type CallbackJob = { kind: "psa.cw-callback" | "psa.at-event"; id: string; tenantId: string; inboxId: string };
export type WritebackJob = { kind: "psa.writeback"; id: string; tenantId: string; decisionId: string };
/** One tenant's scheduled work for a cron slot (maintenance.ts); `at` is the cron's scheduled time. */
export type MaintenanceJob = { kind: "psa.maintenance"; id: string; tenantId: string; mode: SyncMode; slot: string; at: string };
/** An immediate incremental sync after an Autotask SequenceNumber gap (gap-poll.ts); the id is per integration and window. */
export type GapPollJob = { kind: "psa.gap-poll"; id: string; tenantId: string; integrationId: string; window: string; gapAt: string; reason: string };
export type PsaJob = SyncJob | SyncChunkJob | CallbackJob | WritebackJob | MaintenanceJob | GapPollJob;

/** Hands work that may outlive the response to the runtime (the route passes ctx.waitUntil). */
export type Defer = (work: Promise<unknown>) => void;

export async function enqueueJob(env: Env, job: PsaJob, delaySeconds?: number): Promise<void> {
  await env.JOBS.send(job, delaySeconds === undefined ? undefined : { delaySeconds: Math.max(0, Math.min(Math.ceil(delaySeconds), 43_200)) });
}

export async function enqueueJobs(env: Env, jobs: readonly PsaJob[]): Promise<void> {
  await sendInBatches(env.JOBS, jobs);
}

/** Splits a list into consecutive groups of at most `size`. */
export function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
