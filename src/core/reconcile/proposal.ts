/**
 * Change proposals: the quantity to write to a PSA line (or the line to add),
 * from when, and what the rest of the current billing period costs.
 *
 * proposeChange works on a finished row so the UI can re-propose when the
 * user picks another line of the row or another effective date; the engine
 * uses the same function for the default proposal, so both always agree.
 */
import Big from "big.js";
import { parseDecimal, scaledIntegerOfText, toBig } from "../shared/decimal.ts";
import { billingPeriodContaining, type BillingPeriod, daysBetween, firstOfNextMonth, parseIsoDate, toIsoDate } from "../shared/dates.ts";
import { err, ok, type Result } from "../shared/result.ts";
import { billedUnits, toMinor, wholeProration } from "./money.ts";
import { type AgreementTimingFacts, planWriteTiming, type WriteTiming } from "./write-timing.ts";
import { addQuantities, formatQuantity, parseQuantity, signOfQuantity, type Quantity } from "./quantity.ts";
import type { BillingCycle, DecimalString, Proposal, ReconRow, ReconStatus, RowLine } from "./types.ts";

export const PROPOSABLE_STATUSES: ReadonlySet<ReconStatus> = new Set<ReconStatus>(["increase", "decrease", "missing-line"]);

export interface ProposeOptions {
  now: Date;
  /** The agreement's cycle (unit prices are per cycle; periods follow it). */
  billingCycle: BillingCycle;
  /** How the agreement's PSA takes a change (absent: written with the date, calendar periods). */
  agreement?: Pick<AgreementTimingFacts, "psa" | "prorates" | "startDate">;
  /** Another line of the row to write the change to (default: row.targetLineId). */
  lineId?: string;
  /** Strict `YYYY-MM-DD`, today or later (default: the 1st of next month, UTC). */
  effectiveDate?: string;
}

export function proposeChange(row: ReconRow, opts: ProposeOptions): Result<Proposal, string> {
  if (!PROPOSABLE_STATUSES.has(row.status) || row.variance === null) return err(`No change can be proposed for a ${row.status} row.`);
  const line = selectLine(row, opts.lineId);
  if (!line.ok) return line;
  const effective = resolveEffectiveDate(opts);
  if (!effective.ok) return effective;
  const timing = planWriteTiming({ billingCycle: opts.billingCycle, startDate: null, ...opts.agreement }, effective.value, firstOfNextMonth(opts.now));
  return proposeOnLine(row, row.variance, line.value, effective.value, timing);
}

/**
 * The engine's default proposal: the target line from the billing date (the
 * 1st of next month), with the timing the engine plans once per run for
 * each set of agreement timing facts (planWriteTiming for that date) — what proposeChange gives for it.
 */
export function proposeDefault(row: ReconRow, billingDate: string, timing: WriteTiming): Result<Proposal, string> {
  if (!PROPOSABLE_STATUSES.has(row.status) || row.variance === null) return err(`No change can be proposed for a ${row.status} row.`);
  const line = selectLine(row, undefined);
  if (!line.ok) return line;
  return proposeOnLine(row, row.variance, line.value, billingDate, timing);
}

function proposeOnLine(row: ReconRow, variance: DecimalString, line: RowLine | null, effective: string, timing: WriteTiming): Result<Proposal, string> {
  const fromQuantity = line?.quantity ?? "0";
  const from = parseQuantity(fromQuantity);
  const to = addQuantities(from, parseQuantity(variance));
  if (signOfQuantity(to) < 0) {
    const where = line ? `line ${line.lineId}` : "the line";
    return err(`The decrease of ${variance.slice(1)} is larger than the ${fromQuantity} on ${where}; split it across the lines by hand.`);
  }
  // Nothing to work out when the PSA won't prorate or the date starts its period.
  const prorates = timing.prorates && effective !== timing.period.start;
  const remainingDays = remainingDaysOf(timing.period, effective);
  const { canApply, reason } = applicability(row);
  return ok({
    targetLineId: line?.lineId ?? null,
    fromQuantity,
    toQuantity: formatQuantity(to),
    effectiveDate: effective,
    writeMode: timing.mode,
    writeOn: timing.writeOn,
    firstBilledOn: timing.firstBilledOn,
    prorationMinor: prorates ? prorationOf(row, line, from, to, timing.period, effective) : null,
    remainingDays,
    periodDays: timing.period.days,
    canApply,
    reason,
  });
}

/**
 * Proration follows billed units at the line's exact price (a missing line:
 * the row's estimate, nothing included). Whole quantities at a short decimal
 * price take the integer path (same figure); anything else big.js.
 */
