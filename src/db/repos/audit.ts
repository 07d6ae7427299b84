/**
 * Append-only audit log. `auditStatement` returns an unexecuted insert so the
 * caller puts it in the same `db.batch()` as the change it records: both
 * commit or neither does.
 */
import { and, desc, eq } from "drizzle-orm";
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

export async function listAudit(db: Db, tenantId: string, entityId?: string, limit = 100) {
  const where = entityId ? and(eq(auditLog.tenantId, tenantId), eq(auditLog.entityId, entityId)) : eq(auditLog.tenantId, tenantId);
  return db.select().from(auditLog).where(where).orderBy(desc(auditLog.seq)).limit(limit);
}
