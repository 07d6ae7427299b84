/**
 * Sign-in attempt limiting: at most `max` attempts per subject in a fixed
 * window; a successful sign-in clears the counters. The counter is reserved
 * (incremented atomically) BEFORE the password or member hash is checked, so
 * a burst of parallel guesses cannot slip past the limit.
 *
 * A password sign-in is limited per (account, client) — so a stranger who
 * knows the tenant id from a LiveLink URL cannot lock a user out from
 * elsewhere — plus a per-account backstop over all clients that a
 * distributed guesser reaches long before guessing gets anywhere (issue 10
 * item 14). A client over its own limit is refused without touching the
 * backstop. Pure.
 */

export interface LoginLimit {
  max: number;
  windowMs: number;
}

/** One account from one client: 5 attempts in 15 minutes. */
export const USER_LOGIN_LIMIT: LoginLimit = { max: 5, windowMs: 15 * 60_000 };
/** One account from all clients together. */
export const ACCOUNT_BACKSTOP_LIMIT: LoginLimit = { max: 50, windowMs: 15 * 60_000 };
/** Members sign in on every pod load; only failures accumulate (success clears). */
export const MEMBER_LOGIN_LIMIT: LoginLimit = { max: 10, windowMs: 15 * 60_000 };

export interface LimitedSubject {
  subject: string;
  limit: LoginLimit;
}

/** The counters a password sign-in reserves, in order: (account, client) first, then the account backstop. */
export function passwordSignInSubjects(account: string, client: string): LimitedSubject[] {
  return [
    { subject: `${account}|client:${client}`, limit: USER_LOGIN_LIMIT },
    { subject: `${account}|all`, limit: ACCOUNT_BACKSTOP_LIMIT },
  ];
}

/** The client of a request: Cloudflare's connecting IP (absent locally and in tests: one shared client). */
export function clientKey(connectingIp: string | undefined): string {
  const ip = connectingIp?.trim();
  return ip && ip.length <= 64 ? ip.toLowerCase() : "unknown";
}

/** A window that started at or before this instant has ended. */
export function windowCutoff(now: Date, limit: LoginLimit): string {
  return new Date(now.getTime() - limit.windowMs).toISOString();
}

/** Whole seconds until the window that started at `windowStartedAt` ends (at least 1). */
export function retryAfterSeconds(windowStartedAt: string, now: Date, limit: LoginLimit): number {
  const endsAt = Date.parse(windowStartedAt) + limit.windowMs;
  return Math.max(1, Math.ceil((endsAt - now.getTime()) / 1000));
}

export function isOverLimit(attempts: number, limit: LoginLimit): boolean {
  return attempts > limit.max;
}
