/**
 * Scheduled PSA work, fanned out per tenant: the 15-minute (incremental) and
 * nightly (full) crons enqueue one `psa.maintenance` message per tenant with
 * a connected PSA (enqueueMaintenance: one D1 query, sendBatch in chunks of
 * 100); the queue consumer does one tenant's work (runTenantMaintenance), so
 * a slow tenant delays nobody and no invocation walks every tenant. Each
 * (tenant, mode, slot) runs once: the consumer claims the slot in D1 first,
 * so a redelivered or re-sent message does nothing. A tenant's work: fail
 * runs stuck behind a dead-lettered chunk, start a sync per integration,
 * recover webhook deliveries (inbox-replay.ts), re-enqueue stale pending
 * write-backs and release scheduled decisions whose day has come
 * (decision-lifecycle.ts).
 */
import type { Db } from "../../db/client.ts";
import { listStalePendingDecisions, touchDecisionStatement } from "../../db/repos/psa-decisions.ts";
import { listConnectedIntegrations, listTenantsWithConnectedIntegrations, type PsaIntegration } from "../../db/repos/psa-integrations.ts";
import { claimOnce, releaseClaim } from "../../db/repos/psa-leases.ts";
import { listStuckRuns, listSyncRuns } from "../../db/repos/psa-sync-runs.ts";
import type { Env } from "../../env.ts";
import { releaseDueScheduled } from "./decision-lifecycle.ts";
import { replayInbox } from "./inbox-replay.ts";
import { enqueueJob, enqueueJobs, type MaintenanceJob, type SyncMode } from "./jobs.ts";
import { failSyncRun, startSyncRun } from "./sync-runs.ts";

const RUN_OVERLAP_MS = 30 * 60_000;
const STUCK_RUN_MS = 2 * 60 * 60_000;
const STALE_DECISION_MS = 10 * 60_000;

/** How long a slot's claim is kept (then deleted by a later run): longer than any redelivery. */
const CLAIM_KEEP_MS = 2 * 24 * 60 * 60_000;

/** The slot a cron time belongs to: its quarter hour (incremental) or its UTC day (full). */
export function maintenanceSlot(mode: SyncMode, at: Date): string {
  const step = mode === "full" ? 24 * 60 * 60_000 : 15 * 60_000;
  return new Date(Math.floor(at.getTime() / step) * step).toISOString();
}

/** The cron's part: one message per tenant with a connected PSA, idempotent per tenant and slot. */
export async function enqueueMaintenance(env: Env, db: Db, mode: SyncMode, at: Date): Promise<number> {
  const slot = maintenanceSlot(mode, at);
  const tenants = await listTenantsWithConnectedIntegrations(db);
  const jobs: MaintenanceJob[] = tenants.map((tenantId) => ({ kind: "psa.maintenance", id: `psa-maint:${mode}:${slot}:${tenantId}`, tenantId, mode, slot, at: at.toISOString() }));
  await enqueueJobs(env, jobs);
  return jobs.length;
}

/** The consumer's part: one tenant's scheduled work, once per slot. */
export async function runTenantMaintenance(env: Env, db: Db, job: MaintenanceJob, now: Date): Promise<void> {
  const resource = `psa-maintenance:${job.mode}:${job.slot}`;
  if (!(await claimOnce(db, job.tenantId, resource, now, CLAIM_KEEP_MS))) return;
  try {
    const integrations = await listConnectedIntegrations(db, job.tenantId);
    await failStuckRuns(db, job.tenantId, now);
    for (const integration of integrations) await startScheduledSync(env, db, integration, job.mode, now);
    await replayInbox(env, db, job.tenantId, integrations, now);
    await requeueStaleDecisions(env, db, job.tenantId, now);
    // After the stale sweep, so a decision released now is not also re-enqueued as stale.
    await releaseDueScheduled(env, db, job.tenantId, now);
  } catch (error) {
    // Give the slot back so the queue's retry can do the work.
    await releaseClaim(db, job.tenantId, resource);
    throw error;
  }
}

async function startScheduledSync(env: Env, db: Db, integration: PsaIntegration, mode: SyncMode, now: Date): Promise<void> {
  const [latest] = await listSyncRuns(db, integration.tenantId, integration.id, 1);
  // An incremental run does not pile onto one still running; the nightly full run always starts.
  if (mode === "incremental" && latest?.state === "running" && now.getTime() - Date.parse(latest.startedAt) < RUN_OVERLAP_MS) return;
  await startSyncRun(env, db, integration, mode, now);
}

async function failStuckRuns(db: Db, tenantId: string, now: Date): Promise<void> {
  for (const run of await listStuckRuns(db, tenantId, new Date(now.getTime() - STUCK_RUN_MS).toISOString())) {
    await failSyncRun(db, run, now, "run did not complete (a chunk was dead-lettered)");
  }
}

async function requeueStaleDecisions(env: Env, db: Db, tenantId: string, now: Date): Promise<void> {
  for (const d of await listStalePendingDecisions(db, tenantId, new Date(now.getTime() - STALE_DECISION_MS).toISOString())) {
    await touchDecisionStatement(db, tenantId, d.id, now.toISOString());
    await enqueueJob(env, { kind: "psa.writeback", id: d.id, tenantId, decisionId: d.id });
  }
}
