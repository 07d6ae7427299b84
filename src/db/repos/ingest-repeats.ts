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

/** An unchanged count confirms the stored figure: its observed_at moves forward (never back), nothing else changes. */
export function confirmChunkStatement(db: Db, s: LedgerSource, json: string) {
  return db.run(sql`
    UPDATE usage_counts SET observed_at = c.o
    FROM (SELECT va.id AS account_id, vs.id AS service_id, j.value ->> '$.p' AS p, coalesce(j.value ->> '$.ms', 'total') AS ms,
            j.value ->> '$.q' AS q, j.value ->> '$.c' AS c,
            j.value ->> '$.cc' AS cc, j.value ->> '$.o' AS o
          FROM json_each(${json}) AS j
          JOIN vendor_accounts AS va ON va.tenant_id = ${s.tenantId} AND va.integration_id = ${s.integrationId} AND va.external_id = j.value ->> '$.a'
          JOIN vendor_services AS vs ON vs.tenant_id = ${s.tenantId} AND vs.integration_id = ${s.integrationId} AND vs.external_id = j.value ->> '$.s') AS c
    WHERE usage_counts.tenant_id = ${s.tenantId} AND usage_counts.account_id = c.account_id AND usage_counts.service_id = c.service_id
      AND usage_counts.period = c.p AND usage_counts.measure = c.ms AND usage_counts.quantity = c.q AND usage_counts.cost_minor IS c.c AND usage_counts.cost_currency IS c.cc
      AND c.o > usage_counts.observed_at`);
}
