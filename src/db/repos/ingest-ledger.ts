/**
 * The count ledger and how counts go live. Every ingestion path appends its
 * drafts to `ingest_count_log` under a source id, then applies them with
 * INSERT … SELECT from the log: vendor accounts and services are created or
 * renamed, and usage_counts is upserted on its UNIQUE (tenant, account, measure,
 * service, period) key with `WHERE excluded.observed_at >= observed_at` — a
 * count older than the stored one never overwrites it; an equally old one (a
 * correction sent with the same timestamp) does. Statements are returned
 * unexecuted so callers put them in one runBatch() (one D1 transaction).
 *
 * D1 allows 100 bound parameters and 100 KB of SQL per statement: rows travel
 * as one JSON parameter expanded by json_each, in chunks of ≤ 1,000 rows /
 * ~512 KB, so 10,000 counts are 10 statements, not 1,100.
 *
 * Repeats (issue 10 #6): for pushes, Gradient count calls and pulls, a count
 * equal to the stored figure (same account, service, period, quantity, cost,
 * and no new name) is not appended again — 1,200 identical calls are one
 * ledger row, not 1,200. It still confirms the figure: its observed_at moves
 * forward so the count does not look stale.
 */
import { sql } from "drizzle-orm";
import type { BatchItem } from "drizzle-orm/batch";
import type { CountDraft, CountSourceKind } from "../../core/usage/count-draft.ts";
import type { Db } from "../client.ts";
import { confirmChunkStatement, sameStoredCount } from "./ingest-repeats.ts";

export type Statement = BatchItem<"sqlite">;

interface BuiltQuery {
  sql: string;
  params: unknown[];
}

/**
 * Runs statements as one D1 batch (one transaction) and returns D1's raw
 * results (`results` rows keyed by column name, `meta.changes`). drizzle's own
 * db.batch cannot bind the parameters of raw `sql` statements (SQLiteRaw has
 * no prepared statement), and most of this surface's statements are raw.
 */
export async function runBatch(db: Db, statements: readonly Statement[]): Promise<D1Result[]> {
  if (statements.length === 0) return [];
  const client = db.$client as D1Database;
  const prepared = statements.map((statement) => {
    const q = statement as unknown as { toSQL?: () => BuiltQuery; getQuery?: () => BuiltQuery };
    const built = q.toSQL ? q.toSQL() : q.getQuery ? q.getQuery() : null;
    if (!built) throw new Error("runBatch: not a drizzle statement");
    return client.prepare(built.sql).bind(...built.params);
  });
  return client.batch(prepared);
}

/** Rows changed by a statement of a runBatch result. */
export function changesOf(result: D1Result | undefined): number {
  return result?.meta.changes ?? 0;
}

export interface LedgerSource {
  tenantId: string;
  integrationId: string;
  sourceKind: CountSourceKind;
  sourceId: string;
  receivedAt: string;
}

const CHUNK_ROWS = 1_000;
const CHUNK_BYTES = 512 * 1024;

/** Compact JSON rows for json_each (short keys keep the parameter small). */
function toJsonRow(d: CountDraft): string {
  return JSON.stringify({
    r: d.sourceRef, a: d.accountExternalId, an: d.accountName, ad: d.accountDescription, s: d.serviceExternalId, sn: d.serviceName,
    sc: d.serviceCategory, su: d.serviceUnit, p: d.period, ms: d.measure ?? "total", q: d.quantity, c: d.costMinor, cc: d.costCurrency, o: d.observedAt, l: d.lineCount,
    lt: d.late ? 1 : 0,
  });
}

export function chunkDrafts(drafts: readonly CountDraft[]): string[] {
  const chunks: string[] = [];
  let rows: string[] = [];
  let bytes = 0;
  for (const draft of drafts) {
    const row = toJsonRow(draft);
    if (rows.length >= CHUNK_ROWS || (rows.length > 0 && bytes + row.length > CHUNK_BYTES)) {
      chunks.push(`[${rows.join(",")}]`);
      rows = [];
      bytes = 0;
    }
    rows.push(row);
    bytes += row.length + 1;
  }
  if (rows.length > 0) chunks.push(`[${rows.join(",")}]`);
  return chunks;
}

