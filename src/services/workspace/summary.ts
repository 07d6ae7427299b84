/**
 * `GET /api/v1/reconciliation/summary` for the board's chart and headline:
 * under-/over-billed money per month over the last 12 months (snapshots in
 * recon_month_totals; the current month live from the rows, like the board),
 * the current figures by vendor, "recovered this month" — applied increases
 * decided this month, each (new − old) × its line's unit price per month — and
 * how many rows were dismissed this month.
 */
import { readCurrentTotals, readMonthTotals, readVendorTotals, snapshotMonthTotals } from "../../db/repos/month-totals.ts";
import { readDecisionExportPage, type DecisionCursor } from "../../db/repos/decision-export.ts";
import type { Db } from "../../db/client.ts";
import type { ReconSummaryResponse } from "../../shared/workspace-types.ts";
import { decisionMonthlyMinor } from "./exports.ts";

export function periodOf(date: Date): string {
  return date.toISOString().slice(0, 7);
}

/** The period `months` before `period` (YYYY-MM). */
export function periodMinus(period: string, months: number): string {
  const [y, m] = period.split("-").map(Number) as [number, number];
  const index = y * 12 + (m - 1) - months;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** Quarter-hour cron: snapshot the current period (history accumulates). */
export async function snapshotCurrentMonth(db: Db, now: Date): Promise<void> {
  await snapshotMonthTotals(db, periodOf(now), now.toISOString());
}

async function monthDecisions(db: Db, tenantId: string, now: Date) {
  const from = `${periodOf(now)}-01T00:00:00.000Z`;
  const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString();
  const recovered = new Map<string, number>();
  let dismissed = 0;
  let cursor: DecisionCursor | null = null;
  do {
    const page: Awaited<ReturnType<typeof readDecisionExportPage>> = await readDecisionExportPage(db, tenantId, from, to, cursor, 500);
    for (const d of page.rows) {
      if (d.action === "dismiss") dismissed += 1;
      if (d.writebackState !== "applied" || d.currency === null) continue;
      const minor = decisionMonthlyMinor(d);
      if (minor !== null && minor > 0) recovered.set(d.currency, (recovered.get(d.currency) ?? 0) + minor);
    }
    cursor = page.next;
  } while (cursor !== null);
  return { recovered: [...recovered].map(([currency, minor]) => ({ currency, minor })).sort((a, b) => a.currency.localeCompare(b.currency)), dismissed };
}

export async function getSummary(db: Db, tenantId: string, now: Date): Promise<ReconSummaryResponse> {
  const current = periodOf(now);
  const [months, live, vendors, decisions] = await Promise.all([
    readMonthTotals(db, tenantId, periodMinus(current, 11)),
    readCurrentTotals(db, tenantId),
    readVendorTotals(db, tenantId),
    monthDecisions(db, tenantId, now),
  ]);
  const past = months
    .filter((m) => m.integrationId === "" && m.period < current)
    .map((m) => ({ period: m.period, currency: m.currency, underBilledMinor: m.underMinor, overBilledMinor: m.overMinor, demo: m.demo === 1 }));
  const thisMonth = live.map((t) => ({ period: current, currency: t.currency, underBilledMinor: t.underMinor, overBilledMinor: t.overMinor, demo: false }));
  return {
    byMonth: [...past, ...thisMonth],
    byVendor: vendors.map((v) => ({ integrationId: v.integrationId, name: v.name, currency: v.currency, underBilledMinor: v.underMinor, overBilledMinor: v.overMinor })),
    recovered: decisions.recovered,
    dismissed: decisions.dismissed,
  };
}
