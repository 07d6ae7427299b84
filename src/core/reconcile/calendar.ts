/**
 * Arrears calendars (issue 12): which period a source's counts cover and
 * from which day of the month that period is complete. Seat sources report
 * the current month; arrears sources report a finished month later — Pax8's
 * Azure usage is last month's, complete after the 5th ("not sooner than the
 * 5th", reference §7.5); SonicWall counts are in arrears too. A row compares
 * the period the calendar expects; until it has arrived the row is
 * `waiting` ("waiting for October's usage (expected after Nov 5)") instead of
 * showing a stale or zero variance. Pure.
 */
import type { LatestCount } from "./latest-counts.ts";
import type { ServiceCategory } from "./types.ts";

export interface SourceCalendar {
  /** "current": counts are for the month they are taken in; "previous": for the month before (arrears). */
  covers: "current" | "previous";
  /** The covered month is complete after this day of the following month (1–28). */
  completeAfterDay: number;
  /** Which of the source's services follow the calendar. */
  services: "all" | "consumption";
}

const MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const SHORT = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

export interface Waiting {
  source: LatestCount;
  expectedPeriod: string;
  /** The day after which the expected period is complete. */
  expectedAfter: string;
  overdue: boolean;
}

/** The period an arrears source should have reported by `now`, or null for a current-month source. */
export function expectedPeriod(calendar: SourceCalendar, now: Date): { period: string; after: string; complete: boolean } | null {
  if (calendar.covers === "current") return null;
  const year = now.getUTCFullYear();
  const month = now.getUTCMonth(); // 0-based: the month we are in
  const covered = new Date(Date.UTC(year, month - 1, 1));
  const period = covered.toISOString().slice(0, 7);
  const after = `${now.toISOString().slice(0, 7)}-${String(calendar.completeAfterDay).padStart(2, "0")}`;
  return { period, after, complete: now.getUTCDate() > calendar.completeAfterDay };
}

/** Sources of arrears calendars whose latest count is older than the period the next invoice needs. */
export function findWaitingSources(
  sources: readonly LatestCount[],
  calendars: ReadonlyMap<string, SourceCalendar>,
  categories: ReadonlyMap<string, ServiceCategory>,
  now: Date,
): Waiting[] {
  const waiting: Waiting[] = [];
  for (const source of sources) {
    const calendar = calendars.get(source.source.integrationId);
    if (!calendar || (calendar.services === "consumption" && categories.get(source.count.serviceId) !== "consumption")) continue;
    const expected = expectedPeriod(calendar, now);
    if (expected && source.count.period < expected.period) waiting.push({ source, expectedPeriod: expected.period, expectedAfter: expected.after, overdue: expected.complete });
  }
  return waiting;
}

/** "Waiting for October's usage (expected after Nov 5)." / "October's usage is overdue (expected after Nov 5)." */
export function describeWaiting(w: Waiting): string {
  const month = MONTHS[Number(w.expectedPeriod.slice(5, 7)) - 1];
  const after = `${SHORT[Number(w.expectedAfter.slice(5, 7)) - 1]} ${Number(w.expectedAfter.slice(8, 10))}`;
  const who = `${w.source.source.accountName} / ${w.source.source.serviceName}`;
  return w.overdue
    ? `${month}'s usage is overdue for ${who} (expected after ${after}); the newest is ${w.source.count.period}.`
    : `Waiting for ${month}'s usage of ${who} (expected after ${after}); the newest is ${w.source.count.period}.`;
}

/**
 * An integration's calendar: its own setting, else its kind's default — Pax8
 * usage summaries are the previous month's consumption, complete after the
 * 5th (Pax8 invoices are not available sooner, reference §7.5); every other
 * kind reports the current month (null).
 */
export function calendarOf(kind: string, stored: SourceCalendar | null): SourceCalendar | null {
  if (stored) return stored.covers === "current" ? null : stored;
  return kind === "pax8" ? { covers: "previous", completeAfterDay: 5, services: "consumption" } : null;
}
