/**
 * The accountant's exports (issue 11), streamed page by page from persisted
 * data: every reconciliation row of a filter (no filter = every row,
 * unmapped usage included), and the decisions made in a date range with the
 * money per month each one changes. Money is integer minor units formatted
 * once; quantities are the exact decimal strings.
 */
import type { BillingCycle, ReconStatus } from "../../core/reconcile/types.ts";
import Big from "big.js";
import { billedUnits, computeMonthlyImpact, exactPrice } from "../../core/reconcile/money.ts";
import { formatMinorAmount, type Column } from "../../core/workspace/csv.ts";
import { minorDigits } from "../../core/usage/money.ts";
import type { Db } from "../../db/client.ts";
import { readDecisionExportPage, type DecisionCursor, type DecisionExportRow } from "../../db/repos/decision-export.ts";
import { readRowPage, type PageCursor, type PersistedRow, type RowFilter, type RowSort } from "../../db/repos/recon-rows.ts";
import type { Env } from "../../env.ts";
import { READ_SETTLE_SCOPES, settleTenant } from "../recon/settle.ts";
import { streamCsv } from "./csv-stream.ts";

/** Rows per page read from D1: bounded memory, few round trips. */
export const EXPORT_PAGE = 500;

// `== null`: a field missing from a stored row body is as absent as null.
const money = (minor: number | null | undefined, currency: string | null | undefined) =>
  minor == null || currency == null ? null : formatMinorAmount(minor, minorDigits(currency));

const RECON_COLUMNS: Column<PersistedRow>[] = [
  { header: "Customer", value: (r) => r.companyName },
  { header: "Agreement", value: (r) => r.agreementName },
  { header: "Product", value: (r) => r.productName ?? r.productKey },
  { header: "Product key", value: (r) => r.productKey },
  { header: "Status", value: (r) => r.status },
  { header: "PSA quantity", value: (r) => r.psaQuantity, numeric: true },
  { header: "Vendor quantity", value: (r) => r.vendorQuantity, numeric: true },
  { header: "Variance", value: (r) => r.variance, numeric: true },
  { header: "Unit price", value: (r) => money(r.unitPriceMinor, r.currency), numeric: true },
  { header: "Currency", value: (r) => r.currency },
  { header: "Money per month", value: (r) => money(r.monthlyImpactMinor, r.currency), numeric: true },
  { header: "Proposed quantity", value: (r) => r.proposal?.toQuantity ?? null, numeric: true },
  { header: "Effective date", value: (r) => r.proposal?.effectiveDate ?? null },
  { header: "Vendor sources", value: (r) => r.sources.map((s) => `${s.accountName} / ${s.serviceName}: ${s.quantity}`).join("; ") },
  { header: "As of", value: (r) => r.asOf },
  { header: "Computed at", value: (r) => r.computedAt },
  { header: "Row key", value: (r) => r.key },
];

export async function exportReconciliation(env: Env, db: Db, tenantId: string, filter: RowFilter & { statuses?: readonly ReconStatus[]; sort?: RowSort }, now: Date) {
  await settleTenant(env, db, tenantId, now, READ_SETTLE_SCOPES);
  const { sort = "engine", ...rows } = filter;
  return streamCsv<PersistedRow, PageCursor>(RECON_COLUMNS, (cursor) => readRowPage(db, tenantId, rows, cursor, EXPORT_PAGE, sort));
}

/**
 * The decision's change in billed units × the line's price per month, rounded
 * once (ConnectWise bills max(0, quantity − less included), reference §2.3);
 * null when it changes no quantity or has no price.
 */
export function decisionMonthlyMinor(d: DecisionExportRow): number | null {
  if (d.oldQuantity === null || d.newQuantity === null || d.unitPriceMinor === null || d.billingCycle === null || d.currency === null) return null;
  if (d.action !== "approve" && d.action !== "adjust" && d.action !== "revert") return null;
  const included = new Big(d.lessIncluded ?? "0");
  const billedDelta = billedUnits(new Big(d.newQuantity), included).minus(billedUnits(new Big(d.oldQuantity), included));
  const price = exactPrice({ unitPrice: d.unitPrice ?? undefined, unitCost: undefined, unitPriceMinor: d.unitPriceMinor, unitCostMinor: 0, currency: d.currency });
  return computeMonthlyImpact([{ billedDelta, unitPrice: price.unitPrice, minorPrice: price.minor?.price ?? null }], d.currency, d.billingCycle as BillingCycle);
}

const DECISION_COLUMNS: Column<DecisionExportRow>[] = [
  { header: "Customer", value: (d) => d.companyName },
  { header: "Agreement", value: (d) => d.agreementName },
  { header: "Product", value: (d) => d.productName ?? d.productKey },
  { header: "Action", value: (d) => d.action },
  { header: "Old quantity", value: (d) => d.oldQuantity, numeric: true },
  { header: "New quantity", value: (d) => d.newQuantity, numeric: true },
  { header: "Effective date", value: (d) => d.effectiveDate },
  { header: "Money per month", value: (d) => money(decisionMonthlyMinor(d), d.currency), numeric: true },
  { header: "Currency", value: (d) => d.currency },
  { header: "Note", value: (d) => d.note },
  { header: "Decided by", value: (d) => d.actor },
  { header: "Decided at", value: (d) => d.createdAt },
  { header: "PSA write state", value: (d) => d.writebackState },
  { header: "PSA error", value: (d) => d.writebackError },
  { header: "Decision id", value: (d) => d.id },
];

export function exportDecisions(db: Db, tenantId: string, fromAt: string, toAt: string) {
  return streamCsv<DecisionExportRow, DecisionCursor>(DECISION_COLUMNS, (cursor) => readDecisionExportPage(db, tenantId, fromAt, toAt, cursor, EXPORT_PAGE));
}
