/**
 * Pod sessions: stored by the SHA-256 of the token, looked up by that hash
 * (like API keys), expired by time and revoked on sign-out.
 */
import { and, eq, gt, inArray, isNull, lt } from "drizzle-orm";
import type { Db } from "../client.ts";
import { podSessions } from "../schema.ts";

/** `app` is a workspace session (cookie `__Host-trueup_app`, services/workspace/sessions.ts). */
export type PodSessionKind = "member" | "user" | "refresh" | "app";

export interface NewPodSession {
  id: string;
  tenantId: string;
  tokenHash: string;
  kind: PodSessionKind;
  actor: string;
  integrationId: string | null;
  userId: string | null;
  createdAt: string;
  expiresAt: string;
}

export function insertPodSessionStatement(db: Db, session: NewPodSession) {
  return db.insert(podSessions).values(session);
}

/** Housekeeping in the same batch as an insert: the tenant's sessions that expired before `now`. */
export function deleteExpiredPodSessionsStatement(db: Db, tenantId: string, now: string) {
  return db.delete(podSessions).where(and(eq(podSessions.tenantId, tenantId), lt(podSessions.expiresAt, now)));
}

/** An unexpired, unrevoked session of one of `kinds` with this token hash. */
export async function findActivePodSession(db: Db, tokenHash: string, kinds: readonly PodSessionKind[], now: string) {
  const rows = await db
    .select()
    .from(podSessions)
    .where(
      and(
        eq(podSessions.tokenHash, tokenHash),
        inArray(podSessions.kind, [...kinds]),
        isNull(podSessions.revokedAt),
        gt(podSessions.expiresAt, now),
      ),
    )
    .limit(1);
  return rows[0] ?? null;
}

export function revokePodSessionStatement(db: Db, tenantId: string, tokenHash: string, now: string) {
  return db
    .update(podSessions)
    .set({ revokedAt: now })
    .where(and(eq(podSessions.tenantId, tenantId), eq(podSessions.tokenHash, tokenHash), isNull(podSessions.revokedAt)));
}

/** Disabling a user or resetting a password ends every session the user holds. */
export function revokeUserSessionsStatement(db: Db, tenantId: string, userId: string, now: string) {
  return db
    .update(podSessions)
    .set({ revokedAt: now })
    .where(and(eq(podSessions.tenantId, tenantId), eq(podSessions.userId, userId), isNull(podSessions.revokedAt)));
}
