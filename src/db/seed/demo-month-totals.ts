/**
 * Demo data for the workspace's 12-month chart: plausible under-/over-billed
 * totals for the demo tenant's 11 months before `now`, flagged `demo = 1` so
 * the chart can label them (real history accumulates from the quarter-hour
 * snapshots). Never overwrites a real snapshot. Pure.
 */
import { DEMO_TENANT_ID } from "./demo-tenant.ts";

function period(now: Date, monthsBack: number): string {
  const index = now.getUTCFullYear() * 12 + now.getUTCMonth() - monthsBack;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, "0")}`;
}

/** Under-billing shrinking as the MSP reconciles monthly; over-billing small and noisy. Integer cents. */
export function demoMonthTotals(now: Date): Array<{ period: string; underMinor: number; overMinor: number }> {
  return Array.from({ length: 11 }, (_, i) => {
    const back = 11 - i;
    return { period: period(now, back), underMinor: 95_000 + back * 21_350 + ((back * 7_919) % 13_000), overMinor: 12_000 + ((back * 4_513) % 9_000) };
  });
}

export function demoMonthTotalsSql(now: Date): string[] {
  const at = now.toISOString();
  return demoMonthTotals(now).map(
    (m) =>
      `INSERT INTO recon_month_totals (tenant_id, period, currency, integration_id, under_minor, over_minor, demo, updated_at) VALUES ('${DEMO_TENANT_ID}', '${m.period}', 'USD', '', ${m.underMinor}, ${m.overMinor}, 1, '${at}') ON CONFLICT (tenant_id, period, currency, integration_id) DO NOTHING;`,
  );
}
