/**
 * Reserving sign-in attempts before any credential is checked (the limits
 * and subjects are core/pod/login-limit.ts). Shared by the pod's ConnectWise
 * member and standalone sign-ins and the workspace sign-in; over a limit →
 * 429 rate_limited with Retry-After.
 */
import {
  isOverLimit,
  passwordSignInSubjects,
  retryAfterSeconds,
  windowCutoff,
  type LoginLimit,
} from "../../core/pod/login-limit.ts";
import type { Db } from "../../db/client.ts";
import { clearLoginAttempts, reserveLoginAttempt } from "../../db/repos/pod-login-attempts.ts";
import { AppError } from "../../errors.ts";
import { newId } from "../secrets.ts";

export async function reserveAttempt(db: Db, tenantId: string, subject: string, limit: LoginLimit, now: Date): Promise<void> {
  const reserved = await reserveLoginAttempt(db, tenantId, subject, now.toISOString(), windowCutoff(now, limit), newId("pla"));
  if (isOverLimit(reserved.attempts, limit)) {
    const retryAfter = retryAfterSeconds(reserved.windowStartedAt, now, limit);
    throw new AppError("rate_limited", `Too many sign-in attempts; try again in ${retryAfter} seconds`, { "Retry-After": String(retryAfter) });
  }
}

/** (account, client) first: a client over its own limit never counts against the account's backstop. */
export async function reservePasswordSignIn(db: Db, tenantId: string, account: string, client: string, now: Date): Promise<void> {
  for (const { subject, limit } of passwordSignInSubjects(account, client)) await reserveAttempt(db, tenantId, subject, limit, now);
}

export async function clearPasswordSignIn(db: Db, tenantId: string, account: string, client: string): Promise<void> {
  for (const { subject } of passwordSignInSubjects(account, client)) await clearLoginAttempts(db, tenantId, subject);
}
