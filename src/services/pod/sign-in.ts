/**
 * Signing in to the pod. A ConnectWise member is verified with ConnectWise
 * (connectwise-member.ts); a standalone user with a PBKDF2 password. Both
 * reserve a sign-in attempt first (core/pod/login-limit.ts) and get a `tp_`
 * bearer token; the standalone user also gets a `tpr_` refresh token for a
 * same-site cookie. Failures say nothing about which part was wrong.
 */
import { MEMBER_LOGIN_LIMIT } from "../../core/pod/login-limit.ts";
import type { MemberAuth } from "../../core/pod/member-auth.ts";
import type { OriginPolicy } from "../../core/pod/origins.ts";
import type { Db } from "../../db/client.ts";
import { findPsaIntegrationForPod } from "../../db/repos/pod-context.ts";
import { clearLoginAttempts } from "../../db/repos/pod-login-attempts.ts";
import { findActivePodSession } from "../../db/repos/pod-sessions.ts";
import { findTenantUserByEmail } from "../../db/repos/pod-users.ts";
import { savePersonName } from "../../db/repos/pod-people.ts";
import { findTenant } from "../../db/repos/tenants.ts";
import { AppError } from "../../errors.ts";
import { sha256Hex } from "../secrets.ts";
import { verifyConnectWiseMember } from "./connectwise-member.ts";
import { type ContextQuery, resolvePodContext } from "./context.ts";
import { DUMMY_PASSWORD_HASH, verifyPassword } from "./passwords.ts";
import { clearPasswordSignIn, reserveAttempt, reservePasswordSignIn } from "./login-guard.ts";
import { issueSession, type IssuedToken } from "./sessions.ts";
import type { PodSessionResponse } from "../../shared/pod-types.ts";

const DENIED = "Sign-in failed";

/**
 * The session, and — when the pod says where it was opened — that screen's
 * context in the same answer: one round trip less before the pod can ask for
 * its rows. The context is the one GET /api/pod/context answers; when it has
 * none (an agreement not synced yet, an unknown screen) the answer leaves it
 * out and the pod asks for it as before, which then says what is wrong.
 */
export async function signInMember(db: Db, policy: OriginPolicy, integrationId: string, auth: MemberAuth, now: Date, openedOn?: ContextQuery): Promise<PodSessionResponse> {
  const { tenantId, session } = await verifyMember(db, policy, integrationId, auth, now);
  if (!openedOn) return session;
  try {
    return { ...session, context: await resolvePodContext(db, tenantId, openedOn) };
  } catch (error) {
    if (error instanceof AppError) return session;
    throw error;
  }
}

async function verifyMember(db: Db, policy: OriginPolicy, integrationId: string, auth: MemberAuth, now: Date): Promise<{ tenantId: string; session: PodSessionResponse }> {
  const integration = await findPsaIntegrationForPod(db, integrationId);
  if (!integration || integration.kind !== "connectwise" || integration.status === "disconnected") {
    throw new AppError("unauthorized", DENIED);
  }
  const subject = `member:${integration.id}:${auth.memberid.toLowerCase()}`;
  await reserveAttempt(db, integration.tenantId, subject, MEMBER_LOGIN_LIMIT, now);
  const check = await verifyConnectWiseMember(integration, auth, policy);
  if (!check.ok) {
    console.warn("POD_MEMBER_DENIED", integration.id, check.reason, check.detail);
    if (check.reason === "unavailable") throw new AppError("service_unavailable", "ConnectWise could not verify the member; try again");
    throw new AppError("unauthorized", DENIED);
  }
  await clearLoginAttempts(db, integration.tenantId, subject);
  const actor = `member:${check.identifier}`;
  if (check.name) await savePersonName(db, integration.tenantId, actor, check.name, now);
  const issued = await issueSession(db, { tenantId: integration.tenantId, kind: "member", actor, integrationId: integration.id }, now);
  return { tenantId: integration.tenantId, session: { ...issued, actor } };
}

export interface UserSignIn {
  session: PodSessionResponse;
  refresh: IssuedToken;
}

/** `client` identifies where the attempt comes from (login-limit.ts clientKey): lockouts are per (account, client). */
export async function signInUser(db: Db, tenantId: string, email: string, password: string, client: string, now: Date): Promise<UserSignIn> {
  const normalized = email.trim().toLowerCase();
  if (!(await findTenant(db, tenantId))) {
    await verifyPassword(password, DUMMY_PASSWORD_HASH); // same cost as a wrong password
    throw new AppError("unauthorized", DENIED);
  }
  const account = `user:${normalized}`;
  await reservePasswordSignIn(db, tenantId, account, client, now);
  const user = await findTenantUserByEmail(db, tenantId, normalized);
  const valid = await verifyPassword(password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
  if (!user || !valid || user.disabledAt !== null) throw new AppError("unauthorized", DENIED);
  await clearPasswordSignIn(db, tenantId, account, client);
  const actor = `user:${user.email}`;
  const session = await issueSession(db, { tenantId, kind: "user", actor, userId: user.id }, now);
  const refresh = await issueSession(db, { tenantId, kind: "refresh", actor, userId: user.id }, now);
  return { session: { ...session, actor }, refresh };
}

/** A new bearer token from the standalone view's refresh cookie, for the tenant the page is for. */
export async function refreshUserSession(db: Db, tenantId: string, refreshToken: string, now: Date): Promise<PodSessionResponse> {
  const found = await findActivePodSession(db, await sha256Hex(refreshToken), ["refresh"], now.toISOString());
  if (!found || found.tenantId !== tenantId) throw new AppError("unauthorized", "No valid session; sign in again");
  const session = await issueSession(db, { tenantId, kind: "user", actor: found.actor, userId: found.userId }, now);
  return { ...session, actor: found.actor };
}
