/**
 * UTC calendar arithmetic: the shared module (src/shared/dates.ts, also used
 * by the pod) plus the one part that speaks the core's Result type.
 */
import { parseDateParts } from "../../shared/dates.ts";
import { err, ok, type Result } from "./result.ts";

export * from "../../shared/dates.ts";

/** Strict: exactly `YYYY-MM-DD` and a date that exists on the calendar. */
export function parseIsoDate(text: string): Result<string, string> {
  const parts = parseDateParts(text);
  return parts ? ok(text) : err(`Not a valid date (YYYY-MM-DD): "${text}"`);
}
