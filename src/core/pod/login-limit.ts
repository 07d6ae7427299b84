/**
 * Sign-in attempt limiting: at most `max` attempts per subject in a fixed
 * window; a successful sign-in clears the counter. The counter is reserved
 * (incremented atomically) BEFORE the password or member hash is checked, so
 * a burst of parallel guesses cannot slip past the limit. Pure.
 */

export interface LoginLimit {
  max: number;
  windowMs: number;
}

export const USER_LOGIN_LIMIT: LoginLimit = { max: 5, windowMs: 15 * 60_000 };
/** Members sign in on every pod load; only failures accumulate (success clears). */
export const MEMBER_LOGIN_LIMIT: LoginLimit = { max: 10, windowMs: 15 * 60_000 };

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
