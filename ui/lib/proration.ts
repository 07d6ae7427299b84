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
import { addDays, billingPeriodContaining, daysBetween, parseDateParts, toIsoDate } from "../../src/shared/dates.ts";
import { planWriteTiming, type WriteTiming } from "../../src/shared/write-timing.ts";
import type { Proposal } from "../../src/shared/api-types.ts";
import { divideRoundHalfAway, toScaled } from "./decimal.ts";

export type Cycle = "monthly" | "quarterly" | "semiannual" | "annual";


export function inferCycle(periodDays: number): Cycle {
  if (periodDays <= 31) return "monthly";
  if (periodDays <= 92) return "quarterly";
  if (periodDays <= 184) return "semiannual";
  return "annual";
}


export interface Period {
  start: string;
  end: string;
  days: number;
}

export function billingPeriod(date: string, cycle: Cycle): Period {
  return billingPeriodContaining(date, cycle);
}

export interface ProrationView {
  /** Money for the rest of the period; null on a period start or without a price. */
  prorationMinor: number | null;
  remainingDays: number;
  periodDays: number;
  periodStart: string;
}

/** `period`: the PSA's own period holding the date (podTiming); default the calendar period. */
export function previewProration(effectiveDate: string, cycle: Cycle, variance: string, unitPriceMinor: number | null, period = billingPeriod(effectiveDate, cycle)): ProrationView {
  const remainingDays = daysBetween(effectiveDate, period.end) + 1;
  let prorationMinor: number | null = null;
  if (unitPriceMinor !== null && effectiveDate !== period.start) {
    const change = toScaled(variance);
    const numerator = change.units * BigInt(remainingDays) * BigInt(unitPriceMinor);
    prorationMinor = Number(divideRoundHalfAway(numerator, BigInt(period.days) * 10n ** BigInt(change.scale)));
  }
  return { prorationMinor, remainingDays, periodDays: period.days, periodStart: period.start };
}

/** Today's UTC date: the earliest effective date the API accepts. */
export const todayUtc = toIsoDate;

export { firstOfNextMonth } from "../../src/shared/dates.ts";

export function isIsoDate(text: string): boolean {
  return parseDateParts(text) !== null;
}

/**
 * How the PSA takes a change on another date, by the engine's one rule
 * (src/core/reconcile/write-timing.ts, imported, not copied). The row tells
 * the facts the rule needs: its proposal's writeMode says whether the
 * agreement prorates ("with-date") or is a ConnectWise agreement without
 * prorateFlag ("now"/"scheduled"); its period (effective date, remaining and
 * period days) anchors the PSA's own periods — an Autotask contract's start
 * day — so other dates fall in the same periods the API uses.
 */
export function podTiming(p: Proposal, billingDate: string, date: string, cycle: Cycle, connectWise: boolean): WriteTiming {
  const periodStart = addDays(p.effectiveDate, p.remainingDays - p.periodDays);
  const prorates = p.writeMode === "with-date";
  const facts = connectWise || !prorates
    ? { psa: "connectwise" as const, prorates, billingCycle: cycle, startDate: null }
    : { psa: "autotask" as const, prorates: true, billingCycle: cycle, startDate: periodStart };
  return planWriteTiming(facts, date, billingDate);
}
