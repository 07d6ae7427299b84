/**
 * Queue jobs of a sync run: `psa.sync` lists the PSA and fans out chunks;
 * `psa.sync-chunk` re-reads one chunk and counts it; the chunk that
 * completes the run moves the integration's cursor. Both are idempotent: a
 * finished run ignores late messages, a redelivered chunk is counted once.
 * A PSA refusal (4xx) fails the run with the PSA's reason, which the
 * integration shows as lastSyncError; other failures are retried.
 */
import { IncompleteListingError } from "../../core/psa/listing-guard.ts";
import { toIsoDate } from "../../core/shared/dates.ts";
import type { Db } from "../../db/client.ts";
import { findIntegration, type PsaIntegration } from "../../db/repos/psa-integrations.ts";
import { runGroupedBatches, type SyncStamp } from "../../db/repos/psa-records.ts";
import { completeChunk, findSyncRun, setChunksTotal, type SyncRun } from "../../db/repos/psa-sync-runs.ts";
import type { Env } from "../../env.ts";
import { openConnection } from "./connection.ts";
import { PsaHttpError } from "./http.ts";
import { enqueueJobs, type SyncChunkJob, type SyncJob } from "./jobs.ts";
import { listAtRun, syncAtChunk } from "./sync-at.ts";
import { listCwRun, syncCwChunk } from "./sync-cw.ts";
import { failSyncRun, finishSyncRun, raiseRunAlert } from "./sync-runs.ts";

export function syncStamp(integration: PsaIntegration, now: Date): SyncStamp {
  return { tenantId: integration.tenantId, integrationId: integration.id, psa: integration.kind as SyncStamp["psa"], at: now.toISOString(), today: toIsoDate(now) };
}

async function loadRunning(db: Db, tenantId: string, runId: string, integrationId: string): Promise<{ run: SyncRun; integration: PsaIntegration } | null> {
  const run = await findSyncRun(db, tenantId, runId);
  if (!run || run.state !== "running") return null;
  const integration = await findIntegration(db, tenantId, integrationId);
  if (!integration || integration.status === "disconnected") {
    await failSyncRun(db, run, new Date(), "integration disconnected");
    return null;
  }
  return { run, integration };
}

/**
 * A PSA refusal (bad credentials, missing rights) or an incomplete listing
 * (paging link to another host, fewer records than the PSA counts) fails the
 * run at once with the reason — nothing is cancelled; anything else is retried.
 */
async function failRunOnRefusal(db: Db, run: SyncRun, now: Date, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if ((error instanceof PsaHttpError && error.failure === "rejected") || error instanceof IncompleteListingError) {
      await failSyncRun(db, run, now, error.message);
      return;
    }
    throw error;
  }
}

export async function runSyncJob(env: Env, db: Db, job: SyncJob, now: Date): Promise<void> {
  const loaded = await loadRunning(db, job.tenantId, job.runId, job.integrationId);
  if (loaded) await failRunOnRefusal(db, loaded.run, now, () => listRun(env, db, job, loaded, now));
}

async function listRun(env: Env, db: Db, job: SyncJob, loaded: { run: SyncRun; integration: PsaIntegration }, now: Date): Promise<void> {
  const conn = await openConnection(env, db, loaded.integration);
  const stamp = syncStamp(loaded.integration, now);
  const listing = conn.kind === "connectwise" ? await listCwRun(db, conn.client, stamp, loaded.run.since) : await listAtRun(db, conn.client, stamp);
  await runGroupedBatches(db, listing.statements.map((s) => [s]));
  if (listing.alert) await raiseRunAlert(db, loaded.run, now, listing.alert);
  await setChunksTotal(db, job.tenantId, job.runId, listing.chunks.length, conn.calls());
  if (listing.chunks.length === 0) {
    await finishSyncRun(db, { ...loaded.run, error: listing.alert ?? loaded.run.error }, now);
    return;
  }
  const chunks: SyncChunkJob[] = listing.chunks.map((payload, chunk) => ({
    kind: "psa.sync-chunk",
    id: `${job.runId}:${chunk}`,
    tenantId: job.tenantId,
    integrationId: job.integrationId,
    runId: job.runId,
    chunk,
    payload,
  }));
  await enqueueJobs(env, chunks);
}

export async function runSyncChunkJob(env: Env, db: Db, job: SyncChunkJob, now: Date): Promise<void> {
  const loaded = await loadRunning(db, job.tenantId, job.runId, job.integrationId);
  if (loaded) await failRunOnRefusal(db, loaded.run, now, () => syncChunk(env, db, job, loaded, now));
}

async function syncChunk(env: Env, db: Db, job: SyncChunkJob, loaded: { run: SyncRun; integration: PsaIntegration }, now: Date): Promise<void> {
  const conn = await openConnection(env, db, loaded.integration);
  const stamp = syncStamp(loaded.integration, now);
  const tally =
    conn.kind === "connectwise" && job.payload.psa === "connectwise"
      ? await syncCwChunk(db, conn.client, stamp, job.payload)
      : conn.kind === "autotask" && job.payload.psa === "autotask"
        ? await syncAtChunk(db, conn.client, stamp, job.payload)
        : { agreements: 0, lines: 0 };
  const last = await completeChunk(db, job.tenantId, job.runId, job.chunk, { ...tally, psaCalls: conn.calls() }, now.toISOString());
  if (last) await finishSyncRun(db, loaded.run, now);
}
