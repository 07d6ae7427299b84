/**
 * The board's rows grouped by customer, each group with its subtotal per
 * currency (of the rows loaded so far). Rows with a proposal can be selected
 * across customers; a row's name opens its drawer. Per-row progress of a bulk
 * run shows in the row.
 */
import type { ReconRowView } from "../../../src/shared/api-types.ts";
import { Badge } from "../../components/bits.tsx";
import { formatMoney, formatQuantity, formatVariance } from "../../lib/format.ts";
import { isProposable, rowTitle } from "../../lib/rows.ts";
import type { RowProgress } from "../lib/bulk-run.ts";
import { moneyByCurrency, type Group } from "../lib/board-groups.ts";

function subtotal(rows: readonly ReconRowView[]): string {
  const by = moneyByCurrency(rows);
  if (by.size === 0) return "—";
  return [...by].map(([c, m]) => formatMoney(m, c, undefined, true)).join(" · ");
}

const PROGRESS_LABEL: Record<RowProgress["state"], string> = {
  queued: "Queued",
  sending: "Sending…",
  pending: "Writing to the PSA…",
  applied: "PSA accepted",
  failed: "Failed",
  dismissed: "Dismissed",
};

/** A row with a proposal, not already decided in this session's bulk run (a failed one can be retried). */
function canSelect(row: ReconRowView, progress: ReadonlyMap<string, RowProgress>): boolean {
  const state = progress.get(row.key)?.state;
  return isProposable(row) && (state === undefined || state === "failed");
}

interface Props {
  groups: Group[];
  selected: ReadonlySet<string>;
  canDecide: boolean;
  progress: ReadonlyMap<string, RowProgress>;
  onToggle: (keys: string[], on: boolean) => void;
  onOpen: (row: ReconRowView) => void;
}

export function BoardTable({ groups, selected, canDecide, progress, onToggle, onOpen }: Props) {
  return (
    <table class="grid board">
      <caption class="sr">Rows grouped by customer</caption>
      <thead>
        <tr>
          {canDecide && <th class="c-sel"><span class="sr">Select</span></th>}
          <th>Product</th>
          <th>Status</th>
          <th class="num">PSA</th>
          <th class="num">Vendor</th>
          <th class="num">Change</th>
          <th class="num">Money / month</th>
        </tr>
      </thead>
      {groups.map((g) => {
        const selectable = g.rows.filter((r) => canSelect(r, progress)).map((r) => r.key);
        const all = selectable.length > 0 && selectable.every((k) => selected.has(k));
        return (
          <tbody key={g.companyId ?? ""} data-company={g.companyId ?? ""}>
            <tr class="group">
              {canDecide && (
                <td class="c-sel">
                  {selectable.length > 0 && <input type="checkbox" checked={all} aria-label={`Select all of ${g.name}`} onChange={() => onToggle(selectable, !all)} />}
                </td>
              )}
              <th scope="rowgroup" colSpan={5}>
                {g.name} <span class="muted small">· {g.rows.length} row{g.rows.length === 1 ? "" : "s"}</span>
              </th>
              <td class="num sub">{subtotal(g.rows)}</td>
            </tr>
            {g.rows.map((r) => {
              const p = progress.get(r.key);
              const title = rowTitle(r);
              return (
                <tr key={r.key} data-row={r.key} class={selected.has(r.key) ? "sel" : ""}>
                  {canDecide && (
                    <td class="c-sel">
                      {canSelect(r, progress) && <input type="checkbox" checked={selected.has(r.key)} aria-label={`Select ${title} for ${g.name}`} onChange={() => onToggle([r.key], !selected.has(r.key))} />}
                    </td>
                  )}
                  <td class="c-prod" data-label="Product">
                    <button type="button" class="link" onClick={() => onOpen(r)}>
                      {title}
                    </button>
                    {r.agreementName && <div class="muted small">{r.agreementName}</div>}
                    {p && (
                      <div class={`wb ${p.state}`} role="status">
                        {PROGRESS_LABEL[p.state]}
                        {p.message ? `: ${p.message}` : ""}
                      </div>
                    )}
                  </td>
                  <td data-label="Status">
                    <Badge status={r.status} />
                  </td>
                  <td class="num" data-label="PSA">{formatQuantity(r.psaQuantity)}</td>
                  <td class="num" data-label="Vendor">{r.vendorQuantity === null ? "—" : formatQuantity(r.vendorQuantity)}</td>
                  <td class="num" data-label="Change">{formatVariance(r.variance)}</td>
                  <td class="num money" data-label="Money / month">
                    {r.monthlyImpactMinor === null || !r.currency ? "—" : formatMoney(r.monthlyImpactMinor, r.currency, undefined, true)}
                  </td>
                </tr>
              );
            })}
          </tbody>
        );
      })}
    </table>
  );
}
