/**
 * Turns row drafts into finished ReconRows: target line, quantities, price,
 * money, status, reasons and the default proposal.
 */
import Big from "big.js";
import { formatDecimal } from "../shared/decimal.ts";
import type { RowDraft, UnmappedDraft } from "./allocate.ts";
import { describeWaiting, findWaitingSources, type SourceCalendar, type Waiting } from "./calendar.ts";
import { findDismissal } from "./dismissal.ts";
import type { LatestCount } from "./latest-counts.ts";
import { billedUnits, type BilledChange, computeMargin, computeMonthlyImpact, displayMinor, exactPrice, type ExactPrice, oneLineImpact, resolvePrice, type RowPrice } from "./money.ts";
import { compareIds } from "./order.ts";
import { PROPOSABLE_STATUSES, proposeDefault } from "./proposal.ts";
import { compareQuantities, formatQuantity, parseQuantity, subtractQuantities, type Quantity } from "./quantity.ts";
import { describeRow, describeWarnings } from "./reasons.ts";
import { decideStatus, findStaleSources, findSuspectSources } from "./status.ts";
import type { ProductLines, TenantIndex } from "./tenant-index.ts";
import type { AgreementInput, BillingCycle, LineInput, ReconRow, RowLine, RowSource, ServiceCategory } from "./types.ts";
import { firstOfNextMonth } from "../shared/dates.ts";
import { type AgreementTimingFacts, planWriteTiming, type WriteTiming } from "./write-timing.ts";

export interface RowContext {
  index: TenantIndex;
  now: Date;
  nowMs: number;
  staleAfterHours: number;
  /** Suspect serviceId → number of accounts reporting it. */
  suspect: ReadonlyMap<string, number>;
  /** Arrears calendars by integration, and service categories (calendars may apply to consumption only). */
  calendars: ReadonlyMap<string, SourceCalendar>;
  categories: ReadonlyMap<string, ServiceCategory>;
  /** Write timing of the default proposal, by agreement (or cycle, for a row without one) and by timing facts (planTiming), filled as rows need it. */
  timings: Map<AgreementInput | string, WriteTiming>;
}

export function buildRow(draft: RowDraft, ctx: RowContext): ReconRow {
  // Sources in one order before anything reads them, so reasons don't depend on the order counts were loaded in.
  sortSources(draft.sources);
  const group = draft.group;
  const targetIndex = group ? pickTargetLine(group) : -1;
  const target = group && targetIndex >= 0 ? (group.lines[targetIndex] ?? null) : null;
  const psa = group ? group.total : 0;
  const variance = draft.vendor === null ? null : subtractQuantities(draft.vendor, psa);
  // The tenant-wide estimate is only read for a row without a line of its own.
  const estimate = target ? undefined : ctx.index.catalog.get(draft.productKey);
  // The target's price is looked up once: the row's price, and its entry in the line list.
  const price = resolvePrice(target, estimate);
  const cycle = draft.agreement ? draft.agreement.billingCycle : (estimate?.billingCycle ?? "monthly");
  const suspectSources = findSuspectSources(draft.sources, ctx.suspect);
  const staleSources = findStaleSources(draft.sources, ctx.nowMs, ctx.staleAfterHours);
  const waitingSources = ctx.calendars.size === 0 ? NO_WAITING : findWaitingSources(draft.sources, ctx.calendars, ctx.categories, ctx.now);
  const flatRate = draft.agreement?.flatRate ?? false;
  const status = decideStatus({ flatRate, hasLines: group !== null, variance, suspectSources, staleSources, waitingSources });
  const margin = computeMargin(price);
  const row: ReconRow = {
    key: draft.key,
    status,
    companyId: draft.companyId,
    companyName: ctx.index.companies.get(draft.companyId)?.name ?? null,
    agreementId: draft.agreement?.id ?? null,
    agreementName: draft.agreement?.name ?? null,
    productKey: draft.productKey,
    productName: price.productName,
    psaQuantity: formatQuantity(psa),
    vendorQuantity: draft.vendor === null ? null : formatQuantity(draft.vendor),
    variance: variance === null ? null : formatQuantity(variance),
    unitPriceMinor: displayMinor(price, "price"),
    unitCostMinor: displayMinor(price, "cost"),
    unitPrice: price.priceText,
    unitCost: price.costText,
    priceSource: price.priceSource,
    currency: price.currency,
    monthlyImpactMinor: monthlyImpactOf(group, target, targetIndex, variance, price, cycle),
    unitMarginMinor: margin.unitMarginMinor,
    marginPct: margin.marginPct,
    lines: group ? toRowLines(group, targetIndex, price.priceText) : [],
    targetLineId: target?.id ?? null,
    sources: draft.sources.length === 1 ? [(draft.sources[0] as LatestCount).source] : draft.sources.map(toSource),
    asOf: oldestObservedAt(draft.sources),
    billingDate: ctx.index.billingDate,
    upcoming: draft.agreement ? (ctx.index.upcoming.get(draft.agreement.id)?.get(draft.productKey) ?? []) : [],
    pooled: draft.pool
      ? { agreements: draft.pool.agreements, vendorTotal: formatQuantity(draft.pool.vendorTotal), psaTotal: formatQuantity(draft.pool.psaTotal), targetAgreementId: draft.pool.target.id }
      : null,
    proposal: null,
    dismissed: null,
    reasons: [],
  };
  row.dismissed = ctx.index.dismissals.size === 0 ? null : findDismissal(row, draft.agreement, ctx.index.dismissals, ctx.index.today);
  const reasons = describeRow(row, draft, { suspectSources, staleSources }, ctx, estimate);
  row.reasons = waitingSources.length === 0 ? reasons : [...waitingSources.map(describeWaiting), ...reasons];
  if (!draft.pool || draft.pool.target.id === draft.agreement?.id) attachProposal(row, cycle, draft.agreement, ctx);
  return row;
}

