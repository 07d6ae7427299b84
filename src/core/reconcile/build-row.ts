/**
 * Turns row drafts into finished ReconRows: target line, quantities, price,
 * money, status, reasons and the default proposal.
 */
import type { RowDraft, UnmappedDraft } from "./allocate.ts";
import type { LatestCount } from "./latest-counts.ts";
import { computeMargin, computeMonthlyImpact, resolvePrice, type RowPrice } from "./money.ts";
import { compareIds } from "./order.ts";
import { PROPOSABLE_STATUSES, proposeChange } from "./proposal.ts";
import { compareQuantities, formatQuantity, parseQuantity, subtractQuantities, type Quantity } from "./quantity.ts";
import { describeStale, describeSuspect, decideStatus, findStaleSources, findSuspectSources } from "./status.ts";
import type { ProductLines, TenantIndex } from "./tenant-index.ts";
import type { BillingCycle, LineInput, ReconRow, ReconStatus, RowLine } from "./types.ts";

export interface RowContext {
  index: TenantIndex;
  now: Date;
  nowMs: number;
  staleAfterHours: number;
  /** Suspect serviceId → number of accounts reporting it. */
  suspect: ReadonlyMap<string, number>;
}

export function buildRow(draft: RowDraft, ctx: RowContext): ReconRow {
  // Sources in one order before anything reads them, so reasons don't depend on the order counts were loaded in.
  sortSources(draft.sources);
  const target = draft.group ? pickTargetLine(draft.group) : null;
  const psa = draft.group?.total ?? 0;
  const variance = draft.vendor === null ? null : subtractQuantities(draft.vendor, psa);
  const catalog = ctx.index.catalog.get(draft.productKey);
  const price = resolvePrice(target, catalog?.line);
  const cycle = draft.agreement ? draft.agreement.billingCycle : (catalog?.billingCycle ?? "monthly");
  const suspectSources = findSuspectSources(draft.sources, ctx.suspect);
  const staleSources = findStaleSources(draft.sources, ctx.nowMs, ctx.staleAfterHours);
  const flatRate = draft.agreement?.flatRate ?? false;
  const status = decideStatus({ flatRate, hasLines: draft.group !== null, variance, suspectSources, staleSources });
  const row: ReconRow = {
    key: draft.key,
    status,
    companyId: draft.companyId,
    companyName: ctx.index.companies.get(draft.companyId)?.name ?? null,
    agreementId: draft.agreement?.id ?? null,
    agreementName: draft.agreement?.name ?? null,
    productKey: draft.productKey,
    productName: price.priceLine?.productName ?? null,
    psaQuantity: formatQuantity(psa),
    vendorQuantity: draft.vendor === null ? null : formatQuantity(draft.vendor),
    variance: variance === null ? null : formatQuantity(variance),
    unitPriceMinor: price.unitPriceMinor,
    unitCostMinor: price.unitCostMinor,
    priceSource: price.priceSource,
    currency: price.currency,
    monthlyImpactMinor: computeMonthlyImpact(variance, price.unitPriceMinor, cycle),
    ...computeMargin(price.unitPriceMinor, price.unitCostMinor),
    lines: draft.group ? toRowLines(draft.group) : [],
    targetLineId: target?.id ?? null,
    sources: draft.sources.map((s) => s.source),
    asOf: oldestObservedAt(draft.sources),
    proposal: null,
    reasons: [],
  };
  row.reasons = describeRow(row, draft, price, { suspectSources, staleSources }, ctx);
  attachProposal(row, cycle, ctx.now);
  return row;
}

function sortSources(sources: LatestCount[]): LatestCount[] {
  if (sources.length < 2) return sources;
  return sources.sort((a, b) => compareIds(a.count.accountId, b.count.accountId) || compareIds(a.count.serviceId, b.count.serviceId));
}

