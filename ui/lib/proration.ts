/**
 * The proration preview shown when a technician picks another effective date,
 * computed with the engine's rule (src/core/reconcile/proposal.ts):
 * remaining days (effective date through period end, inclusive) ÷ days in the
 * period × variance × unit price, multiplied exactly and rounded once, half
 * away from zero; none when the date is the period's first day. Billing
 * periods are calendar-aligned (months, Jan/Apr/Jul/Oct quarters, Jan/Jul
 * halves, years). The row does not carry the agreement's cycle, so it is read
 * from the proposal's period length: the default date's period has 28–31
 * days for monthly, 90–92 quarterly, 181–184 semiannual, 365–366 annual.
 */
import { divideRoundHalfAway, toScaled } from "./decimal.ts";

export type Cycle = "monthly" | "quarterly" | "semiannual" | "annual";

const MONTHS: Record<Cycle, number> = { monthly: 1, quarterly: 3, semiannual: 6, annual: 12 };
const DAY_MS = 86_400_000;

export function inferCycle(periodDays: number): Cycle {
  if (periodDays <= 31) return "monthly";
  if (periodDays <= 92) return "quarterly";
  if (periodDays <= 184) return "semiannual";
  return "annual";
}

function utc(date: string): number {
  const [y, m, d] = date.split("-").map(Number);
  return Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1);
}

function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export interface Period {
  start: string;
  end: string;
  days: number;
}

export function billingPeriod(date: string, cycle: Cycle): Period {
  const [y = 1970, m = 1] = date.split("-").map(Number);
  const span = MONTHS[cycle];
  const startMonth = Math.floor((m - 1) / span) * span; // 0-based
  const startMs = Date.UTC(y, startMonth, 1);
  const nextMs = Date.UTC(y, startMonth + span, 1);
  return { start: iso(startMs), end: iso(nextMs - DAY_MS), days: Math.round((nextMs - startMs) / DAY_MS) };
}

export interface ProrationView {
  /** Money for the rest of the period; null on a period start or without a price. */
  prorationMinor: number | null;
  remainingDays: number;
  periodDays: number;
  periodStart: string;
}

export function previewProration(effectiveDate: string, cycle: Cycle, variance: string, unitPriceMinor: number | null): ProrationView {
  const period = billingPeriod(effectiveDate, cycle);
  const remainingDays = Math.round((utc(period.end) - utc(effectiveDate)) / DAY_MS) + 1;
  let prorationMinor: number | null = null;
  if (unitPriceMinor !== null && effectiveDate !== period.start) {
    const change = toScaled(variance);
    const numerator = change.units * BigInt(remainingDays) * BigInt(unitPriceMinor);
    prorationMinor = Number(divideRoundHalfAway(numerator, BigInt(period.days) * 10n ** BigInt(change.scale)));
  }
  return { prorationMinor, remainingDays, periodDays: period.days, periodStart: period.start };
}

/** Today's UTC date: the earliest effective date the API accepts. */
export function todayUtc(now: Date): string {
  return now.toISOString().slice(0, 10);
}

export function firstOfNextMonth(now: Date): string {
  return iso(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
}

export function isIsoDate(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(text) && iso(utc(text)) === text;
}
