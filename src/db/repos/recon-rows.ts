/**
 * Persisted reconciliation rows and their scopes: the guarded write of one
 * scope's recomputed rows, and the reads (one agreement's view, a filtered
 * page in the engine's order, SQL totals over a whole filter, freshness).
 * Every query is scoped by tenant and served by an index; none reads history.
 */
import { and, asc, count, desc, eq, gt, inArray, isNull, or, sql, type SQL } from "drizzle-orm";
import { PROPOSABLE_STATUSES } from "../../core/reconcile/proposal.ts";
import type { ReconRow, ReconStatus } from "../../core/reconcile/types.ts";
import type { Db } from "../client.ts";
import { agreements, reconRows, reconScopes } from "../schema.ts";
import { agreementQuery } from "./snapshot.ts";

/** A recomputed row as stored: the row plus the columns reads filter, sort and total on. */
export interface StoredRow {
  row: ReconRow;
  sortGroup: number;
  sortKey: string;
  needsCatalog: boolean;
}

export interface ScopeWrite {
  tenantId: string;
  scope: string;
  /** The dirty counter the inputs were read at: the write happens only if it is still current. */
  seq: number;
  computedAt: string;
  recheckAt: string;
  writer: string;
  rows: readonly StoredRow[];
}

const CHUNK_BYTES = 400 * 1024;

function client(db: Db): D1Database {
  return db.$client as D1Database;
}

/**
 * One batch (one transaction): claim the scope if nothing changed since its
 * inputs were read, then replace its rows. Every statement after the claim
 * runs only for the claiming writer. Returns false when the claim lost (the
 * inputs moved on; the scope stays dirty and is recomputed again).
 */
export async function writeScopeRows(db: Db, w: ScopeWrite): Promise<boolean> {
  const d1 = client(db);
  const mine = "EXISTS (SELECT 1 FROM recon_scopes WHERE tenant_id = ?1 AND scope = ?2 AND writer = ?3)";
  const statements = [
    d1
      .prepare("UPDATE recon_scopes SET computed_seq = dirty_seq, computed_at = ?4, recheck_at = ?5, writer = ?3 WHERE tenant_id = ?1 AND scope = ?2 AND dirty_seq = ?6")
      .bind(w.tenantId, w.scope, w.writer, w.computedAt, w.recheckAt, w.seq),
    d1.prepare(`DELETE FROM recon_rows WHERE tenant_id = ?1 AND scope = ?2 AND ${mine}`).bind(w.tenantId, w.scope, w.writer),
    ...chunkRows(w.rows).map((json) =>
      d1
        .prepare(
          `INSERT INTO recon_rows (tenant_id, row_key, scope, status, company_id, agreement_id, product_key, currency, monthly_impact_minor,
             abs_impact_minor, needs_catalog, dismissed, integration_ids, sort_group, sort_key, body, input_seq, computed_at)
           SELECT ?1, j.value ->> '$.k', ?2, j.value ->> '$.st', j.value ->> '$.c', j.value ->> '$.a', j.value ->> '$.p', j.value ->> '$.cu',
             j.value ->> '$.m', abs(j.value ->> '$.m'), j.value ->> '$.n', j.value ->> '$.d', j.value ->> '$.i', j.value ->> '$.g', j.value ->> '$.s',
             j.value ->> '$.b', ?4, ?5
           FROM json_each(?6) AS j WHERE ${mine}
           ON CONFLICT (tenant_id, row_key) DO UPDATE SET scope = excluded.scope, status = excluded.status, company_id = excluded.company_id,
             agreement_id = excluded.agreement_id, product_key = excluded.product_key, currency = excluded.currency,
             monthly_impact_minor = excluded.monthly_impact_minor, abs_impact_minor = excluded.abs_impact_minor, needs_catalog = excluded.needs_catalog,
             dismissed = excluded.dismissed,
             integration_ids = excluded.integration_ids, sort_group = excluded.sort_group, sort_key = excluded.sort_key, body = excluded.body,
             input_seq = excluded.input_seq, computed_at = excluded.computed_at`,
        )
        .bind(w.tenantId, w.scope, w.writer, w.seq, w.computedAt, json),
    ),
  ];
  const results = await d1.batch(statements);
  return (results[0]?.meta.changes ?? 0) > 0;
}

