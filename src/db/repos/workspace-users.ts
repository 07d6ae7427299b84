/**
 * Tenant users as the workspace sees them: listing, the session lookup that
 * joins the user (a disabled user's sessions resolve to nothing), role and
 * password changes guarded so the tenant always keeps an active admin.
 */
import { and, asc, eq, gt, isNull } from "drizzle-orm";
import type { Db } from "../client.ts";
import { podSessions, tenantUsers } from "../schema.ts";

const userColumns = {
  id: tenantUsers.id,
  email: tenantUsers.email,
  displayName: tenantUsers.displayName,
  role: tenantUsers.role,
  disabledAt: tenantUsers.disabledAt,
  createdAt: tenantUsers.createdAt,
  lastSignInAt: tenantUsers.lastSignInAt,
};

export async function listTenantUsers(db: Db, tenantId: string) {
  return db.select(userColumns).from(tenantUsers).where(eq(tenantUsers.tenantId, tenantId)).orderBy(asc(tenantUsers.email));
}

export async function findTenantUser(db: Db, tenantId: string, userId: string) {
  const rows = await db
    .select({ ...userColumns, passwordHash: tenantUsers.passwordHash })
    .from(tenantUsers)
    .where(and(eq(tenantUsers.tenantId, tenantId), eq(tenantUsers.id, userId)))
    .limit(1);
  return rows[0] ?? null;
}

/** An unexpired, unrevoked session of `kind` with this token hash, and its enabled user. */
export async function findSessionUser(db: Db, tokenHash: string, kind: "app" | "user", now: string) {
  const rows = await db
    .select({ sessionId: podSessions.id, tenantId: podSessions.tenantId, ...userColumns })
    .from(podSessions)
    .innerJoin(tenantUsers, and(eq(tenantUsers.id, podSessions.userId), eq(tenantUsers.tenantId, podSessions.tenantId)))
    .where(
      and(
        eq(podSessions.tokenHash, tokenHash),
        eq(podSessions.kind, kind),
        isNull(podSessions.revokedAt),
        gt(podSessions.expiresAt, now),
        isNull(tenantUsers.disabledAt),
      ),
    )
    .limit(1);
  return rows[0] ?? null;
}

export function touchSignInStatement(db: Db, tenantId: string, userId: string, at: string) {
  return db.update(tenantUsers).set({ lastSignInAt: at }).where(and(eq(tenantUsers.tenantId, tenantId), eq(tenantUsers.id, userId)));
}

export interface UserChange {
  tenantId: string;
  userId: string;
  role: string;
  disabledAt: string | null;
  passwordHash: string;
  /** Revoke the user's sessions too (disabled, or a new password). */
  endSessions: boolean;
  at: string;
  actor: string;
  auditDetails: Record<string, unknown>;
}

/**
 * One batch whose every statement carries the same guard: the change applies
 * only if the user stays an active admin or another active admin remains —
 * so two admins demoting each other at once cannot leave the tenant without
 * one, and a refused change leaves no audit row. Returns whether it applied.
 */
export async function applyUserChange(db: Db, ch: UserChange): Promise<boolean> {
  const d1 = db.$client as D1Database;
  const keepsAdmin = ch.role === "admin" && ch.disabledAt === null;
  const guard = keepsAdmin
    ? "1"
    : "EXISTS (SELECT 1 FROM tenant_users o WHERE o.tenant_id = ?1 AND o.id != ?2 AND o.role = 'admin' AND o.disabled_at IS NULL)";
  const statements = [
    d1
      .prepare(`UPDATE tenant_users SET role = ?3, disabled_at = ?4, password_hash = ?5 WHERE tenant_id = ?1 AND id = ?2 AND ${guard}`)
      .bind(ch.tenantId, ch.userId, ch.role, ch.disabledAt, ch.passwordHash),
    d1
      .prepare(
        `INSERT INTO audit_log (tenant_id, at, actor, action, entity_type, entity_id, details)
         SELECT ?1, ?3, ?4, 'workspace.user.updated', 'tenant_user', ?2, ?5 WHERE ${guard}`,
      )
      .bind(ch.tenantId, ch.userId, ch.at, ch.actor, JSON.stringify(ch.auditDetails)),
  ];
  if (ch.endSessions) {
    statements.push(
      d1.prepare(`UPDATE pod_sessions SET revoked_at = ?3 WHERE tenant_id = ?1 AND user_id = ?2 AND revoked_at IS NULL AND ${guard}`).bind(ch.tenantId, ch.userId, ch.at),
    );
  }
  const results = await d1.batch(statements);
  return (results[0]?.meta.changes ?? 0) > 0;
}
