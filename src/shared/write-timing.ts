/**
 * When a change reaches the PSA and what it bills — so what the pod and the
 * API promise is what the PSA does (issue 9 §2). Pure.
 *
 * - ConnectWise applies a quantity PATCH at once; only agreements with
 *   prorateFlag take an effective date and prorate from it (API guide:
 *   Agreement `prorateFlag`, Addition `effectiveDate`; reference §7.1).
 *   · prorating agreement → "with-date": written now with the date, prorated
 *     within the agreement's billing period holding it;
 *   · otherwise a date on or before the next invoice's → "now": written at
 *     once, first billed by the next invoice, nothing prorated; a later date →
 *     "scheduled": held and written on that date (queue/cron), first billed
 *     by the invoice after it.
 * - Autotask records every change as a ContractServiceAdjustment with an
 *   effective date and prorates by it inside the contract's own periods
 *   (reference §3.3) → "with-date", periods anchored at the contract start.
 * - Anything else (demo data, no PSA) → "with-date" on calendar periods.
 */
import { addDays, billingPeriodContaining, type BillingCycle, type BillingPeriod } from "./dates.ts";

export type WriteMode = "now" | "with-date" | "scheduled";

export interface WriteTiming {
  mode: WriteMode;
  /** The day a scheduled write reaches the PSA; null = written when approved (so a row's proposal doesn't change by the day). */
  writeOn: string | null;
  /** The first invoice date that bills the new quantity in full. */
  firstBilledOn: string;
  /** Whether the PSA bills a prorated amount for the rest of `period`. */
  prorates: boolean;
  /** The PSA's own billing period holding the effective date. */
  period: BillingPeriod;
}

/** What of an agreement the rule needs (core/reconcile/types.ts AgreementInput has them). */
export interface AgreementTimingFacts {
  psa?: "connectwise" | "autotask" | "demo";
  prorates?: boolean;
  billingCycle: BillingCycle;
  startDate: string | null;
}

export function planWriteTiming(agreement: AgreementTimingFacts, effectiveDate: string, nextInvoice: string): WriteTiming {
  const anchored = agreement.psa === "autotask" ? (agreement.startDate?.slice(0, 10) ?? null) : null;
  const period = billingPeriodContaining(effectiveDate, agreement.billingCycle, anchored);
  const nextPeriodStart = addDays(period.end, 1);
  if (agreement.psa === "connectwise" && agreement.prorates !== true) {
    if (effectiveDate <= nextInvoice) return { mode: "now", writeOn: null, firstBilledOn: nextInvoice, prorates: false, period };
    const billedFrom = effectiveDate === period.start ? effectiveDate : nextPeriodStart;
    return { mode: "scheduled", writeOn: effectiveDate, firstBilledOn: billedFrom, prorates: false, period };
  }
  return { mode: "with-date", writeOn: null, firstBilledOn: effectiveDate === period.start ? effectiveDate : nextPeriodStart, prorates: true, period };
}
