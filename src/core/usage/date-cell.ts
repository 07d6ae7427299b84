/**
 * Dates as vendor exports write them. Partner Center files use US order
 * without zero padding (`10/3/2020`, and `2/1/2019 0:00` in usage files, per
 * Microsoft's recon-file docs) — `parseDateCell` with a `dateOrder` (MDY
 * for Microsoft's documented format). Saved CSV profiles declare one exact
 * `dateFormat` (`parseDateInFormat`); nothing else is accepted. Day/month
 * order is never guessed per cell, and a day/month that cannot exist is
 * rejected.
 */
import { formatIsoDate, parseDateParts } from "../shared/dates.ts";
import { err, ok, type Result } from "../shared/result.ts";

export type DateOrder = "MDY" | "DMY" | "YMD";

const ISO_PATTERN = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const SLASH_PATTERN = /^(\d{1,2})[/.](\d{1,2})[/.](\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s*[AaPp][Mm])?)?$/;

/**
 * The calendar date (`YYYY-MM-DD`) of a cell. A time part is allowed and
 * ignored: Partner Center stamps charge starts 0:00 and ends 23:59 of the
 * same calendar day, and an offset would not move a billing date.
 */
export function parseDateCell(cell: string, order: DateOrder = "MDY"): Result<string, string> {
  const text = cell.trim().replace(/^'/, "");
  const iso = ISO_PATTERN.exec(text);
  if (iso) return checked(Number(iso[1]), Number(iso[2]), Number(iso[3]), text);
  const slash = order === "YMD" ? null : SLASH_PATTERN.exec(text);
  if (slash) {
    const first = Number(slash[1]);
    const second = Number(slash[2]);
    const year = Number(slash[3]);
    return order === "MDY" ? checked(year, first, second, text) : checked(year, second, first, text);
  }
  const expected = order === "YMD" ? "YYYY-MM-DD" : order === "MDY" ? "M/D/YYYY or YYYY-MM-DD" : "D/M/YYYY or YYYY-MM-DD";
  return err(`not a date (${expected}): "${cell}"`);
}

/** Date formats a saved CSV profile declares; a cell in any other form is an error, never a guess. */
export const DATE_FORMATS = ["YYYY-MM-DD", "M/D/YYYY", "D/M/YYYY"] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

// A time of day may follow the date (exports stamp 0:00 / 23:59 or a full instant); it never moves the billing date.
const TIME = String.raw`(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp][Mm])?(?:Z|[+-]\d{2}:?\d{2})?)?`;
const FORMAT_PATTERNS: Record<DateFormat, RegExp> = {
  "YYYY-MM-DD": new RegExp(String.raw`^(\d{4})-(\d{2})-(\d{2})${TIME}$`),
  "M/D/YYYY": new RegExp(String.raw`^(\d{1,2})/(\d{1,2})/(\d{4})${TIME}$`),
  "D/M/YYYY": new RegExp(String.raw`^(\d{1,2})/(\d{1,2})/(\d{4})${TIME}$`),
};

/** The calendar date of a cell written in exactly `format` (Excel's leading apostrophe allowed). */
export function parseDateInFormat(cell: string, format: DateFormat): Result<string, string> {
  const text = cell.trim().replace(/^'/, "");
  const m = FORMAT_PATTERNS[format].exec(text);
  if (!m) return err(`not a date in the profile's format ${format}: "${cell}"`);
  const [a, b, c] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (format === "YYYY-MM-DD") return checked(a, b, c, text);
  return format === "M/D/YYYY" ? checked(c, a, b, text) : checked(c, b, a, text);
}

function checked(year: number, month: number, day: number, text: string): Result<string, string> {
  const date = formatIsoDate({ year, month, day });
  return parseDateParts(date) ? ok(date) : err(`no such date: "${text}"`);
}

/** The billing period `YYYY-MM` of a `YYYY-MM-DD` date. */
export function periodOfDate(date: string): string {
  return date.slice(0, 7);
}

const PERIOD_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isPeriod(text: string): boolean {
  return PERIOD_PATTERN.test(text);
}

/** The period of an instant, in UTC. */
export function periodOfInstant(instant: Date): string {
  return instant.toISOString().slice(0, 7);
}

/** The month before a `YYYY-MM` period (arrears sources cover the month before they are pulled). */
export function previousPeriod(period: string): string {
  const year = Number(period.slice(0, 4));
  const month = Number(period.slice(5, 7));
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, "0")}`;
}

/**
 * Why a period cannot be stored, or null. A count is for a month that has
 * begun: a period after the current UTC month (`2099-12`) would be "newest"
 * forever and hide every later count, so it is refused on every road in.
 */
export function futurePeriodError(period: string, now: Date): string | null {
  const current = periodOfInstant(now);
  return period > current ? `must not be after the current month (${current}), got "${period}"` : null;
}