function toJsonRow(s: StoredRow): string {
  const r = s.row;
  const integrations = [...new Set(r.sources.map((x) => x.integrationId))].sort();
  return JSON.stringify({
    k: r.key, st: r.status, c: r.companyId, a: r.agreementId, p: r.productKey, cu: r.currency, m: r.monthlyImpactMinor,
    n: s.needsCatalog ? 1 : 0, d: r.dismissed ? 1 : 0, i: JSON.stringify(integrations), g: s.sortGroup, s: s.sortKey, b: JSON.stringify(r),
  });
}

function chunkRows(rows: readonly StoredRow[]): string[] {
  const chunks: string[] = [];
  let current: string[] = [];
  let bytes = 0;
  for (const row of rows) {
    const json = toJsonRow(row);
    if (current.length > 0 && bytes + json.length > CHUNK_BYTES) {
      chunks.push(`[${current.join(",")}]`);
      current = [];
      bytes = 0;
    }
    current.push(json);
    bytes += json.length + 1;
  }
  if (current.length > 0) chunks.push(`[${current.join(",")}]`);
  return chunks;
}

// ─── Scopes ──────────────────────────────────────────────────────────────────

export interface ScopeState {
  scope: string;
  dirty: boolean;
  recheckAt: string | null;
}

/** Dirty scopes first listed by the partial index; `limit` bounds the work a caller takes on. */
export async function listDirtyScopes(db: Db, tenantId: string, limit: number): Promise<string[]> {
  const rows = await db
    .select({ scope: reconScopes.scope })
    .from(reconScopes)
    .where(and(eq(reconScopes.tenantId, tenantId), sql`${reconScopes.dirtySeq} > ${reconScopes.computedSeq}`))
    .limit(limit);
  return rows.map((r) => r.scope);
}

export async function countDirtyScopes(db: Db, tenantId: string): Promise<number> {
  const [row] = await db
    .select({ n: count() })
    .from(reconScopes)
    .where(and(eq(reconScopes.tenantId, tenantId), sql`${reconScopes.dirtySeq} > ${reconScopes.computedSeq}`));
  return row?.n ?? 0;
}

export async function findScopeState(db: Db, tenantId: string, scope: string): Promise<ScopeState | null> {
  const [row] = await scopeQuery(db, tenantId, scope);
  return row ? toScopeState(scope, row) : null;
}

/** A scope's row, by name or by an expression naming it (readAgreementView: the agreement's company). */
function scopeQuery(db: Db, tenantId: string, scope: string | SQL) {
  return db.select().from(reconScopes).where(and(eq(reconScopes.tenantId, tenantId), eq(reconScopes.scope, scope))).limit(1);
}

function toScopeState(scope: string, row: typeof reconScopes.$inferSelect): ScopeState {
  return { scope, dirty: row.dirtySeq > row.computedSeq, recheckAt: row.recheckAt };
}

/** Time passed: scopes whose rows can have changed by the clock alone become dirty. */
export async function markDueScopes(db: Db, tenantId: string, now: string): Promise<number> {
  const result = await client(db)
    .prepare("UPDATE recon_scopes SET dirty_seq = dirty_seq + 1 WHERE tenant_id = ?1 AND recheck_at <= ?2 AND dirty_seq = computed_seq")
    .bind(tenantId, now)
    .run();
  return result.meta.changes ?? 0;
}

/** Every scope of the tenant becomes dirty (the full recompute). */
export async function markAllScopes(db: Db, tenantId: string): Promise<void> {
  await client(db).prepare("UPDATE recon_scopes SET dirty_seq = dirty_seq + 1 WHERE tenant_id = ?1").bind(tenantId).run();
}

/** Page through every scope of the tenant (the full recompute streams by scope). */
export async function listScopesAfter(db: Db, tenantId: string, after: string, limit: number): Promise<string[]> {
  const rows = await db
    .select({ scope: reconScopes.scope })
    .from(reconScopes)
    .where(and(eq(reconScopes.tenantId, tenantId), gt(reconScopes.scope, after)))
    .orderBy(asc(reconScopes.scope))
    .limit(limit);
  return rows.map((r) => r.scope);
}

// ─── Reads ───────────────────────────────────────────────────────────────────

export interface PersistedRow extends ReconRow {
  /** When this row was computed (its freshness). */
  computedAt: string;
}

