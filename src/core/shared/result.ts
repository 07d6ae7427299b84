/**
 * Result: the explicit success-or-failure value the pure core returns instead
 * of throwing for expected failures (bad user input, invalid data). Throwing is
 * reserved for programming errors.
 */

export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

export function ok<T>(value: T): { ok: true; value: T } {
  return { ok: true, value };
}

export function err<E>(error: E): { ok: false; error: E } {
  return { ok: false, error };
}