const NO_WAITING: readonly Waiting[] = [];

function toSource(source: LatestCount): RowSource {
  return source.source;
}

/** Σ Δbilled × price per month; the usual change (all of it on one line, nothing included) without building the line list. */
function monthlyImpactOf(group: ProductLines | null, target: LineInput | null, targetIndex: number, variance: Quantity | null, price: RowPrice, cycle: BillingCycle): number | null {
  if (variance === null) return null;
  if (group && target && price.minor && target.lessIncluded === "0") {
    const from = group.quantities[targetIndex];
    const impact = from === undefined ? undefined : oneLineImpact(from, variance, price.minor.price, cycle);
    if (impact !== undefined) return impact;
  }
  return computeMonthlyImpact(billedChanges(group, target, variance, price), price.currency, cycle);
}

/**
 * The variance in billed units, line by line: it lands on the target line;
 * a decrease larger than the target line takes the rest from the next
 * largest lines (ties → smallest id) — how it would be split by hand. Each
 * line's billed units are max(0, quantity − lessIncluded) at its own price.
 * Without a line (a missing line) the estimate's price applies, nothing included.
 */
function billedChanges(group: ProductLines | null, target: LineInput | null, variance: Quantity, estimate: RowPrice): BilledChange[] | null {
  if (!group || !target) return estimate.unitPrice === null ? null : [{ billedDelta: new Big(formatQuantity(variance)), unitPrice: estimate.unitPrice, minorPrice: estimate.minor?.price ?? null }];
  const fast = integerChanges(group, target, variance);
  if (fast) return fast;
  const order = group.lines
    .map((line, i) => ({ line, quantity: group.quantities[i] ?? parseQuantity(line.quantity) }))
    .sort((a, b) => (a.line === target ? -1 : b.line === target ? 1 : compareQuantities(b.quantity, a.quantity) || compareIds(a.line.id, b.line.id)));
  let left = new Big(formatQuantity(variance));
  const changes: BilledChange[] = [];
  for (const { line, quantity } of order) {
    if (left.eq(0)) break;
    const from = new Big(formatQuantity(quantity));
    const to = left.s > 0 || from.plus(left).gte(0) ? from.plus(left) : new Big(0);
    left = left.minus(to.minus(from));
    const included = new Big(line.lessIncluded);
    const exact = exactPrice(line);
    changes.push({ billedDelta: billedUnits(to, included).minus(billedUnits(from, included)), unitPrice: exact.unitPrice, minorPrice: exact.minor?.price ?? null });
  }
  return changes;
}

/**
 * The common case in plain integers (whole quantities, nothing included, a
 * single line or an increase): the same changes as below, without big.js.
 */
function integerChanges(group: ProductLines, target: LineInput, variance: Quantity): BilledChange[] | null {
  if (typeof variance !== "number" || target.lessIncluded !== "0") return null;
  const index = group.lines.indexOf(target);
  const from = group.quantities[index];
  if (typeof from !== "number" || (variance < 0 && from + variance < 0)) return null;
  const exact = exactPrice(target);
  if (!exact.minor) return null;
  return [new IntegerChange(variance, exact.minor.price, exact)];
}

/** A whole-unit change at a whole minor-unit price; big.js values only if a caller asks (a class: one shape for 20,000 rows). */
class IntegerChange implements BilledChange {
  readonly delta: number;
  readonly minorPrice: number;
  readonly #exact: ExactPrice;
  constructor(delta: number, minorPrice: number, exact: ExactPrice) {
    this.delta = delta;
    this.minorPrice = minorPrice;
    this.#exact = exact;
  }
  get billedDelta(): Big {
    return new Big(this.delta);
  }
  get unitPrice(): Big {
    return this.#exact.unitPrice;
  }
}

function sortSources(sources: LatestCount[]): LatestCount[] {
  if (sources.length < 2) return sources;
  return sources.sort((a, b) => compareIds(a.count.accountId, b.count.accountId) || compareIds(a.count.serviceId, b.count.serviceId));
}