function toPersisted(r: { body: string; computedAt: string }): PersistedRow {
  return { ...(JSON.parse(r.body) as ReconRow), computedAt: r.computedAt };
}

/** One agreement's rows plus its company's rows tied to no agreement, in the engine's order. */
export async function readAgreementRows(db: Db, tenantId: string, agreementId: string, companyId: string, statuses?: readonly ReconStatus[]) {
  const rows = await agreementRowsQuery(db, tenantId, agreementId, companyId, statuses);
  return rows.map(toPersisted);
}

function agreementRowsQuery(db: Db, tenantId: string, agreementId: string, companyId: string | SQL, statuses?: readonly ReconStatus[]) {
  return db
    .select({ body: reconRows.body, computedAt: reconRows.computedAt })
    .from(reconRows)
    .where(
      and(
        eq(reconRows.tenantId, tenantId),
        eq(reconRows.companyId, companyId),
        or(eq(reconRows.agreementId, agreementId), isNull(reconRows.agreementId)),
        statuses && statuses.length > 0 ? inArray(reconRows.status, [...statuses]) : undefined,
      ),
    )
    .orderBy(asc(reconRows.sortGroup), asc(reconRows.sortKey));
}

/**
 * An agreement, its company scope's state and the agreement's rows in one
 * batch (one transaction, one round trip): when the state says the scope is
 * current, these rows are the ones it vouches for; otherwise the caller
 * recomputes and reads again. The company comes from the agreement inside
 * the batch, so no read has to wait for another.
 */
export async function readAgreementView(db: Db, tenantId: string, agreementId: string, statuses?: readonly ReconStatus[]) {
  const companyOf = sql`(SELECT ${agreements.companyId} FROM ${agreements} WHERE ${agreements.tenantId} = ${tenantId} AND ${agreements.id} = ${agreementId})`;
  const [found, states, rows] = await db.batch([agreementQuery(db, tenantId, agreementId), scopeQuery(db, tenantId, companyOf), agreementRowsQuery(db, tenantId, agreementId, companyOf, statuses)]);
  const agreement = found[0] ?? null;
  const [scope] = states;
  const state = agreement && scope ? toScopeState(agreement.companyId, scope) : null;
  return { agreement, state, rows: rows.map(toPersisted) };
}

export async function readRow(db: Db, tenantId: string, rowKey: string): Promise<PersistedRow | null> {
  const [row] = await db
    .select({ body: reconRows.body, computedAt: reconRows.computedAt })
    .from(reconRows)
    .where(and(eq(reconRows.tenantId, tenantId), eq(reconRows.rowKey, rowKey)))
    .limit(1);
  return row ? toPersisted(row) : null;
}

export interface RowFilter {
  statuses?: readonly ReconStatus[];
  companyId?: string;
  agreementId?: string;
  productKey?: string;
  integrationId?: string;
  minImpactMinor?: number;
  /** Case-insensitive substring of the customer, agreement or product name. */
  q?: string;
}

/** `engine`: the engine's order (customers, then unmapped usage); `impact`: largest money first. */
export type RowSort = "engine" | "impact";

