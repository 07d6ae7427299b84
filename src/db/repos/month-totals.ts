/**
 * Money per month for the board's 12-month chart. recon_rows hold only the
 * current figures, so the quarter-hour cron snapshots the current period's
 * totals here (tenant-wide with integration_id '', and per vendor
 * integration); history accumulates from then on. Same money rule as the
 * board's SQL totals: increase, decrease and missing-line rows with a price.
 */
import type { Db } from "../client.ts";

const MONEY_ROWS = "r.status IN ('increase', 'decrease', 'missing-line') AND r.currency IS NOT NULL AND r.monthly_impact_minor IS NOT NULL";
const UNDER = "sum(CASE WHEN r.monthly_impact_minor > 0 THEN r.monthly_impact_minor ELSE 0 END)";
const OVER = "sum(CASE WHEN r.monthly_impact_minor < 0 THEN -r.monthly_impact_minor ELSE 0 END)";
const UPSERT = "ON CONFLICT (tenant_id, period, currency, integration_id) DO UPDATE SET under_minor = excluded.under_minor, over_minor = excluded.over_minor, demo = 0, updated_at = excluded.updated_at";

/** One batch for all tenants: this period's figures replace whatever was snapshotted for it before. */
export async function snapshotMonthTotals(db: Db, period: string, at: string): Promise<void> {
  const d1 = db.$client as D1Database;
  await d1.batch([
    d1.prepare("DELETE FROM recon_month_totals WHERE period = ?1").bind(period),
    d1
      .prepare(
        `INSERT INTO recon_month_totals (tenant_id, period, currency, integration_id, under_minor, over_minor, demo, updated_at)
         SELECT r.tenant_id, ?1, r.currency, '', ${UNDER}, ${OVER}, 0, ?2 FROM recon_rows AS r WHERE ${MONEY_ROWS} GROUP BY r.tenant_id, r.currency ${UPSERT}`,
      )
      .bind(period, at),
    d1
      .prepare(
        `INSERT INTO recon_month_totals (tenant_id, period, currency, integration_id, under_minor, over_minor, demo, updated_at)
         SELECT r.tenant_id, ?1, r.currency, j.value, ${UNDER}, ${OVER}, 0, ?2 FROM recon_rows AS r, json_each(r.integration_ids) AS j
         WHERE ${MONEY_ROWS} GROUP BY r.tenant_id, r.currency, j.value ${UPSERT}`,
      )
      .bind(period, at),
  ]);
}

export interface MonthTotal {
  period: string;
  currency: string;
  integrationId: string;
  underMinor: number;
  overMinor: number;
  demo: number;
}

export async function readMonthTotals(db: Db, tenantId: string, fromPeriod: string): Promise<MonthTotal[]> {
  const d1 = db.$client as D1Database;
  const result = await d1
    .prepare(
      `SELECT period, currency, integration_id AS integrationId, under_minor AS underMinor, over_minor AS overMinor, demo
       FROM recon_month_totals WHERE tenant_id = ?1 AND period >= ?2 ORDER BY period, currency, integration_id`,
    )
    .bind(tenantId, fromPeriod)
    .all<MonthTotal>();
  return result.results;
}

/** The current figures per vendor integration (live from recon_rows), with the integration's name. */
export async function readVendorTotals(db: Db, tenantId: string) {
  const d1 = db.$client as D1Database;
  const result = await d1
    .prepare(
      `SELECT j.value AS integrationId, coalesce(i.name, j.value) AS name, r.currency, ${UNDER} AS underMinor, ${OVER} AS overMinor
       FROM recon_rows AS r, json_each(r.integration_ids) AS j
       LEFT JOIN vendor_integrations AS i ON i.id = j.value AND i.tenant_id = r.tenant_id
       WHERE r.tenant_id = ?1 AND ${MONEY_ROWS} GROUP BY j.value, r.currency ORDER BY name, r.currency`,
    )
    .bind(tenantId)
    .all<{ integrationId: string; name: string; currency: string; underMinor: number; overMinor: number }>();
  return result.results;
}

/** This tenant's figures now (the chart's current month, live like the board). */
export async function readCurrentTotals(db: Db, tenantId: string) {
  const d1 = db.$client as D1Database;
  const result = await d1
    .prepare(`SELECT r.currency, ${UNDER} AS underMinor, ${OVER} AS overMinor FROM recon_rows AS r WHERE r.tenant_id = ?1 AND ${MONEY_ROWS} GROUP BY r.currency ORDER BY r.currency`)
    .bind(tenantId)
    .all<{ currency: string; underMinor: number; overMinor: number }>();
  return result.results;
}
