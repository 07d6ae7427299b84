/**
 * Sync runs: one row per full or incremental sync, fanned out over queue
 * chunks. Chunk completions are counted with one atomic UPDATE … RETURNING,
 * so exactly one chunk sees the run complete and moves the cursor.
 */
import { and, desc, eq, lt, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { psaSyncChunks, psaSyncRuns } from "../schema.ts";

export type SyncRun = typeof psaSyncRuns.$inferSelect;

export function insertSyncRunStatement(db: Db, run: typeof psaSyncRuns.$inferInsert) {
  return db.insert(psaSyncRuns).values(run);
}

export async function findSyncRun(db: Db, tenantId: string, id: string): Promise<SyncRun | null> {
  const rows = await db
    .select()
    .from(psaSyncRuns)
    .where(and(eq(psaSyncRuns.tenantId, tenantId), eq(psaSyncRuns.id, id)))
    .limit(1);
  return rows[0] ?? null;
}

export async function listSyncRuns(db: Db, tenantId: string, integrationId: string, limit = 10): Promise<SyncRun[]> {
  return db
    .select()
    .from(psaSyncRuns)
    .where(and(eq(psaSyncRuns.tenantId, tenantId), eq(psaSyncRuns.integrationId, integrationId)))
    .orderBy(desc(psaSyncRuns.startedAt))
    .limit(limit);
}

/** Before the chunks are enqueued: how many there are, and the calls the listing itself made. */
export async function setChunksTotal(db: Db, tenantId: string, id: string, chunksTotal: number, listCalls: number): Promise<void> {
  await db
    .update(psaSyncRuns)
    .set({ chunksTotal, psaCalls: listCalls })
    .where(and(eq(psaSyncRuns.tenantId, tenantId), eq(psaSyncRuns.id, id)));
}

export interface ChunkTally {
  agreements: number;
  lines: number;
  psaCalls: number;
}

/**
 * Records a finished chunk (once, however often it is redelivered) and
 * recounts the run from its chunks; true when the run has every chunk.
 */
export async function completeChunk(db: Db, tenantId: string, runId: string, chunk: number, tally: ChunkTally, at: string): Promise<boolean> {
  const sum = (column: string) => sql.raw(`(SELECT COALESCE(SUM(${column}), 0) FROM psa_sync_chunks c WHERE c.tenant_id = psa_sync_runs.tenant_id AND c.run_id = psa_sync_runs.id)`);
  const [, rows] = await db.batch([
    db
      .insert(psaSyncChunks)
      .values({ id: `${runId}:${chunk}`, tenantId, runId, chunk, ...tally, finishedAt: at })
      .onConflictDoNothing(),
    db
      .update(psaSyncRuns)
      .set({
        chunksDone: sql.raw("(SELECT COUNT(*) FROM psa_sync_chunks c WHERE c.tenant_id = psa_sync_runs.tenant_id AND c.run_id = psa_sync_runs.id)"),
        agreements: sum("agreements"),
        lines: sum("lines"),
      })
      .where(and(eq(psaSyncRuns.tenantId, tenantId), eq(psaSyncRuns.id, runId), eq(psaSyncRuns.state, "running")))
      .returning({ done: psaSyncRuns.chunksDone, total: psaSyncRuns.chunksTotal }),
  ]);
  const row = rows[0];
  return row !== undefined && row.done >= row.total;
}

/** An alert raised while the run goes on (e.g. cancellations held back); kept when it finishes. */
export function setRunAlertStatement(db: Db, tenantId: string, id: string, alert: string) {
  return db
    .update(psaSyncRuns)
    .set({ error: alert })
    .where(and(eq(psaSyncRuns.tenantId, tenantId), eq(psaSyncRuns.id, id), eq(psaSyncRuns.state, "running")));
}

/** `error` undefined keeps an alert set while the run went on. */
export function finishSyncRunStatement(db: Db, tenantId: string, id: string, state: "done" | "failed", at: string, error?: string | null) {
  return db
    .update(psaSyncRuns)
    .set(error === undefined ? { state, finishedAt: at } : { state, finishedAt: at, error })
    .where(and(eq(psaSyncRuns.tenantId, tenantId), eq(psaSyncRuns.id, id), eq(psaSyncRuns.state, "running")));
}

/** Runs still `running` that started before `before` (a chunk was dead-lettered). */
/** PSA calls of a run: the listing's plus every finished chunk's. */
export async function countRunCalls(db: Db, tenantId: string, run: SyncRun): Promise<number> {
  const rows = await db
    .select({ calls: sql<number>`COALESCE(SUM(${psaSyncChunks.psaCalls}), 0)` })
    .from(psaSyncChunks)
    .where(and(eq(psaSyncChunks.tenantId, tenantId), eq(psaSyncChunks.runId, run.id)));
  return run.psaCalls + Number(rows[0]?.calls ?? 0);
}

export async function listStuckRuns(db: Db, tenantId: string, before: string): Promise<SyncRun[]> {
  return db
    .select()
    .from(psaSyncRuns)
    .where(and(eq(psaSyncRuns.tenantId, tenantId), eq(psaSyncRuns.state, "running"), lt(psaSyncRuns.startedAt, before)));
}