/**
 * Statements appending the drafts to the ledger. With `skipUnchanged`, a
 * draft equal to the stored figure is not appended; a second statement per
 * chunk moves that figure's observed_at forward instead.
 */
export function logStatements(db: Db, source: LedgerSource, drafts: readonly CountDraft[], options: { skipUnchanged?: boolean } = {}) {
  return chunkDrafts(drafts).flatMap((json) =>
    options.skipUnchanged ? [logChunkStatement(db, source, json, true), confirmChunkStatement(db, source, json)] : [logChunkStatement(db, source, json, false)],
  );
}

export function logChunkStatement(db: Db, s: LedgerSource, json: string, skipUnchanged = false) {
  return db.run(sql`
    INSERT INTO ingest_count_log (tenant_id, integration_id, source_kind, source_id, source_ref, account_external_id, account_name,
      account_description, service_external_id, service_name, service_category, service_unit, period, quantity, cost_minor, cost_currency,
      observed_at, line_count, received_at, late, measure)
    SELECT ${s.tenantId}, ${s.integrationId}, ${s.sourceKind}, ${s.sourceId}, j.value ->> '$.r', j.value ->> '$.a', j.value ->> '$.an',
      j.value ->> '$.ad', j.value ->> '$.s', j.value ->> '$.sn', j.value ->> '$.sc', j.value ->> '$.su', j.value ->> '$.p', j.value ->> '$.q',
      j.value ->> '$.c', j.value ->> '$.cc', j.value ->> '$.o', j.value ->> '$.l', ${s.receivedAt}, coalesce(j.value ->> '$.lt', 0),
      coalesce(j.value ->> '$.ms', 'total')
    FROM json_each(${json}) AS j
    ${skipUnchanged ? sql`WHERE NOT EXISTS (${sameStoredCount(s)})` : sql``}`);
}

/** SQL: how many ledger rows a source wrote (counts received minus this = acknowledged unchanged). */
export function loggedCountSql(tenantId: string, sourceId: string) {
  return sql`(SELECT count(*) FROM ingest_count_log WHERE tenant_id = ${tenantId} AND source_id = ${sourceId})`;
}

export interface ApplyScope {
  tenantId: string;
  integrationId: string;
  sourceId: string;
  now: string;
}

/**
 * Statements that apply one source's ledger rows. The first returns the ids
 * of vendor accounts it created (for auto-mapping). A source spans one
 * integration, so external ids resolve within it.
 */
export function applyStatements(db: Db, a: ApplyScope) {
  return [
    db.all<{ id: string }>(sql`
      INSERT INTO vendor_accounts (id, tenant_id, integration_id, external_id, name, description, created_at, updated_at)
      SELECT 'va_' || lower(hex(randomblob(10))), ${a.tenantId}, ${a.integrationId}, account_external_id,
        coalesce(max(account_name), account_external_id), max(account_description), ${a.now}, ${a.now}
      FROM ingest_count_log WHERE tenant_id = ${a.tenantId} AND source_id = ${a.sourceId}
      GROUP BY account_external_id
      ON CONFLICT (tenant_id, integration_id, external_id) DO NOTHING
      RETURNING id`),
    db.run(sql`
      UPDATE vendor_accounts SET name = s.name, description = coalesce(s.description, vendor_accounts.description), updated_at = ${a.now}
      FROM (SELECT account_external_id AS ext, max(account_name) AS name, max(account_description) AS description
            FROM ingest_count_log WHERE tenant_id = ${a.tenantId} AND source_id = ${a.sourceId} AND account_name IS NOT NULL
            GROUP BY account_external_id) AS s
      WHERE vendor_accounts.tenant_id = ${a.tenantId} AND vendor_accounts.integration_id = ${a.integrationId} AND vendor_accounts.external_id = s.ext
        AND (vendor_accounts.name IS NOT s.name OR (s.description IS NOT NULL AND vendor_accounts.description IS NOT s.description))`),
    db.run(sql`
      INSERT INTO vendor_services (id, tenant_id, integration_id, external_id, name, category, unit, created_at, updated_at)
      SELECT 'vs_' || lower(hex(randomblob(10))), ${a.tenantId}, ${a.integrationId}, service_external_id,
        coalesce(max(service_name), service_external_id), coalesce(max(service_category), 'seat'), max(service_unit), ${a.now}, ${a.now}
      FROM ingest_count_log WHERE tenant_id = ${a.tenantId} AND source_id = ${a.sourceId}
      GROUP BY service_external_id
      ON CONFLICT (tenant_id, integration_id, external_id) DO NOTHING`),
    db.run(sql`
      UPDATE vendor_services SET name = s.name, category = coalesce(s.category, vendor_services.category),
        unit = coalesce(s.unit, vendor_services.unit), updated_at = ${a.now}
      FROM (SELECT service_external_id AS ext, max(service_name) AS name, max(service_category) AS category, max(service_unit) AS unit
            FROM ingest_count_log WHERE tenant_id = ${a.tenantId} AND source_id = ${a.sourceId} AND service_name IS NOT NULL
            GROUP BY service_external_id) AS s
      WHERE vendor_services.tenant_id = ${a.tenantId} AND vendor_services.integration_id = ${a.integrationId} AND vendor_services.external_id = s.ext
        AND (vendor_services.name IS NOT s.name OR (s.category IS NOT NULL AND vendor_services.category IS NOT s.category)
             OR (s.unit IS NOT NULL AND vendor_services.unit IS NOT s.unit))`),
    upsertCountsStatement(db, a),
  ] as const;
}

