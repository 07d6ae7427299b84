/**
 * What a row says beyond its figures: lines that start or end around the
 * billing date ("+10 from Jan 14", not counted), the company-wide comparison
 * when the product is on several agreements, the count rule that turned the
 * vendor's count into the billed one ("44 total → min 50 → 50"), the estimate label of a price
 * taken from other lines, and a dismissal with its reason, who made it and Undo.
 */
import type { ReconRow } from "../../src/shared/api-types.ts";
import { formatInstant, formatQuantity } from "../lib/format.ts";
import { upcomingText } from "../lib/rows.ts";
import type { ViewStore } from "../state/view-store.ts";

export function RowNotes({ row }: { row: ReconRow }) {
  const upcoming = row.upcoming ?? [];
  const rules = [...new Set(row.sources.flatMap((s) => (s.rule ? [s.rule] : [])))];
  return (
    <>
      {rules.map((r) => (
        <div class="why" key={r} data-rule>
          Billed count: {r}
        </div>
      ))}
      {upcoming.map((u) => (
        <div class="why" key={u.lineId} data-upcoming>
          {upcomingText(u)} (not counted yet)
        </div>
      ))}
      {row.pooled && (
        <div class="why" data-pooled>
          Compared company-wide: {formatQuantity(row.pooled.vendorTotal)} used vs {formatQuantity(row.pooled.psaTotal)} billed on {row.pooled.agreements} agreements
          {row.pooled.targetAgreementId === row.agreementId ? "; the change goes on this agreement" : "; the change goes on another agreement"}
        </div>
      )}
      {row.priceSource === "catalog-estimate" && (
        <div class="why" data-estimate>
          Price is an estimate: the product's most common price on your other agreements
        </div>
      )}
    </>
  );
}

export function DismissedLine({ row, store, busy }: { row: ReconRow; store: ViewStore; busy: boolean }) {
  const d = row.dismissed;
  if (!d || row.agreementId === null || row.productKey === null) return null;
  const undo = () =>
    void store.decide(row.key, { agreementId: row.agreementId as string, productKey: row.productKey as string, action: "revert", revertsDecisionId: d.decisionId });
  return (
    <>
      <span class="wb dismissed" data-dismissed>
        Dismissed by {store.nameOf(d.by)} on {formatInstant(d.at)}: {d.reason ?? "no reason given"}
      </span>
      <button class="btn" data-action="undo-dismiss" onClick={undo} disabled={busy}>
        Undo
      </button>
    </>
  );
}