/** Largest quantity; ties go to the smallest line id. */
function pickTargetLine(group: ProductLines): LineInput | null {
  let best: LineInput | null = null;
  let bestQuantity: Quantity = 0;
  group.lines.forEach((line, i) => {
    const quantity = group.quantities[i] ?? parseQuantity(line.quantity);
    const order = best === null ? 1 : compareQuantities(quantity, bestQuantity) || -compareIds(line.id, best.id);
    if (order > 0) [best, bestQuantity] = [line, quantity];
  });
  return best;
}

function toRowLines(group: ProductLines): RowLine[] {
  const rowLines = group.lines.map((line, i) => ({
    lineId: line.id,
    quantity: formatQuantity(group.quantities[i] ?? parseQuantity(line.quantity)),
    unitPriceMinor: line.unitPriceMinor,
  }));
  return rowLines.length > 1 ? rowLines.sort((a, b) => compareIds(a.lineId, b.lineId)) : rowLines;
}

function oldestObservedAt(sources: readonly LatestCount[]): string | null {
  // An unreadable time counts as the oldest: it can't vouch for freshness.
  let oldest: LatestCount | null = null;
  let oldestMs = Infinity;
  for (const s of sources) {
    const ms = Number.isNaN(s.observedMs) ? -Infinity : s.observedMs;
    if (oldest === null || ms < oldestMs) [oldest, oldestMs] = [s, ms];
  }
  return oldest?.count.observedAt ?? null;
}

interface Warnings {
  suspectSources: readonly LatestCount[];
  staleSources: readonly LatestCount[];
}

const STATUS_REASONS: Partial<Record<ReconStatus, string>> = {
  "flat-rate": "Flat-rate agreement: quantities are shown for reference and no change is proposed.",
  "no-usage": "No vendor usage is mapped to this product, so there is nothing to compare.",
  suspect: "No change is proposed while the usage looks suspect.",
  stale: "No change is proposed until fresh usage arrives.",
};

function describeRow(row: ReconRow, draft: RowDraft, price: RowPrice, warnings: Warnings, ctx: RowContext): string[] {
  const reasons = describeWarnings(warnings, ctx);
  const statusReason = STATUS_REASONS[row.status];
  if (statusReason) reasons.push(statusReason);
  if (price.priceSource === "catalog-estimate" && price.priceLine) {
    reasons.push(`No line of this product on the agreement: the unit price is estimated from line ${price.priceLine.id} of the same product.`);
  }
  if (!draft.agreement) {
    const agreements = ctx.index.countingByCompany.get(draft.companyId)?.length ?? 0;
    reasons.push(
      agreements === 0
        ? "The company has no active agreement to bill this product on."
        : "The company has several agreements and none carries this product: choose the agreement to add it to.",
    );
  }
  if (row.variance !== null && row.variance !== "0" && row.unitPriceMinor === null) {
    reasons.push("No unit price is known for this product, so the money impact can't be computed.");
  }
  return reasons;
}

function describeWarnings(warnings: Warnings, ctx: RowContext): string[] {
  return [
    ...describeSuspect(warnings.suspectSources, ctx.suspect),
    ...warnings.staleSources.map((s) => describeStale(s, ctx.nowMs, ctx.staleAfterHours)),
  ];
}

function attachProposal(row: ReconRow, cycle: BillingCycle, now: Date): void {
  if (!PROPOSABLE_STATUSES.has(row.status)) return;
  const proposal = proposeChange(row, { now, billingCycle: cycle });
  if (proposal.ok) row.proposal = proposal.value;
  else row.reasons.push(`No change is proposed: ${proposal.error}`);
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
    priceSource: null,
    currency: null,
    monthlyImpactMinor: null,
    unitMarginMinor: null,
    marginPct: null,
    lines: [],
    targetLineId: null,
    sources: [source.source],
    asOf: source.count.observedAt,
    proposal: null,
    reasons: [what, ...describeWarnings(warnings, ctx)],
  };
}
