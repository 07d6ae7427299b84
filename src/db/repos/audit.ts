/**
 * Append-only audit log. `auditStatement` returns an unexecuted insert so the
 * caller puts it in the same `db.batch()` as the change it records: both
 * commit or neither does.
 */
import { and, desc, eq, gte, lt, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { auditLog } from "../schema.ts";

export interface AuditEntry {
  tenantId: string;
  at: string;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  details: Record<string, unknown>;
}

export function auditStatement(db: Db, entry: AuditEntry) {
  return db.insert(auditLog).values({ ...entry, details: JSON.stringify(entry.details) });
}

/**
 * An audit row written only when a decision is in `state` as of `at` — put
 * after a conditional state move in one batch, it records the move only if
 * the move happened (a cancel that lost a race to the cron leaves no trace).
 */
export function auditDecisionMoveStatement(db: Db, entry: AuditEntry, state: string) {
  // INSERT … SELECT in the table's column order (seq NULL = next); db.run(sql) cannot be batched with parameters.
  return db.insert(auditLog).select(sql`
    SELECT NULL, ${entry.tenantId}, ${entry.at}, ${entry.actor}, ${entry.action}, ${entry.entityType}, ${entry.entityId}, ${JSON.stringify(entry.details)}
    WHERE EXISTS (SELECT 1 FROM decisions WHERE tenant_id = ${entry.tenantId} AND id = ${entry.entityId} AND writeback_state = ${state} AND updated_at = ${entry.at})`);
}

export async function listAudit(db: Db, tenantId: string, entityId?: string, limit = 100) {
  const where = entityId ? and(eq(auditLog.tenantId, tenantId), eq(auditLog.entityId, entityId)) : eq(auditLog.tenantId, tenantId);
  return db.select().from(auditLog).where(where).orderBy(desc(auditLog.seq)).limit(limit);
}

export interface AuditFilter {
  /** Inclusive lower bound on `at` (ISO instant). */
  fromAt?: string;
  /** Exclusive upper bound on `at`. */
  toAt?: string;
  actor?: string;
  action?: string;
  entityType?: string;
  /** Entries with seq below this (the previous page's last). */
  beforeSeq?: number;
}

/** Newest first, one page (+1 to know whether there is a next), walking the (tenant, seq) index. */
export async function readAuditPage(db: Db, tenantId: string, f: AuditFilter, limit: number) {
  return db
    .select()
    .from(auditLog)
    .where(
      and(
        eq(auditLog.tenantId, tenantId),
        f.beforeSeq !== undefined ? lt(auditLog.seq, f.beforeSeq) : undefined,
        f.fromAt !== undefined ? gte(auditLog.at, f.fromAt) : undefined,
        f.toAt !== undefined ? lt(auditLog.at, f.toAt) : undefined,
        f.actor !== undefined ? eq(auditLog.actor, f.actor) : undefined,
        f.action !== undefined ? eq(auditLog.action, f.action) : undefined,
        f.entityType !== undefined ? eq(auditLog.entityType, f.entityType) : undefined,
      ),
    )
    .orderBy(desc(auditLog.seq))
    .limit(limit + 1);
}