/** The index of the line with the largest quantity; ties go to the smallest line id (-1 when there is none). */
function pickTargetLine(group: ProductLines): number {
  const lines = group.lines;
  if (lines.length === 1) return 0;
  let best = -1;
  let bestQuantity: Quantity = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as LineInput;
    const quantity = group.quantities[i] ?? parseQuantity(line.quantity);
    const order = best < 0 ? 1 : compareQuantities(quantity, bestQuantity) || -compareIds(line.id, (lines[best] as LineInput).id);
    if (order > 0) {
      best = i;
      bestQuantity = quantity;
    }
  }
  return best;
}

function toRowLines(group: ProductLines, targetIndex: number, targetPriceText: string | null): RowLine[] {
  // Most groups hold one line: a literal, no callback or sort.
  if (group.lines.length === 1) return [toRowLine(group, 0, targetIndex, targetPriceText)];
  const rowLines = group.lines.map((_, i) => toRowLine(group, i, targetIndex, targetPriceText));
  return rowLines.sort((a, b) => compareIds(a.lineId, b.lineId));
}

function toRowLine(group: ProductLines, i: number, targetIndex: number, targetPriceText: string | null): RowLine {
  const line = group.lines[i] as LineInput;
  return {
    lineId: line.id,
    quantity: formatQuantity(group.quantities[i] ?? parseQuantity(line.quantity)),
    unitPriceMinor: line.unitPriceMinor,
    unitPrice: i === targetIndex && targetPriceText !== null ? targetPriceText : exactPrice(line).priceText,
    lessIncluded: line.lessIncluded === "0" ? "0" : formatQuantity(parseQuantity(line.lessIncluded)),
  };
}

function oldestObservedAt(sources: readonly LatestCount[]): string | null {
  // An unreadable time counts as the oldest: it can't vouch for freshness. (Indexed: see status.ts.)
  let oldest: LatestCount | null = null;
  let oldestMs = Infinity;
  for (let i = 0; i < sources.length; i++) {
    const s = sources[i] as LatestCount;
    const ms = Number.isNaN(s.observedMs) ? -Infinity : s.observedMs;
    if (oldest === null || ms < oldestMs) {
      oldest = s;
      oldestMs = ms;
    }
  }
  return oldest?.count.observedAt ?? null;
}

function attachProposal(row: ReconRow, cycle: BillingCycle, agreement: AgreementInput | null, ctx: RowContext): void {
  if (!PROPOSABLE_STATUSES.has(row.status)) return;
  const proposal = proposeDefault(row, ctx.index.billingDate, planTiming(ctx, cycle, agreement));
  if (proposal.ok) row.proposal = proposal.value;
  else row.reasons.push(`No change is proposed: ${proposal.error}`);
}

/**
 * How a change of this agreement reaches the PSA from the billing date: the
 * same for all its rows, and for every agreement with the same timing facts
 * (PSA, proration, cycle; the start date only anchors Autotask periods), so
 * planned once per run for each set of facts, not once per agreement.
 */
function planTiming(ctx: RowContext, cycle: BillingCycle, agreement: AgreementInput | null): WriteTiming {
  const key = agreement ?? cycle;
  let timing = ctx.timings.get(key);
  if (!timing) {
    const facts: AgreementTimingFacts = { billingCycle: cycle, startDate: null, ...agreement };
    const factsKey = `${facts.psa}|${facts.prorates}|${facts.billingCycle}|${facts.psa === "autotask" ? facts.startDate : ""}`;
    timing = ctx.timings.get(factsKey) ?? planWriteTiming(facts, ctx.index.billingDate, firstOfNextMonth(ctx.now));
    ctx.timings.set(factsKey, timing);
    ctx.timings.set(key, timing);
  }
  return timing;
}

export function buildUnmappedRow(draft: UnmappedDraft, ctx: RowContext): ReconRow {
  const { source } = draft;
  const what =
    draft.status === "unmapped-account"
      ? `Vendor account ${source.source.accountName} is not mapped to a PSA company.`
      : `Vendor service ${source.source.serviceName} is not mapped to a PSA product.`;
  const warnings = {
    suspectSources: findSuspectSources([source], ctx.suspect),
    staleSources: findStaleSources([source], ctx.nowMs, ctx.staleAfterHours),
  };
  return {
    key: draft.key,
    status: draft.status,
    companyId: draft.companyId,
    companyName: draft.companyId === null ? null : (ctx.index.companies.get(draft.companyId)?.name ?? null),
    agreementId: null,
    agreementName: null,
    productKey: null,
    productName: null,
    psaQuantity: "0",
    vendorQuantity: source.source.quantity,
    variance: null,
    unitPriceMinor: null,
    unitCostMinor: null,
    unitPrice: null,
    unitCost: null,
    priceSource: null,
    currency: null,
    monthlyImpactMinor: null,
    unitMarginMinor: null,
    marginPct: null,
    lines: [],
    targetLineId: null,
    sources: [source.source],
    asOf: source.count.observedAt,
    billingDate: ctx.index.billingDate,
    upcoming: [],
    pooled: null,
    proposal: null,
    dismissed: null,
    reasons: [what, ...describeWarnings(warnings, ctx)],
  };
}
