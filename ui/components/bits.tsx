/** Small presentational pieces: status badge, vendor figure with its sources, totals, skeleton rows. */
import type { ReconRowView, ReconStatus, ReconTotals } from "../../src/shared/api-types.ts";
import { formatAge, formatInstant, formatMoney, formatQuantity } from "../lib/format.ts";
import { STATUS_META } from "../lib/rows.ts";

export function Badge({ status }: { status: ReconStatus }) {
  const meta = STATUS_META[status];
  return (
    <span class={`badge t-${meta.tone}`} title={meta.hint}>
      {meta.label}
    </span>
  );
}

/** The vendor quantity; its sources and as-of times show on hover and on keyboard focus. */
export function VendorFigure({ row, now }: { row: ReconRowView; now: Date }) {
  if (row.vendorQuantity === null) return <span class="muted">—</span>;
  const id = `src-${row.key.replace(/[^A-Za-z0-9_-]/g, "_")}`;
  return (
    <span class="src">
      <button type="button" aria-describedby={id}>
        {formatQuantity(row.vendorQuantity)}
      </button>
      <span role="tooltip" id={id} class="tip">
        <ul>
          {row.sources.map((s) => (
            <li key={`${s.accountId}|${s.serviceId}`}>
              <b>{formatQuantity(s.quantity)}</b> {s.serviceName} · {s.accountName}
              <br />
              <span class="muted">
                as of {formatInstant(s.observedAt)} ({formatAge(s.observedAt, now)}) · {s.sourceKind}
              </span>
            </li>
          ))}
        </ul>
        {row.computedAt && <span class="muted">Computed {formatInstant(row.computedAt)}</span>}
      </span>
    </span>
  );
}

export function Totals({ totals, needAction, dismissed = 0, children }: { totals: ReconTotals[]; needAction: number; dismissed?: number; children?: preact.ComponentChildren }) {
  const list = totals.length > 0 ? totals : [{ currency: "USD", underBilledMonthlyMinor: 0, overBilledMonthlyMinor: 0 }];
  return (
    <div class="totals" role="group" aria-label="Totals per month">
      {list.map((t) => [
        <div class="fig" key={`u${t.currency}`}>
          <span class="small muted">Under-billed / month</span>
          <b class={t.underBilledMonthlyMinor > 0 ? "up" : ""}>{formatMoney(t.underBilledMonthlyMinor, t.currency)}</b>
        </div>,
        <div class="fig" key={`o${t.currency}`}>
          <span class="small muted">Over-billed / month</span>
          <b class={t.overBilledMonthlyMinor > 0 ? "down" : ""}>{formatMoney(t.overBilledMonthlyMinor, t.currency)}</b>
        </div>,
      ])}
      <div class="fig">
        <span class="small muted">Need action</span>
        <b>{needAction}</b>
      </div>
      {dismissed > 0 && (
        <div class="fig" data-fig="dismissed" title="Left out of the totals until the count changes">
          <span class="small muted">Dismissed</span>
          <b>{dismissed}</b>
        </div>
      )}
      <span class="spacer" />
      {children}
    </div>
  );
}

export function TotalsSkeleton() {
  return (
    <div class="totals" aria-hidden="true">
      {[0, 1, 2].map((i) => (
        <div class="fig" key={i}>
          <span class="skel" style={{ width: "90px", marginBottom: "6px" }} />
          <span class="skel" style={{ width: "70px", height: "18px" }} />
        </div>
      ))}
    </div>
  );
}

export function SkeletonRows({ count }: { count: number }) {
  return (
    <>
      {Array.from({ length: count }, (_, i) => (
        <tr key={i} class="skel-row" aria-hidden="true">
          {["c-status", "c-prod", "c-q num", "c-q num", "c-var num", "c-money num", "c-margin num", "c-acts"].map((c, j) => (
            <td key={j} class={c}>
              <span class="skel" style={{ width: j === 1 ? "70%" : "60%", marginLeft: c.includes("num") ? "auto" : "0" }} />
            </td>
          ))}
        </tr>
      ))}
    </>
  );
}
