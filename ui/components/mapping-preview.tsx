/** What a mapping will do, before it is saved: the rows that appear, change or go, and the money per month. */
import type { MappingPreviewResponse, PreviewFigures } from "../../src/shared/api-types.ts";
import { formatMoney, formatQuantity, formatVariance } from "../lib/format.ts";
import { STATUS_META } from "../lib/rows.ts";

function figure(f: PreviewFigures | null): string {
  if (!f) return "gone";
  const money = f.monthlyImpactMinor !== null && f.currency ? ` · ${formatMoney(f.monthlyImpactMinor, f.currency, undefined, true)}/mo${f.priceSource === "catalog-estimate" ? " (estimate)" : ""}` : "";
  const qty = f.vendorQuantity === null ? "" : ` · vendor ${formatQuantity(f.vendorQuantity)} vs PSA ${formatQuantity(f.psaQuantity)}${f.variance ? ` (${formatVariance(f.variance)})` : ""}`;
  return `${STATUS_META[f.status].label}${qty}${money}`;
}

function moneyLine(t: MappingPreviewResponse["totals"][number]): string {
  const parts = [];
  if (t.underBilledDeltaMinor !== 0) parts.push(`under-billed ${formatMoney(t.underBilledDeltaMinor, t.currency, undefined, true)}/month`);
  if (t.overBilledDeltaMinor !== 0) parts.push(`over-billed ${formatMoney(t.overBilledDeltaMinor, t.currency, undefined, true)}/month`);
  return parts.join(", ");
}

export function PreviewSummary({ preview, lead = "This mapping will:" }: { preview: MappingPreviewResponse; lead?: string }) {
  const money = preview.totals.map(moneyLine).filter(Boolean);
  return (
    <div class="preview" role="status" data-preview>
      <p class="small">
        <b>{lead}</b> {preview.changes.length === 0 ? "change no row." : `change ${preview.changes.length} row${preview.changes.length === 1 ? "" : "s"}`}
        {money.length > 0 ? `; totals move by ${money.join("; ")}.` : preview.changes.length > 0 ? "; the totals stay the same." : ""}
      </p>
      <ul class="small">
        {preview.changes.slice(0, 8).map((c) => (
          <li key={c.key}>
            {c.change === "appears" ? "New" : c.change === "disappears" ? "Removed" : "Changed"}: <b>{c.title}</b>
            {c.agreementName ? ` on ${c.agreementName}` : c.companyName ? ` (${c.companyName})` : ""} — {c.before ? `${figure(c.before)} → ` : ""}
            {figure(c.after)}
          </li>
        ))}
        {preview.changes.length > 8 && <li class="muted">and {preview.changes.length - 8} more</li>}
      </ul>
      {preview.truncated && <p class="small muted">More companies use this service than are shown here.</p>}
    </div>
  );
}
