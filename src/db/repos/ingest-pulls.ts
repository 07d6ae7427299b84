/**
 * Pull runs (Pax8, Liongard): one row per scheduled day or "sync now", claimed
 * atomically by the queue consumer (Queues deliver at least once, so a second
 * delivery of a run that is running or done finds nothing to claim).
 */
import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { ingestPullRuns, vendorIntegrations } from "../schema.ts";
import { appliedCountSql, loggedCountSql } from "./ingest-ledger.ts";

export type PullRunRow = typeof ingestPullRuns.$inferSelect;

export function insertRunStatement(db: Db, run: typeof ingestPullRuns.$inferInsert) {
  return db.insert(ingestPullRuns).values(run).onConflictDoNothing();
}

/** Claims a queued run, or one whose worker vanished (running since before `staleBefore`). */
export async function claimRun(db: Db, tenantId: string, runId: string, at: string, staleBefore: string): Promise<PullRunRow | null> {
  const rows = await db
    .update(ingestPullRuns)
    .set({ status: "running", attempts: sql`${ingestPullRuns.attempts} + 1`, startedAt: at, error: null })
    .where(
      and(
        eq(ingestPullRuns.tenantId, tenantId),
        eq(ingestPullRuns.id, runId),
        sql`(${ingestPullRuns.status} = 'queued' OR (${ingestPullRuns.status} = 'running' AND ${ingestPullRuns.startedAt} < ${staleBefore}))`,
      ),
    )
    .returning();
  return rows[0] ?? null;
}

export interface RunFinish {
  status: "succeeded" | "failed" | "queued";
  period?: string | null;
  requests: number;
  /** A number, or "logged": the ledger rows the run wrote. */
  countsWritten: number | "logged";
  warnings: string[];
  error: string | null;
  at: string;
}

export function finishRunStatement(db: Db, tenantId: string, runId: string, f: RunFinish) {
  return db
    .update(ingestPullRuns)
    .set({
      status: f.status,
      period: f.period ?? null,
      requests: f.requests,
      // "logged": the ledger rows the run wrote (counts equal to the stored figure write none).
      countsWritten: f.countsWritten === "logged" ? sql`${loggedCountSql(tenantId, runId)}` : f.countsWritten,
      countsApplied: f.status === "succeeded" ? sql`${appliedCountSql(tenantId, runId)}` : 0,
      warnings: JSON.stringify(f.warnings.slice(0, 100)),
      error: f.error,
      finishedAt: f.status === "queued" ? null : f.at,
    })
    .where(and(eq(ingestPullRuns.tenantId, tenantId), eq(ingestPullRuns.id, runId)));
}

export async function findRun(db: Db, tenantId: string, runId: string): Promise<PullRunRow | null> {
  const rows = await db.select().from(ingestPullRuns).where(and(eq(ingestPullRuns.tenantId, tenantId), eq(ingestPullRuns.id, runId))).limit(1);
  return rows[0] ?? null;
}

export function listRuns(db: Db, tenantId: string, integrationId: string, limit = 50) {
  return db
    .select()
    .from(ingestPullRuns)
    .where(and(eq(ingestPullRuns.tenantId, tenantId), eq(ingestPullRuns.integrationId, integrationId)))
    .orderBy(desc(ingestPullRuns.queuedAt))
    .limit(limit);
}

/**
 * Tenants with nightly ingest work: a connected pull integration or an
 * unmapped vendor account. The nightly cron's one cross-tenant read per
 * database (it only fans out; each tenant's work is then scoped).
 */
export async function listTenantsForNightlyIngest(db: Db): Promise<string[]> {
  const rows = await db.all<{ tenantId: string }>(sql`
    SELECT tenant_id AS tenantId FROM vendor_integrations
    WHERE kind IN ('pax8', 'liongard') AND disconnected_at IS NULL
    UNION
    SELECT a.tenant_id AS tenantId FROM vendor_accounts AS a
    WHERE NOT EXISTS (SELECT 1 FROM account_mappings AS m WHERE m.tenant_id = a.tenant_id AND m.account_id = a.id)`);
  return rows.map((r) => r.tenantId);
}

/** One tenant's connected pull integrations (Pax8, Liongard). */
export function listPullIntegrations(db: Db, tenantId: string) {
  return db
    .select({ id: vendorIntegrations.id, config: vendorIntegrations.config })
    .from(vendorIntegrations)
    .where(and(eq(vendorIntegrations.tenantId, tenantId), inArray(vendorIntegrations.kind, ["pax8", "liongard"]), isNull(vendorIntegrations.disconnectedAt)));
}

/** Whether the tenant has a vendor account not yet mapped to a PSA company (nightly auto-match). */
export async function hasUnmappedAccounts(db: Db, tenantId: string): Promise<boolean> {
  const rows = await db.all<{ one: number }>(sql`
    SELECT 1 AS one FROM vendor_accounts AS a
    WHERE a.tenant_id = ${tenantId}
      AND NOT EXISTS (SELECT 1 FROM account_mappings AS m WHERE m.tenant_id = a.tenant_id AND m.account_id = a.id)
    LIMIT 1`);
  return rows.length > 0;
}
