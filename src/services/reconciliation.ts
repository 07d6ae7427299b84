/**
 * Reading reconciliation: persisted rows (services/recon keeps them current),
 * never a whole-tenant run. One agreement's view and one company's rows are
 * made current first if their scope is dirty or due (a company's worth of
 * work); a tenant-wide page settles a handful of dirty scopes inline and
 * otherwise says how many are still pending (`freshness`) while the queue
 * catches up. Totals are SQL over the whole filter, not the page.
 */
import { PROPOSABLE_STATUSES } from "../core/reconcile/proposal.ts";
import type { ReconRow, ReconStatus } from "../core/reconcile/types.ts";
import type { Db } from "../db/client.ts";
import { countDirtyScopes, type PageCursor, readAgreementRows, readAgreementView, readRowPage, readTotals, type RowFilter, type RowSort } from "../db/repos/recon-rows.ts";
import type { Env } from "../env.ts";
import { AppError } from "../errors.ts";
import type { ReconciliationPage, ReconciliationResponse, ReconTotals } from "../shared/api-types.ts";
import { ensureScopeFresh, isScopeStale, recomputeScope } from "./recon/recompute.ts";
import { READ_SETTLE_SCOPES, settleTenant } from "./recon/settle.ts";

export const MAX_PAGE = 500;
export const DEFAULT_PAGE = 100;

/** One agreement's view, or null when the tenant has no such agreement. */
export async function getAgreementReconciliation(db: Db, tenantId: string, agreementId: string, now: Date, statuses?: readonly ReconStatus[]) {
  // The usual view finds its scope current: agreement, state and rows come in one round trip; a dirty or due scope is recomputed, then read.
  const view = await readAgreementView(db, tenantId, agreementId, statuses);
  const agreement = view.agreement;
  if (!agreement) return null;
  let rows = view.rows;
  if (isScopeStale(view.state, now)) {
    await recomputeScope(db, tenantId, agreement.companyId, now);
    rows = await readAgreementRows(db, tenantId, agreement.id, agreement.companyId, statuses);
  }
  const result: ReconciliationResponse = { generatedAt: now.toISOString(), totals: totalsOf(rows), counts: countByStatus(rows), dismissed: rows.filter((r) => r.dismissed).length, rows };
  return { agreement, result };
}

export interface PageRequest extends RowFilter {
  cursor?: string;
  limit?: number;
  sort?: RowSort;
}

export async function getReconciliationPage(env: Env, db: Db, tenantId: string, now: Date, req: PageRequest): Promise<ReconciliationPage> {
  const { cursor, limit = DEFAULT_PAGE, sort = "engine", ...filter } = req;
  const after = cursor === undefined ? null : decodeCursor(cursor);
  // A company's rows (the pod's company view) are made exact like an agreement's.
  if (filter.companyId !== undefined) await ensureScopeFresh(db, tenantId, filter.companyId, now);
  const pending = await settleTenant(env, db, tenantId, now, READ_SETTLE_SCOPES);
  const [page, summary] = await Promise.all([readRowPage(db, tenantId, filter, after, limit, sort), readTotals(db, tenantId, filter)]);
  return {
    generatedAt: now.toISOString(),
    totals: summary.totals,
    counts: summary.counts,
    dismissed: summary.dismissed,
    rows: page.rows,
    nextCursor: page.next === null ? null : encodeCursor(page.next),
    freshness: { pendingScopes: pending === 0 ? 0 : await countDirtyScopes(db, tenantId) },
  };
}

/** Opaque to clients: base64url of the last row's position in the engine's order. */
export function encodeCursor(cursor: PageCursor): string {
  const position = cursor.impact === undefined ? [cursor.group, cursor.key] : [cursor.group, cursor.key, cursor.impact];
  const bytes = new TextEncoder().encode(JSON.stringify(position));
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeCursor(text: string): PageCursor {
  try {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    const value: unknown = JSON.parse(new TextDecoder().decode(Uint8Array.from(binary, (ch) => ch.charCodeAt(0))));
    if (Array.isArray(value) && (value[0] === 0 || value[0] === 1) && typeof value[1] === "string") {
      if (value.length === 2) return { group: value[0], key: value[1] };
      if (value.length === 3 && Number.isSafeInteger(value[2])) return { group: value[0], key: value[1], impact: value[2] as number };
    }
  } catch {
    // fall through to the error below
  }
  throw new AppError("validation_failed", "query.cursor: not a cursor this API returned");
}

/** Money over rows already in memory (one agreement's view): same rule as the SQL totals. */
export function totalsOf(rows: readonly ReconRow[]): ReconTotals[] {
  const byCurrency = new Map<string, ReconTotals>();
  for (const row of rows) {
    if (row.monthlyImpactMinor === null || row.currency === null || row.dismissed) continue;
    if (!PROPOSABLE_STATUSES.has(row.status)) continue;
    const totals = byCurrency.get(row.currency) ?? { currency: row.currency, underBilledMonthlyMinor: 0, overBilledMonthlyMinor: 0 };
    if (row.monthlyImpactMinor > 0) totals.underBilledMonthlyMinor += row.monthlyImpactMinor;
    else totals.overBilledMonthlyMinor += -row.monthlyImpactMinor;
    byCurrency.set(row.currency, totals);
  }
  return [...byCurrency.values()].sort((a, b) => (a.currency < b.currency ? -1 : a.currency > b.currency ? 1 : 0));
}

function countByStatus(rows: readonly ReconRow[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of rows) counts[row.status] = (counts[row.status] ?? 0) + 1;
  return counts;
}