function upsertCountsStatement(db: Db, a: ApplyScope) {
  return db.run(sql`
    INSERT INTO usage_counts (id, tenant_id, account_id, service_id, period, measure, quantity, cost_minor, cost_currency, observed_at,
      source_kind, source_ref, created_at)
    SELECT 'uc_' || lower(hex(randomblob(10))), l.tenant_id, va.id, vs.id, l.period, l.measure, l.quantity, l.cost_minor, l.cost_currency,
      l.observed_at, l.source_kind, l.source_ref, ${a.now}
    FROM ingest_count_log AS l
    JOIN vendor_accounts AS va ON va.tenant_id = l.tenant_id AND va.integration_id = l.integration_id AND va.external_id = l.account_external_id
    JOIN vendor_services AS vs ON vs.tenant_id = l.tenant_id AND vs.integration_id = l.integration_id AND vs.external_id = l.service_external_id
    WHERE l.tenant_id = ${a.tenantId} AND l.source_id = ${a.sourceId}
    ORDER BY l.seq
    ON CONFLICT (tenant_id, account_id, service_id, period, measure) DO UPDATE SET
      quantity = excluded.quantity, cost_minor = excluded.cost_minor, cost_currency = excluded.cost_currency,
      observed_at = excluded.observed_at, source_kind = excluded.source_kind, source_ref = excluded.source_ref,
      created_at = excluded.created_at
    WHERE excluded.observed_at >= usage_counts.observed_at`);
}

/** The ids returned by the first apply statement (vendor accounts it created). */
export function createdAccountIds(result: D1Result | undefined): string[] {
  return (result?.results ?? []).map((row) => String((row as { id: unknown }).id));
}

/** SQL for "how many of this source's counts are the stored figure now" (the rest were older). */
export function appliedCountSql(tenantId: string, sourceId: string) {
  return sql`(SELECT count(*) FROM ingest_count_log AS l
    JOIN vendor_accounts AS va ON va.tenant_id = l.tenant_id AND va.integration_id = l.integration_id AND va.external_id = l.account_external_id
    JOIN vendor_services AS vs ON vs.tenant_id = l.tenant_id AND vs.integration_id = l.integration_id AND vs.external_id = l.service_external_id
    JOIN usage_counts AS u ON u.tenant_id = l.tenant_id AND u.account_id = va.id AND u.service_id = vs.id AND u.period = l.period
      AND u.measure = l.measure
    WHERE l.tenant_id = ${tenantId} AND l.source_id = ${sourceId} AND u.source_ref = l.source_ref)`;
}