function prorationOf(row: ReconRow, line: RowLine | null, from: Quantity, to: Quantity, period: BillingPeriod, effective: string): number | null {
  const priceText = line ? line.unitPrice : row.unitPrice;
  if (priceText === null) return null;
  const currency = row.currency ?? "USD";
  if (typeof from === "number" && typeof to === "number" && scaledIntegerOfText(priceText, 6) !== null) {
    const included = line ? parseQuantity(line.lessIncluded) : 0;
    const change = typeof included === "number" ? wholeBilledUnits(to, included) - wholeBilledUnits(from, included) : Number.NaN;
    const minor = Number.isSafeInteger(change) ? wholeProration(change, remainingDaysOf(period, effective), priceText, period.days, currency) : undefined;
    if (minor !== undefined) return minor;
  }
  const price = toBig(priceText);
  const included = line ? toBig(line.lessIncluded) : new Big(0);
  const billedChange = billedUnits(new Big(formatQuantity(to)), included).minus(billedUnits(new Big(line?.quantity ?? "0"), included));
  return prorateOver(period, effective, billedChange, price, currency).prorationMinor;
}

/** billedUnits in safe integers (NaN when the difference isn't one: then big.js decides). */
function wholeBilledUnits(quantity: number, included: number): number {
  const billed = quantity - included;
  return !Number.isSafeInteger(billed) ? Number.NaN : billed > 0 ? billed : 0;
}

/** A missing line is added to the row's agreement; a `co:` row has none (the company has no counting agreement to add it to). */
function applicability(row: ReconRow): { canApply: boolean; reason: string | null } {
  if (row.agreementId === null) return { canApply: false, reason: "No agreement to add the line to: the company has no counting agreement. Add one in the PSA (or pin the account to an agreement), then approve." };
  return { canApply: true, reason: null };
}

function selectLine(row: ReconRow, lineId: string | undefined): Result<RowLine | null, string> {
  const wanted = lineId ?? row.targetLineId;
  if (wanted === null) return ok(null);
  for (const line of row.lines) if (line.lineId === wanted) return ok(line);
  return err(`Line ${wanted} is not one of this row's lines.`);
}

function resolveEffectiveDate(opts: ProposeOptions): Result<string, string> {
  if (opts.effectiveDate === undefined) return ok(firstOfNextMonth(opts.now));
  const parsed = parseIsoDate(opts.effectiveDate);
  if (!parsed.ok) return parsed;
  const today = toIsoDate(opts.now);
  if (parsed.value < today) return err(`The effective date ${parsed.value} is before today (${today}).`);
  return parsed;
}

export interface ProrationInput {
  effectiveDate: string;
  billingCycle: BillingCycle;
  /** The change in billed units. */
  quantityChange: DecimalString;
  /** Exact unit price in major units. */
  unitPrice: DecimalString | null;
  currency: string;
}

export interface ProrationPreview {
  /** remainingDays × billed change × unit price ÷ periodDays, in minor units, rounded once; null without a price. */
  prorationMinor: number | null;
  remainingDays: number;
  periodDays: number;
  periodStart: string;
  periodEnd: string;
}

/** The charge (or credit) for the rest of the billing period holding the effective date. */
export function previewProration(input: ProrationInput): Result<ProrationPreview, string> {
  const date = parseIsoDate(input.effectiveDate);
  if (!date.ok) return date;
  const change = parseDecimal(input.quantityChange);
  if (!change.ok) return change;
  return ok(prorate(date.value, input.billingCycle, toBig(change.value), input.unitPrice === null ? null : toBig(input.unitPrice), input.currency));
}

function prorate(effectiveDate: string, cycle: BillingCycle, billedChange: Big, unitPrice: Big | null, currency: string): ProrationPreview {
  return prorateOver(billingPeriodContaining(effectiveDate, cycle), effectiveDate, billedChange, unitPrice, currency);
}

function prorateOver(period: BillingPeriod, effectiveDate: string, billedChange: Big, unitPrice: Big | null, currency: string): ProrationPreview {
  const remainingDays = remainingDaysOf(period, effectiveDate);
  // Multiply everything first and divide once, so the only rounding is the last step.
  const prorationMinor = unitPrice === null ? null : toMinor(billedChange.times(remainingDays).times(unitPrice).div(period.days), currency);
  return { prorationMinor, remainingDays, periodDays: period.days, periodStart: period.start, periodEnd: period.end };
}

/** Days from a date to its period's end, kept per period object: the engine's rows of one agreement share one. */
const REMAINING = new WeakMap<BillingPeriod, { from: string; days: number }>();

function remainingDaysOf(period: BillingPeriod, effectiveDate: string): number {
  const known = REMAINING.get(period);
  if (known && known.from === effectiveDate) return known.days;
  const days = daysBetween(effectiveDate, period.end) + 1;
  REMAINING.set(period, { from: effectiveDate, days });
  return days;
}
