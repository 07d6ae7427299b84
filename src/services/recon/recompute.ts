/**
 * Recomputing persisted reconciliation rows, one scope (a company, or an
 * unmapped account's usage) at a time: load the scope's slice of the tenant,
 * run the pure engine with the caller's clock, and write the rows only if no
 * input changed since they were read (recon-rows.ts writeScopeRows). Triggers
 * mark scopes dirty in the same transaction as every input change, so
 * recomputing the dirty scopes is always enough; doing it twice is harmless.
 */
import { reconcile } from "../../core/reconcile/engine.ts";
import { rowSortKey } from "../../core/reconcile/order.ts";
import { findRecheckAt } from "../../core/reconcile/recheck.ts";
import type { ReconRow } from "../../core/reconcile/types.ts";
import type { Db } from "../../db/client.ts";
import { loadCatalog, loadScopeInput, type ScopeInput } from "../../db/repos/recon-input.ts";
import { toIsoDate } from "../../core/shared/dates.ts";
import { findScopeState, listDirtyScopes, listScopesAfter, markAllScopes, type ScopeState, type StoredRow, writeScopeRows } from "../../db/repos/recon-rows.ts";
import { newId } from "../secrets.ts";

/** A lost claim means the inputs moved on mid-recompute: try again with the newer inputs. */
const MAX_ATTEMPTS = 3;

export async function recomputeScope(db: Db, tenantId: string, scope: string, now: Date): Promise<{ written: boolean; rows: number }> {
  for (let attempt = 1; ; attempt++) {
    const { seq, input } = await loadScopeInput(db, tenantId, scope, now);
    const rows = await reconcileScope(db, tenantId, input, now);
    const written = await writeScopeRows(db, {
      tenantId,
      scope,
      seq,
      computedAt: now.toISOString(),
      recheckAt: findRecheckAt({ now, staleAfterHours: input.staleAfterHours, agreements: input.agreements, lines: input.lines, rows, calendars: input.calendars?.values() ?? [] }),
      writer: newId("rcw"),
      rows: rows.map(toStoredRow),
    });
    if (written || attempt >= MAX_ATTEMPTS) return { written, rows: rows.length };
    const state = await findScopeState(db, tenantId, scope);
    if (!state?.dirty) return { written: false, rows: rows.length };
  }
}

/**
 * Two passes: the rows decide which products have no line of their own and
 * need the tenant-wide price estimate; only those are read (a product's
 * current lines), then the scope is reconciled with them.
 */
async function reconcileScope(db: Db, tenantId: string, input: ScopeInput["input"], now: Date): Promise<ReconRow[]> {
  const first = reconcile({ now, ...input });
  const needed = [...new Set(first.filter((r) => toStoredRow(r).needsCatalog).map((r) => r.productKey as string))];
  if (needed.length === 0) return first;
  const catalog = await loadCatalog(db, tenantId, needed, toIsoDate(now));
  return reconcile({ now, ...input, aggregates: { suspect: input.aggregates?.suspect ?? new Map(), catalog } });
}

function toStoredRow(row: ReconRow): StoredRow {
  const { group, key } = rowSortKey(row);
  // No counted line of its own: the price is the tenant-wide estimate, which other lines can change.
  return { row, sortGroup: group, sortKey: key, needsCatalog: group === 0 && row.lines.length === 0 };
}

/** Recompute up to `limit` dirty scopes; returns how many were processed and whether more remain. */
export async function recomputeDirty(db: Db, tenantId: string, now: Date, limit: number): Promise<{ processed: number; more: boolean }> {
  const scopes = await listDirtyScopes(db, tenantId, limit + 1);
  const batch = scopes.slice(0, limit);
  for (const scope of batch) await recomputeScope(db, tenantId, scope, now);
  return { processed: batch.length, more: scopes.length > limit };
}

/** The rows of one scope are current at `now` (dirty or due by the clock → recompute first). */
export async function ensureScopeFresh(db: Db, tenantId: string, scope: string, now: Date): Promise<void> {
  const state = await findScopeState(db, tenantId, scope);
  if (isScopeStale(state, now)) await recomputeScope(db, tenantId, scope, now);
}

/** Whether a scope's persisted rows must be recomputed before they are read: dirty, or due by the clock. */
export function isScopeStale(state: ScopeState | null, now: Date): boolean {
  if (!state) return false;
  return state.dirty || (state.recheckAt !== null && state.recheckAt <= now.toISOString());
}

export interface FullRecompute {
  scopes: number;
  rows: number;
  ms: number;
}

/**
 * Rebuilds every scope of the tenant from its inputs, streaming one scope at a
 * time (memory stays one company's worth, whatever the tenant's size).
 */
export async function recomputeTenant(db: Db, tenantId: string, now: Date, clock: () => number = Date.now): Promise<FullRecompute> {
  const started = clock();
  await markAllScopes(db, tenantId);
  let scopes = 0;
  let rows = 0;
  let after = "";
  for (;;) {
    const page = await listScopesAfter(db, tenantId, after, 200);
    for (const scope of page) {
      const result = await recomputeScope(db, tenantId, scope, now);
      scopes += 1;
      rows += result.rows;
    }
    const last = page[page.length - 1];
    if (page.length < 200 || last === undefined) break;
    after = last;
  }
  return { scopes, rows, ms: clock() - started };
}