function likePattern(text: string): string {
  return `%${text.toLowerCase().replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;
}

function filterConditions(tenantId: string, f: RowFilter): SQL | undefined {
  return and(
    eq(reconRows.tenantId, tenantId),
    f.statuses && f.statuses.length > 0 ? inArray(reconRows.status, [...f.statuses]) : undefined,
    f.companyId !== undefined ? eq(reconRows.companyId, f.companyId) : undefined,
    f.agreementId !== undefined ? eq(reconRows.agreementId, f.agreementId) : undefined,
    f.productKey !== undefined ? eq(reconRows.productKey, f.productKey) : undefined,
    f.integrationId !== undefined ? sql`EXISTS (SELECT 1 FROM json_each(${reconRows.integrationIds}) WHERE value = ${f.integrationId})` : undefined,
    f.minImpactMinor !== undefined ? sql`${reconRows.absImpactMinor} >= ${f.minImpactMinor}` : undefined,
    f.q !== undefined
      ? sql`(lower(coalesce(${reconRows.body} ->> '$.companyName', '')) LIKE ${likePattern(f.q)} ESCAPE '\\'
          OR lower(coalesce(${reconRows.body} ->> '$.agreementName', '')) LIKE ${likePattern(f.q)} ESCAPE '\\'
          OR lower(coalesce(${reconRows.body} ->> '$.productName', '')) LIKE ${likePattern(f.q)} ESCAPE '\\')`
      : undefined,
  );
}

export interface PageCursor {
  group: number;
  key: string;
  /** With sort=impact: the row's absolute impact (−1 for none). */
  impact?: number;
}

const IMPACT = sql`coalesce(${reconRows.absImpactMinor}, -1)`;

function afterCursor(after: PageCursor | null, sort: RowSort): SQL | undefined {
  if (!after) return undefined;
  const position = sql`(${reconRows.sortGroup}, ${reconRows.sortKey}) > (${after.group}, ${after.key})`;
  if (sort === "engine") return position;
  const impact = after.impact ?? -1;
  return sql`(${IMPACT} < ${impact} OR (${IMPACT} = ${impact} AND ${position}))`;
}

export async function readRowPage(db: Db, tenantId: string, f: RowFilter, after: PageCursor | null, limit: number, sort: RowSort = "engine") {
  const order = sort === "impact" ? [desc(IMPACT), asc(reconRows.sortGroup), asc(reconRows.sortKey)] : [asc(reconRows.sortGroup), asc(reconRows.sortKey)];
  const rows = await db
    .select({ body: reconRows.body, computedAt: reconRows.computedAt, group: reconRows.sortGroup, key: reconRows.sortKey, impact: reconRows.absImpactMinor })
    .from(reconRows)
    .where(and(filterConditions(tenantId, f), afterCursor(after, sort)))
    .orderBy(...order)
    .limit(limit + 1);
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const next: PageCursor | null =
    rows.length > limit && last ? { group: last.group, key: last.key, ...(sort === "impact" ? { impact: last.impact ?? -1 } : {}) } : null;
  return { rows: page.map(toPersisted), next };
}

/**
 * Totals per currency and counts per status over the whole filter (not the
 * page), in one scan: rows per status and currency with
 * their dismissed count and under-/over-billed sums, folded here into the
 * money per currency, the count per status and the dismissed count (three
 * scans before: 92,106 rows read for a 20,000-row tenant's first page).
 */
export async function readTotals(db: Db, tenantId: string, f: RowFilter) {
  const impact = reconRows.monthlyImpactMinor;
  const groups = await db
    .select({
      status: reconRows.status,
      currency: reconRows.currency,
      n: count(),
      dismissed: sql<number>`coalesce(sum(${reconRows.dismissed}), 0)`,
      under: sql<number>`coalesce(sum(CASE WHEN ${reconRows.dismissed} = 0 AND ${impact} > 0 THEN ${impact} ELSE 0 END), 0)`,
      over: sql<number>`coalesce(sum(CASE WHEN ${reconRows.dismissed} = 0 AND ${impact} < 0 THEN -${impact} ELSE 0 END), 0)`,
      // Rows that put their currency in the totals: not dismissed, with an impact.
      priced: sql<number>`coalesce(sum(CASE WHEN ${reconRows.dismissed} = 0 AND ${impact} IS NOT NULL THEN 1 ELSE 0 END), 0)`,
    })
    .from(reconRows)
    .where(filterConditions(tenantId, f))
    .groupBy(reconRows.status, reconRows.currency);
  const counts: Record<string, number> = {};
  const money = new Map<string, { under: number; over: number }>();
  let dismissed = 0;
  for (const g of groups) {
    counts[g.status] = (counts[g.status] ?? 0) + g.n;
    dismissed += Number(g.dismissed);
    // Money counts for the rows a change can be proposed for (the same statuses as the engine's), unless dismissed.
    if (!PROPOSABLE_STATUSES.has(g.status as ReconStatus) || g.currency === null || Number(g.priced) === 0) continue;
    const sums = money.get(g.currency) ?? { under: 0, over: 0 };
    sums.under += Number(g.under);
    sums.over += Number(g.over);
    money.set(g.currency, sums);
  }
  const totals = [...money].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    totals: totals.map(([currency, m]) => ({ currency, underBilledMonthlyMinor: m.under, overBilledMonthlyMinor: m.over })),
    counts,
    dismissed,
  };
}


