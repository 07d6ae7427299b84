/**
 * Issuing and ending pod sessions. Tokens are random and prefixed — `tp_` for
 * the bearer token the pod keeps in memory, `tpr_` for the standalone view's
 * refresh cookie, `ta_` for the workspace cookie (rejected as a bearer: its prefix resolves to nothing) —
 * and only their SHA-256 is stored.
 */
import type { Db } from "../../db/client.ts";
import { auditStatement } from "../../db/repos/audit.ts";
import {
  deleteExpiredPodSessionsStatement,
  insertPodSessionStatement,
  revokePodSessionStatement,
  type PodSessionKind,
} from "../../db/repos/pod-sessions.ts";
import { newId, randomToken, sha256Hex } from "../secrets.ts";

/** Bearer sessions are short: the pod re-verifies the member (or refreshes) when one expires. */
export const BEARER_TTL_MS = 30 * 60_000;
export const REFRESH_TTL_MS = 12 * 60 * 60_000;
/** A workspace session lasts a working day. */
export const APP_SESSION_TTL_MS = 12 * 60 * 60_000;

const PREFIX: Record<PodSessionKind, string> = { member: "tp", user: "tp", refresh: "tpr", app: "ta" };
const TTL: Record<PodSessionKind, number> = { member: BEARER_TTL_MS, user: BEARER_TTL_MS, refresh: REFRESH_TTL_MS, app: APP_SESSION_TTL_MS };

export interface SessionSubject {
  tenantId: string;
  kind: PodSessionKind;
  actor: string;
  integrationId?: string | null;
  userId?: string | null;
}

export interface IssuedToken {
  token: string;
  expiresAt: string;
}

/** Stores a new session (and its audit entry, in the same batch) and returns the token, shown only here. */
export async function issueSession(db: Db, subject: SessionSubject, now: Date): Promise<IssuedToken> {
  const prefix = PREFIX[subject.kind];
  const ttl = TTL[subject.kind];
  const token = `${prefix}_${randomToken(40)}`;
  const id = newId("pss");
  const at = now.toISOString();
  const expiresAt = new Date(now.getTime() + ttl).toISOString();
  await db.batch([
    deleteExpiredPodSessionsStatement(db, subject.tenantId, at),
    insertPodSessionStatement(db, {
      id,
      tenantId: subject.tenantId,
      tokenHash: await sha256Hex(token),
      kind: subject.kind,
      actor: subject.actor,
      integrationId: subject.integrationId ?? null,
      userId: subject.userId ?? null,
      createdAt: at,
      expiresAt,
    }),
    auditStatement(db, {
      tenantId: subject.tenantId,
      at,
      actor: subject.actor,
      action: "pod.session.issued",
      entityType: "pod_session",
      entityId: id,
      details: { kind: subject.kind, integrationId: subject.integrationId ?? null, expiresAt },
    }),
  ]);
  return { token, expiresAt };
}

export async function revokeSession(db: Db, tenantId: string, token: string, now: Date): Promise<void> {
  await revokePodSessionStatement(db, tenantId, await sha256Hex(token), now.toISOString());
}
