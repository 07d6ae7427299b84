/**
 * Reconciliation on demand: load the tenant's snapshot from D1, run the pure
 * engine with the request's clock, filter, and total the money per currency.
 */
import { reconcile } from "../core/reconcile/engine.ts";
import type { ReconRow, ReconStatus } from "../core/reconcile/types.ts";
import type { Db } from "../db/client.ts";
import { loadTenantSnapshot } from "../db/repos/snapshot.ts";
import type { ReconciliationResponse, ReconTotals } from "../shared/api-types.ts";

export interface ReconFilter {
  statuses?: readonly ReconStatus[];
  companyId?: string;
  agreementId?: string;
  /**
   * The pod's agreement view: the agreement's rows plus its company's rows
   * that belong to no agreement yet (unmapped services, missing lines).
   */
  agreementView?: { id: string; companyId: string };
}

export async function getReconciliation(db: Db, tenantId: string, now: Date, filter: ReconFilter): Promise<ReconciliationResponse> {
  const snapshot = await loadTenantSnapshot(db, tenantId);
  const rows = reconcile({ now, ...snapshot }).filter((row) => matchesFilter(row, filter));
  return { generatedAt: now.toISOString(), totals: totalsOf(rows), counts: countByStatus(rows), rows };
}

function matchesFilter(row: ReconRow, filter: ReconFilter): boolean {
  if (filter.statuses && filter.statuses.length > 0 && !filter.statuses.includes(row.status)) return false;
  if (filter.companyId && row.companyId !== filter.companyId) return false;
  if (filter.agreementId && row.agreementId !== filter.agreementId) return false;
  const view = filter.agreementView;
  if (view) return row.agreementId === view.id || (row.agreementId === null && row.companyId === view.companyId);
  return true;
}

export function totalsOf(rows: readonly ReconRow[]): ReconTotals[] {
  const byCurrency = new Map<string, ReconTotals>();
  for (const row of rows) {
    if (row.monthlyImpactMinor === null || row.currency === null) continue;
    if (row.status !== "increase" && row.status !== "decrease" && row.status !== "missing-line") continue;
    const totals = byCurrency.get(row.currency) ?? { currency: row.currency, underBilledMonthlyMinor: 0, overBilledMonthlyMinor: 0 };
    if (row.monthlyImpactMinor > 0) totals.underBilledMonthlyMinor += row.monthlyImpactMinor;
    else totals.overBilledMonthlyMinor += -row.monthlyImpactMinor;
    byCurrency.set(row.currency, totals);
  }
  return [...byCurrency.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}

function countByStatus(rows: readonly ReconRow[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row.status] = (counts[row.status] ?? 0) + 1;
  return counts;
}
