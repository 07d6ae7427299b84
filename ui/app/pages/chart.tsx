/**
 * Two small plain-SVG charts: money under-/over-billed per month over the
 * last 12 months (paired bars), and by vendor (horizontal bars). Every bar has
 * a <title>, and the figures are also in a visually hidden table for screen readers.
 */
import { formatMoney } from "../../lib/format.ts";
import type { ReconSummary } from "../lib/types.ts";

const W = 520;
const H = 150;

function monthLabel(period: string): string {
  const [y, m] = period.split("-").map(Number);
  return new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, 1)).toLocaleString(undefined, { month: "short", timeZone: "UTC" });
}

export function MonthChart({ summary, currency }: { summary: ReconSummary; currency: string }) {
  const months = summary.byMonth.filter((m) => (m.currency ?? currency) === currency).slice(-12);
  if (months.length === 0) return <p class="muted small">No history yet: the month totals are recorded every quarter hour from now on.</p>;
  const max = Math.max(1, ...months.map((m) => Math.max(m.underBilledMinor, m.overBilledMinor)));
  const slot = W / 12;
  const bar = Math.max(4, slot / 2 - 4);
  const h = (v: number) => Math.round((v / max) * (H - 24));
  const demo = months.some((m) => m.demo);
  return (
    <figure class="chart">
      <figcaption>
        Under-/over-billed per month, {currency} · tallest bar {formatMoney(max, currency)}
        {demo ? " · earlier months are demo data" : ""}
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Under- and over-billed per month, last ${months.length} months`}>
        <line class="axis" x1="0" x2={W} y1={H - 18} y2={H - 18} />
        {months.map((m, i) => {
          // The latest month sits at the right edge; missing history leaves the left empty.
          const x = (12 - months.length + i) * slot + 4;
          return (
            <g key={m.period}>
              <rect class="b-up" x={x} y={H - 18 - h(m.underBilledMinor)} width={bar} height={h(m.underBilledMinor)}>
                <title>{`${m.period}: under-billed ${formatMoney(m.underBilledMinor, currency)}`}</title>
              </rect>
              <rect class="b-down" x={x + bar + 2} y={H - 18 - h(m.overBilledMinor)} width={bar} height={h(m.overBilledMinor)}>
                <title>{`${m.period}: over-billed ${formatMoney(m.overBilledMinor, currency)}`}</title>
              </rect>
              <text x={x + bar} y={H - 4} text-anchor="middle">
                {monthLabel(m.period)}
              </text>
            </g>
          );
        })}
      </svg>
      <p class="legend small">
        <span class="k-up" /> under-billed <span class="k-down" /> over-billed
      </p>
      <table class="sr">
        <caption>Per month</caption>
        <tbody>
          {months.map((m) => (
            <tr key={m.period}>
              <th>{m.period}</th>
              <td>{formatMoney(m.underBilledMinor, currency)}</td>
              <td>{formatMoney(m.overBilledMinor, currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

export function VendorChart({ summary, currency }: { summary: ReconSummary; currency: string }) {
  const vendors = summary.byVendor.filter((v) => (v.currency ?? currency) === currency);
  if (vendors.length === 0) return null;
  const max = Math.max(1, ...vendors.map((v) => v.underBilledMinor + v.overBilledMinor));
  const rowH = 22;
  return (
    <figure class="chart">
      <figcaption>By vendor, this month</figcaption>
      <svg viewBox={`0 0 ${W} ${vendors.length * rowH}`} role="img" aria-label="Under- and over-billed by vendor">
        {vendors.map((v, i) => {
          const u = Math.round((v.underBilledMinor / max) * (W - 290));
          const o = Math.round((v.overBilledMinor / max) * (W - 290));
          return (
            <g key={v.integrationId} transform={`translate(0 ${i * rowH})`}>
              <text x="0" y="15">{v.name.length > 30 ? `${v.name.slice(0, 29)}…` : v.name}</text>
              <rect class="b-up" x="200" y="4" width={u} height="14">
                <title>{`${v.name}: under-billed ${formatMoney(v.underBilledMinor, currency)}`}</title>
              </rect>
              <rect class="b-down" x={200 + u} y="4" width={o} height="14">
                <title>{`${v.name}: over-billed ${formatMoney(v.overBilledMinor, currency)}`}</title>
              </rect>
              <text x={206 + u + o} y="15">{formatMoney(v.underBilledMinor + v.overBilledMinor, currency)}</text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}
