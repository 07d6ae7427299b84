/**
 * Decisions for the accountant's export: a keyset page (newest first by
 * created_at, then id) with the customer, agreement, product name, unit
 * price and billing cycle each decision's money is computed from. Scoped by
 * tenant on every join.
 */
import type { Db } from "../client.ts";

export interface DecisionExportRow {
  id: string;
  createdAt: string;
  action: string;
  actor: string;
  oldQuantity: string | null;
  newQuantity: string | null;
  effectiveDate: string | null;
  note: string | null;
  writebackState: string;
  writebackError: string | null;
  productKey: string;
  productName: string | null;
  unitPriceMinor: number | null;
  /** The line's exact price when the PSA gave more digits than minor units (migration 0010). */
  unitPrice: string | null;
  lessIncluded: string | null;
  currency: string | null;
  agreementName: string | null;
  billingCycle: string | null;
  companyName: string | null;
}

export interface DecisionCursor {
  createdAt: string;
  id: string;
}

export async function readDecisionExportPage(db: Db, tenantId: string, fromAt: string, toAt: string, after: DecisionCursor | null, limit: number) {
  const d1 = db.$client as D1Database;
  const result = await d1
    .prepare(
      `SELECT d.id, d.created_at AS createdAt, d.action, d.actor, d.old_quantity AS oldQuantity, d.new_quantity AS newQuantity,
         d.effective_date AS effectiveDate, d.note, d.writeback_state AS writebackState, d.writeback_error AS writebackError,
         d.product_key AS productKey, l.product_name AS productName, l.unit_price_minor AS unitPriceMinor, l.unit_price AS unitPrice, l.less_included AS lessIncluded,
         coalesce(l.currency, a.currency) AS currency, a.name AS agreementName, a.billing_cycle AS billingCycle, c.name AS companyName
       FROM decisions d
       LEFT JOIN agreement_lines l ON l.tenant_id = d.tenant_id AND l.id = d.line_id
       LEFT JOIN agreements a ON a.tenant_id = d.tenant_id AND a.id = d.agreement_id
       LEFT JOIN psa_companies c ON c.tenant_id = d.tenant_id AND c.id = a.company_id
       WHERE d.tenant_id = ?1 AND d.created_at >= ?2 AND d.created_at < ?3
         AND (?4 IS NULL OR d.created_at < ?4 OR (d.created_at = ?4 AND d.id < ?5))
       ORDER BY d.created_at DESC, d.id DESC
       LIMIT ?6`,
    )
    .bind(tenantId, fromAt, toAt, after?.createdAt ?? null, after?.id ?? "", limit + 1)
    .all<DecisionExportRow>();
  const rows = result.results;
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  return { rows: page, next: rows.length > limit && last ? { createdAt: last.createdAt, id: last.id } : null };
}
