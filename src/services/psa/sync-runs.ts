/**
 * Sync runs: start one (a `psa.sync` job lists the PSA's agreements and fans
 * out chunk jobs), and finish it (moving the integration's cursor). The
 * incremental cursor is the run's start minus a skew margin, so a record
 * changed while a run was listing is read again next time rather than missed.
 */
import type { Db } from "../../db/client.ts";
import type { PsaIntegration } from "../../db/repos/psa-integrations.ts";
import { updateIntegrationStatement } from "../../db/repos/psa-integrations.ts";
import { finishSyncRunStatement, insertSyncRunStatement, setRunAlertStatement, type SyncRun } from "../../db/repos/psa-sync-runs.ts";
import type { Env } from "../../env.ts";
import { newId } from "../secrets.ts";
import { enqueueJob, type SyncMode } from "./jobs.ts";

const CURSOR_SKEW_MS = 2 * 60_000;

export interface StartedRun {
  runId: string;
  mode: SyncMode;
}

export async function startSyncRun(env: Env, db: Db, integration: PsaIntegration, requested: SyncMode, now: Date): Promise<StartedRun> {
  const since = requested === "incremental" ? (integration.lastIncrementalSyncAt ?? integration.lastFullSyncAt) : null;
  const mode: SyncMode = since ? "incremental" : "full";
  const runId = newId("syn");
  await insertSyncRunStatement(db, {
    id: runId,
    tenantId: integration.tenantId,
    integrationId: integration.id,
    mode,
    state: "running",
    since,
    startedAt: now.toISOString(),
  });
  await enqueueJob(env, { kind: "psa.sync", id: runId, tenantId: integration.tenantId, integrationId: integration.id, runId });
  return { runId, mode };
}

/**
 * Marks the run done and moves the integration's cursors, in one batch. An
 * alert the run raised (run.error, e.g. cancellations held back) stays on
 * the run and becomes the integration's lastSyncError, so it stays visible.
 */
export async function finishSyncRun(db: Db, run: SyncRun, at: Date): Promise<void> {
  const cursor = new Date(Date.parse(run.startedAt) - CURSOR_SKEW_MS).toISOString();
  const lastSyncError = run.error ?? null;
  const patch = run.mode === "full" ? { lastFullSyncAt: run.startedAt, lastIncrementalSyncAt: cursor, lastSyncError } : { lastIncrementalSyncAt: cursor, lastSyncError };
  await db.batch([
    finishSyncRunStatement(db, run.tenantId, run.id, "done", at.toISOString()),
    updateIntegrationStatement(db, run.tenantId, run.integrationId, { ...patch, updatedAt: at.toISOString() }),
  ]);
}

/** Records an alert on a running run and shows it on the integration at once. */
export async function raiseRunAlert(db: Db, run: SyncRun, at: Date, alert: string): Promise<void> {
  await db.batch([
    setRunAlertStatement(db, run.tenantId, run.id, alert),
    updateIntegrationStatement(db, run.tenantId, run.integrationId, { lastSyncError: alert, updatedAt: at.toISOString() }),
  ]);
}

export async function failSyncRun(db: Db, run: SyncRun, at: Date, error: string): Promise<void> {
  await db.batch([
    finishSyncRunStatement(db, run.tenantId, run.id, "failed", at.toISOString(), error),
    updateIntegrationStatement(db, run.tenantId, run.integrationId, { lastSyncError: error, updatedAt: at.toISOString() }),
  ]);
}
