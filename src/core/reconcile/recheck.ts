/**
 * When time alone can change a reconciliation's rows: a persisted row stays
 * true until this instant unless an input changes first (every input change
 * marks its scope dirty). Pure: the clock is passed in.
 *
 * What moves with the clock, per the engine's rules (engine.ts):
 * - the default proposal is dated the 1st of next month → the next month start;
 * - a source turns stale once strictly older than the threshold, and the
 *   "is N hours/days old" reason counts whole hours below 48 h, days above;
 * - agreements count from their start date and until their end date, lines
 *   until their cancelled date (UTC calendar dates).
 */
import { addDays, firstOfNextMonth, toIsoDate } from "../shared/dates.ts";
import type { SourceCalendar } from "./calendar.ts";
import type { AgreementInput, LineInput, ReconRow } from "./types.ts";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

export interface RecheckInput {
  now: Date;
  staleAfterHours: number;
  agreements: readonly AgreementInput[];
  lines: readonly LineInput[];
  rows: readonly ReconRow[];
  /** Arrears calendars of the scope's sources: a covered month becomes complete after their day. */
  calendars?: Iterable<SourceCalendar>;
}

export function findRecheckAt(input: RecheckInput): string {
  const nowMs = input.now.getTime();
  const today = toIsoDate(input.now);
  let next = Date.parse(`${firstOfNextMonth(input.now)}T00:00:00.000Z`);
  const consider = (ms: number) => {
    if (ms > nowMs && ms < next) next = ms;
  };
  const limitMs = input.staleAfterHours * HOUR_MS;
  for (const row of input.rows) {
    for (const source of row.sources) consider(nextSourceChange(Date.parse(source.observedAt), nowMs, limitMs));
  }
  const startOf = (date: string) => Date.parse(`${date.slice(0, 10)}T00:00:00.000Z`);
  for (const a of input.agreements) {
    if (a.startDate !== null && a.startDate.slice(0, 10) > today) consider(startOf(a.startDate));
    if (a.endDate !== null && a.endDate.slice(0, 10) >= today) consider(startOf(addDays(a.endDate.slice(0, 10), 1)));
  }
  for (const l of input.lines) if (l.cancelledDate !== null && l.cancelledDate.slice(0, 10) > today) consider(startOf(l.cancelledDate));
  for (const c of input.calendars ?? []) {
    // "Waiting" turns "overdue" the day after the covered month is due.
    if (c.covers === "previous") consider(Date.UTC(input.now.getUTCFullYear(), input.now.getUTCMonth(), c.completeAfterDay + 1));
  }
  return new Date(next).toISOString();
}

/** The next instant a source's stale status or its age text changes (Infinity when it never does). */
function nextSourceChange(observedMs: number, nowMs: number, limitMs: number): number {
  if (Number.isNaN(observedMs)) return Number.POSITIVE_INFINITY;
  const age = nowMs - observedMs;
  if (age <= limitMs) return observedMs + limitMs + 1;
  const hours = Math.floor(age / HOUR_MS);
  return hours < 48 ? observedMs + (hours + 1) * HOUR_MS : observedMs + (Math.floor(age / DAY_MS) + 1) * DAY_MS;
}
