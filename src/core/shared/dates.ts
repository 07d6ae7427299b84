/**
 * UTC calendar arithmetic: the shared module (src/shared/dates.ts, also used
 * by the pod) plus what only the core needs: the part that speaks its Result
 * type, and the fast instant reader (kept out of the pod's byte budget).
 */
import { dayNumber, daysInMonth, MS_PER_DAY, parseDateParts } from "../../shared/dates.ts";
import { err, ok, type Result } from "./result.ts";

export * from "../../shared/dates.ts";

/** Strict: exactly `YYYY-MM-DD` and a date that exists on the calendar. */
export function parseIsoDate(text: string): Result<string, string> {
  const parts = parseDateParts(text);
  return parts ? ok(text) : err(`Not a valid date (YYYY-MM-DD): "${text}"`);
}

/**
 * Date.parse for an instant, with the canonical form toISOString writes
 * (`YYYY-MM-DDTHH:MM:SS.sssZ`, what Trueup stores) read by hand: Date.parse
 * costs several times more, and the engine reads 20,000 of them per run.
 * Anything else, or any field out of range, goes to Date.parse unchanged.
 */
export function parseInstantMs(text: string): number {
  if (text.length !== 24 || !hasInstantSeparators(text)) return Date.parse(text);
  const year = readDigits(text, 0, 4);
  const month = readDigits(text, 5, 2);
  const day = readDigits(text, 8, 2);
  const hour = readDigits(text, 11, 2);
  const minute = readDigits(text, 14, 2);
  const second = readDigits(text, 17, 2);
  const ms = readDigits(text, 20, 3);
  if ((year | month | day | hour | minute | second | ms) < 0) return Date.parse(text);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return Date.parse(text);
  return dayNumber({ year, month, day }) * MS_PER_DAY + ((hour * 60 + minute) * 60 + second) * 1000 + ms;
}

function hasInstantSeparators(text: string): boolean {
  // - - T : : . Z at their fixed places.
  return text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45 && text.charCodeAt(10) === 84 && text.charCodeAt(13) === 58 && text.charCodeAt(16) === 58 && text.charCodeAt(19) === 46 && text.charCodeAt(23) === 90;
}

/** The decimal value of `length` ASCII digits from `from`; -1 if any is not a digit. */
function readDigits(text: string, from: number, length: number): number {
  let value = 0;
  for (let i = from; i < from + length; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}
