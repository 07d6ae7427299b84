/**
 * UTC calendar arithmetic on `YYYY-MM-DD` strings, shared by the engine and
 * the pod (one rule for billing periods on both sides).
 *
 * Billing is calendar-based and the core must give the same answer on any
 * host, so dates are plain integer arithmetic and instants are read with
 * getUTC* only: local time never enters (a Worker in one colo and a laptop
 * in another agree on "today").
 */

/** How often an agreement bills; unit prices are per cycle. */
export type BillingCycle = "monthly" | "quarterly" | "semiannual" | "annual" | "none";

export const MS_PER_DAY = 86_400_000;
const MS_PER_HOUR = 3_600_000;
const ISO_DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

export interface DateParts {
  year: number;
  /** 1–12 */
  month: number;
  day: number;
}

export interface BillingPeriod {
  start: string;
  end: string;
  /** Calendar days in the period, both ends inclusive. */
  days: number;
}

/** The UTC calendar date of an instant. */
export function toIsoDate(instant: Date): string {
  return formatIsoDate({ year: instant.getUTCFullYear(), month: instant.getUTCMonth() + 1, day: instant.getUTCDate() });
}

export function formatIsoDate(parts: DateParts): string {
  const year = String(parts.year).padStart(4, "0");
  return `${year}-${String(parts.month).padStart(2, "0")}-${String(parts.day).padStart(2, "0")}`;
}

/** Parts of a valid `YYYY-MM-DD` date, or null. */
export function parseDateParts(text: string): DateParts | null {
  const match = ISO_DATE_PATTERN.exec(text);
  if (!match) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return { year, month, day };
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Proleptic Gregorian, like Date. */
export function isLeapYear(year: number): boolean {
  return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
}

export function daysInMonth(year: number, month1to12: number): number {
  if (month1to12 === 2 && isLeapYear(year)) return 29;
  const days = MONTH_DAYS[month1to12 - 1];
  if (days === undefined) throw new Error(`Invalid month: ${month1to12}`);
  return days;
}

export function firstOfNextMonth(now: Date): string {
  const month = now.getUTCMonth() + 1;
  return month === 12
    ? formatIsoDate({ year: now.getUTCFullYear() + 1, month: 1, day: 1 })
    : formatIsoDate({ year: now.getUTCFullYear(), month: month + 1, day: 1 });
}

export function addHours(instant: Date, hours: number): Date {
  return new Date(instant.getTime() + hours * MS_PER_HOUR);
}

export function addDays(date: string, days: number): string {
  return toIsoDate(new Date((dayNumber(requireDateParts(date)) + days) * MS_PER_DAY));
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return dayNumber(requireDateParts(to)) - dayNumber(requireDateParts(from));
}

/** Months per billing period; "none" is treated as monthly. */
export function monthsPerCycle(cycle: BillingCycle): number {
  switch (cycle) {
    case "quarterly":
      return 3;
    case "semiannual":
      return 6;
    case "annual":
      return 12;
    case "monthly":
    case "none":
      return 1;
  }
}

/**
 * The billing period holding `date`. Without an anchor: calendar-aligned
 * months, quarters starting Jan/Apr/Jul/Oct, Jan/Jul halves, calendar years.
 * With one (a contract's start date): periods of the cycle's length counted
 * from the anchor — how Autotask slices ContractServiceUnits by the
 * contract's own period type and start day.
 */
export function billingPeriodContaining(date: string, cycle: BillingCycle, anchor: string | null = null): BillingPeriod {
  if (anchor !== null && parseDateParts(anchor)) return anchoredPeriodContaining(date, monthsPerCycle(cycle), requireDateParts(anchor));
  return calendarPeriodContaining(date, cycle);
}

/** Add whole months, clamping the day to the month's length (Jan 31 + 1 month = Feb 28/29). */
export function addMonths(parts: DateParts, months: number, day = parts.day): string {
  const index = parts.year * 12 + (parts.month - 1) + months;
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return formatIsoDate({ year, month, day: Math.min(day, daysInMonth(year, month)) });
}

function anchoredPeriodContaining(date: string, span: number, anchor: DateParts): BillingPeriod {
  const target = requireDateParts(date);
  // Whole periods from the anchor to the date (may be negative before the anchor).
  let k = Math.floor(((target.year - anchor.year) * 12 + (target.month - anchor.month)) / span);
  let start = addMonths(anchor, k * span);
  while (start > date) start = addMonths(anchor, --k * span);
  let next = addMonths(anchor, (k + 1) * span);
  while (next <= date) {
    start = next;
    next = addMonths(anchor, ++k * span + span);
  }
  const end = addDays(next, -1);
  return { start, end, days: daysBetween(start, end) + 1 };
}

function calendarPeriodContaining(date: string, cycle: BillingCycle): BillingPeriod {
  const { year, month } = requireDateParts(date);
  const span = monthsPerCycle(cycle);
  const startMonth = Math.floor((month - 1) / span) * span + 1;
  const endMonth = startMonth + span - 1;
  let days = 0;
  for (let m = startMonth; m <= endMonth; m++) days += daysInMonth(year, m);
  const start = formatIsoDate({ year, month: startMonth, day: 1 });
  const end = formatIsoDate({ year, month: endMonth, day: daysInMonth(year, endMonth) });
  return { start, end, days };
}

/**
 * Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil): plain
 * integer arithmetic, valid for any year, no Date object and no time zone.
 */
export function dayNumber({ year, month, day }: DateParts): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

function requireDateParts(date: string): DateParts {
  const parts = parseDateParts(date);
  if (!parts) throw new Error(`Invalid date: "${date}"`);
  return parts;
}
