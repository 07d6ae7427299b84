/**
 * Workspace sign-in (issue 11): a tenant user's email and password give an
 * `ta_` session token in the `__Host-trueup_app` cookie (HttpOnly, Secure,
 * SameSite=Lax) plus a CSRF token for state-changing requests. Attempts are
 * limited per (account, client) with an account backstop, like the pod's
 * standalone sign-in; failures say nothing about which part was wrong.
 */
import type { Role } from "../../core/workspace/roles.ts";
import type { Db } from "../../db/client.ts";
import { findTenantUserByEmail } from "../../db/repos/pod-users.ts";
import { revokePodSessionStatement } from "../../db/repos/pod-sessions.ts";
import { findTenant } from "../../db/repos/tenants.ts";
import { findSessionUser, touchSignInStatement } from "../../db/repos/workspace-users.ts";
import { AppError } from "../../errors.ts";
import type { WorkspaceSessionResponse, WorkspaceUser } from "../../shared/workspace-types.ts";
import { clearPasswordSignIn, reservePasswordSignIn } from "../pod/login-guard.ts";
import { DUMMY_PASSWORD_HASH, verifyPassword } from "../pod/passwords.ts";
import { issueSession } from "../pod/sessions.ts";
import { sha256Hex } from "../secrets.ts";
import { mintCsrfToken } from "./csrf.ts";

export const APP_COOKIE = "__Host-trueup_app";
const DENIED = "Sign-in failed: wrong email or password";

export interface SignInInput {
  tenantId: string;
  email: string;
  password: string;
  /** login-limit.ts clientKey of the request. */
  client: string;
}

export interface WorkspaceSignIn {
  token: string;
  expiresAt: string;
  body: WorkspaceSessionResponse;
}

export async function signInWorkspace(db: Db, input: SignInInput, now: Date): Promise<WorkspaceSignIn> {
  const email = input.email.trim().toLowerCase();
  if (!(await findTenant(db, input.tenantId))) {
    await verifyPassword(input.password, DUMMY_PASSWORD_HASH); // same cost as a wrong password
    throw new AppError("unauthorized", DENIED);
  }
  const account = `user:${email}`;
  await reservePasswordSignIn(db, input.tenantId, account, input.client, now);
  const user = await findTenantUserByEmail(db, input.tenantId, email);
  const valid = await verifyPassword(input.password, user?.passwordHash ?? DUMMY_PASSWORD_HASH);
  if (!user || !valid || user.disabledAt !== null) throw new AppError("unauthorized", DENIED);
  await clearPasswordSignIn(db, input.tenantId, account, input.client);
  const issued = await issueSession(db, { tenantId: input.tenantId, kind: "app", actor: `user:${user.email}`, userId: user.id }, now);
  await touchSignInStatement(db, input.tenantId, user.id, now.toISOString());
  const view: WorkspaceUser = { id: user.id, email: user.email, displayName: user.displayName, role: user.role as Role };
  return { token: issued.token, expiresAt: issued.expiresAt, body: { user: view, csrfToken: await mintCsrfToken(issued.token) } };
}

export interface ActiveWorkspaceSession {
  tenantId: string;
  user: WorkspaceUser;
}

/** The session behind a cookie token, or null (expired, revoked, unknown, or the user is disabled). */
export async function readWorkspaceSession(db: Db, token: string, now: Date): Promise<ActiveWorkspaceSession | null> {
  if (!/^ta_[0-9A-Za-z]{40}$/.test(token)) return null;
  const found = await findSessionUser(db, await sha256Hex(token), "app", now.toISOString());
  if (!found) return null;
  return { tenantId: found.tenantId, user: { id: found.id, email: found.email, displayName: found.displayName, role: found.role as Role } };
}

export async function endWorkspaceSession(db: Db, tenantId: string, token: string, now: Date): Promise<void> {
  await revokePodSessionStatement(db, tenantId, await sha256Hex(token), now.toISOString());
}
