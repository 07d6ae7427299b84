/**
 * Repeated counts (issue 10 #6): a count equal to the stored figure — same
 * account, service, period, quantity, cost and currency, and no new account
 * or service naming — is not appended to the ledger again; it only confirms
 * the figure by moving its observed_at forward (never back), so a vendor that
 * re-sends the same number every hour neither floods the ledger nor looks
 * stale. Used by ingest-ledger.ts on pushes, Gradient count calls and pulls.
 */
import { sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import type { LedgerSource } from "./ingest-ledger.ts";

/** SQL: the stored count (`u`) equal to draft row `j` — same key, quantity and cost, and no new account/service naming. */
export function sameStoredCount(s: LedgerSource) {
  return sql`SELECT 1 FROM usage_counts AS u
      JOIN vendor_accounts AS va ON va.id = u.account_id
      JOIN vendor_services AS vs ON vs.id = u.service_id
      WHERE u.tenant_id = ${s.tenantId} AND va.tenant_id = ${s.tenantId} AND va.integration_id = ${s.integrationId}
        AND va.external_id = j.value ->> '$.a' AND vs.tenant_id = ${s.tenantId} AND vs.integration_id = ${s.integrationId}
        AND vs.external_id = j.value ->> '$.s' AND u.period = j.value ->> '$.p' AND u.measure = coalesce(j.value ->> '$.ms', 'total')
        AND u.quantity = j.value ->> '$.q'
        AND u.cost_minor IS (j.value ->> '$.c') AND u.cost_currency IS (j.value ->> '$.cc')
        AND (j.value ->> '$.an' IS NULL OR va.name = j.value ->> '$.an')
        AND (j.value ->> '$.ad' IS NULL OR va.description IS (j.value ->> '$.ad'))
        AND (j.value ->> '$.sn' IS NULL OR vs.name = j.value ->> '$.sn')
        AND (j.value ->> '$.sc' IS NULL OR vs.category = j.value ->> '$.sc')
        AND (j.value ->> '$.su' IS NULL OR vs.unit IS (j.value ->> '$.su'))`;
}

/**
 * An unchanged count confirms the stored figure: its observed_at moves forward (never back), nothing else changes.
 * Written as an upsert driven by the chunk (CROSS JOIN fixes the loop order: chunk row → account → service →
 * the one usage_counts row by its unique key), so it reads what the chunk names, never the tenant's history.
 */
export function confirmChunkStatement(db: Db, s: LedgerSource, json: string) {
  return db.run(sql`
    INSERT INTO usage_counts (id, tenant_id, account_id, service_id, period, measure, quantity, cost_minor, cost_currency, observed_at,
      source_kind, source_ref, created_at)
    SELECT 'uc_' || lower(hex(randomblob(10))), u.tenant_id, u.account_id, u.service_id, u.period, u.measure, u.quantity, u.cost_minor,
      u.cost_currency, j.value ->> '$.o', u.source_kind, u.source_ref, u.created_at
    FROM json_each(${json}) AS j
    CROSS JOIN vendor_accounts AS va CROSS JOIN vendor_services AS vs CROSS JOIN usage_counts AS u
    WHERE va.tenant_id = ${s.tenantId} AND va.integration_id = ${s.integrationId} AND va.external_id = j.value ->> '$.a'
      AND vs.tenant_id = ${s.tenantId} AND vs.integration_id = ${s.integrationId} AND vs.external_id = j.value ->> '$.s'
      AND u.tenant_id = ${s.tenantId} AND u.account_id = va.id AND u.service_id = vs.id AND u.period = j.value ->> '$.p'
      AND u.measure = coalesce(j.value ->> '$.ms', 'total') AND u.quantity = j.value ->> '$.q'
      AND u.cost_minor IS (j.value ->> '$.c') AND u.cost_currency IS (j.value ->> '$.cc') AND (j.value ->> '$.o') > u.observed_at
    ON CONFLICT (tenant_id, account_id, service_id, period, measure) DO UPDATE SET observed_at = excluded.observed_at
    WHERE excluded.observed_at > usage_counts.observed_at`);
}
