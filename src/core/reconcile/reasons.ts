/**
 * The human-readable reasons on a row: warnings (stale, suspect), why the
 * status has no proposal, where an estimated price comes from, lines that
 * start or end around the billing date, and company-wide comparisons.
 */
import type { RowContext } from "./build-row.ts";
import type { RowDraft } from "./allocate.ts";
import type { LatestCount } from "./latest-counts.ts";
import { describeStale, describeSuspect } from "./status.ts";
import type { CatalogEntry, ReconRow, ReconStatus } from "./types.ts";

export interface Warnings {
  suspectSources: readonly LatestCount[];
  staleSources: readonly LatestCount[];
}

const STATUS_REASONS: Partial<Record<ReconStatus, string>> = {
  "flat-rate": "Flat-rate agreement: quantities are shown for reference and no change is proposed.",
  "no-usage": "No vendor usage is mapped to this product, so there is nothing to compare.",
  suspect: "No change is proposed while the usage looks suspect.",
  stale: "No change is proposed until fresh usage arrives.",
  waiting: "No change is proposed until the month the next invoice needs has arrived.",
};

export function describeRow(row: ReconRow, draft: RowDraft, warnings: Warnings, ctx: RowContext, estimate: CatalogEntry | undefined): string[] {
  const reasons = describeWarnings(warnings, ctx);
  const statusReason = STATUS_REASONS[row.status];
  if (statusReason) reasons.push(statusReason);
  if (row.priceSource === "catalog-estimate" && estimate) {
    const lines = estimate.lineCount === 1 ? "1 current line" : `${estimate.lineCount} current lines`;
    reasons.push(`Estimated price: no line of this product on the agreement, so the price is the product's most common price in the PSA (${estimate.unitPrice} ${estimate.currency}, on ${lines}).`);
  }
  if (!draft.agreement) {
    const agreements = ctx.index.countingByCompany.get(draft.companyId)?.length ?? 0;
    reasons.push(
      agreements === 0
        ? "The company has no active agreement to bill this product on."
        : "The company has several agreements and none carries this product: choose the agreement to add it to.",
    );
  }
  for (const u of row.upcoming) {
    reasons.push(
      u.change === "starts"
        ? `Line ${u.lineId} (${u.quantity}) starts on ${u.date}, after the invoice of ${row.billingDate}: shown, not counted.`
        : `Line ${u.lineId} (${u.quantity}) ends on ${u.date}.`,
    );
  }
  if (draft.pool) {
    const target = draft.pool.target;
    reasons.push(
      `The company uses ${row.pooled?.vendorTotal} against ${row.pooled?.psaTotal} billed on ${draft.pool.agreements} agreements: ` +
        (target.id === draft.agreement?.id ? "the difference is proposed here." : `the difference is proposed on ${target.name}.`),
    );
  }
  if (row.variance !== null && row.variance !== "0" && row.unitPrice === null) {
    reasons.push("No unit price is known for this product, so the money impact can't be computed.");
  }
  return reasons;
}

export function describeWarnings(warnings: Warnings, ctx: RowContext): string[] {
  // Most rows have neither: no arrays to spread.
  if (warnings.suspectSources.length === 0 && warnings.staleSources.length === 0) return [];
  return [
    ...describeSuspect(warnings.suspectSources, ctx.suspect),
    ...warnings.staleSources.map((s) => describeStale(s, ctx.nowMs, ctx.staleAfterHours)),
  ];
}
