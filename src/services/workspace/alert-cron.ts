/**
 * The alert rules that only the clock can find, every quarter hour, set-based
 * over all tenants (one statement per rule, whatever the tenant count): a
 * vendor source whose newest count is older than the tenant's `staleDays`,
 * and a PSA sync or vendor pull that has been failing for `syncFailedHours`.
 * One alert per episode (the dedupe key carries the last success), so a
 * source stale for a month raises one alert, not 2,880. Then every tenant's
 * undelivered alerts are queued.
 */
import type { Db } from "../../db/client.ts";
import { tenantsWithUndispatched } from "../../db/repos/alerts.ts";
import type { Env } from "../../env.ts";
import { dispatchAlerts } from "./alert-delivery.ts";

const NEW_ALERT = "INSERT OR IGNORE INTO alerts (id, tenant_id, at, rule, severity, title, detail, integration_id, account_id, dedupe_key, email_state, webhook_state)";
const ID = "'alr_' || lower(hex(randomblob(10)))";
const CUTOFF = (field: string, unit: string, fallback: number) =>
  `strftime('%Y-%m-%dT%H:%M:%fZ', ?1, '-' || coalesce(json_extract(st.rules, '$.${field}'), ${fallback}) || ' ${unit}')`;

const STALE_SOURCES = `${NEW_ALERT}
  SELECT ${ID}, i.tenant_id, ?1, 'source-stale', 'warning', 'Stale source: ' || i.name,
    i.name || ' has sent no new count since ' || max(lc.observed_at) || ' (' || count(*) || ' account × service counts are older than ' ||
      coalesce(json_extract(st.rules, '$.staleDays'), 7) || ' days).',
    i.id, NULL, 'stale:' || i.id || ':' || max(lc.observed_at), 'pending', 'pending'
  FROM vendor_integrations AS i
  JOIN vendor_accounts AS a ON a.tenant_id = i.tenant_id AND a.integration_id = i.id
  JOIN latest_counts AS lc ON lc.tenant_id = i.tenant_id AND lc.account_id = a.id
  LEFT JOIN alert_settings AS st ON st.tenant_id = i.tenant_id
  WHERE i.disconnected_at IS NULL
  GROUP BY i.id
  HAVING max(lc.observed_at) < ${CUTOFF("staleDays", "days", 7)}`;

const LAST_PSA_SUCCESS = "coalesce(nullif(max(coalesce(p.last_incremental_sync_at, ''), coalesce(p.last_full_sync_at, '')), ''), p.created_at)";

const FAILING_PSA_SYNCS = `${NEW_ALERT}
  SELECT ${ID}, p.tenant_id, ?1, 'sync-failed', 'critical', 'PSA sync failing: ' || p.kind,
    'No successful ' || p.kind || ' sync since ' || ${LAST_PSA_SUCCESS} || '. Last error: ' || p.last_sync_error,
    p.id, NULL, 'sync-failed:' || p.id || ':' || ${LAST_PSA_SUCCESS}, 'pending', 'pending'
  FROM psa_integrations AS p
  LEFT JOIN alert_settings AS st ON st.tenant_id = p.tenant_id
  WHERE p.status != 'disconnected' AND p.last_sync_error IS NOT NULL AND ${LAST_PSA_SUCCESS} < ${CUTOFF("syncFailedHours", "hours", 24)}`;

const FAILING_PULLS = `${NEW_ALERT}
  SELECT ${ID}, i.tenant_id, ?1, 'sync-failed', 'critical', 'Vendor pull failing: ' || i.name,
    i.name || ' has failed every pull since ' || f.first_failed || '. Last error: ' ||
      coalesce((SELECT r.error FROM ingest_pull_runs AS r WHERE r.integration_id = i.id AND r.status = 'failed' ORDER BY r.finished_at DESC LIMIT 1), 'none recorded'),
    i.id, NULL, 'sync-failed:' || i.id || ':' || f.first_failed, 'pending', 'pending'
  FROM vendor_integrations AS i
  JOIN (
    SELECT r.integration_id, min(r.finished_at) AS first_failed FROM ingest_pull_runs AS r
    WHERE r.status = 'failed' AND r.finished_at > coalesce(
      (SELECT max(s.finished_at) FROM ingest_pull_runs AS s WHERE s.integration_id = r.integration_id AND s.status = 'succeeded'), '')
    GROUP BY r.integration_id
  ) AS f ON f.integration_id = i.id
  LEFT JOIN alert_settings AS st ON st.tenant_id = i.tenant_id
  WHERE i.disconnected_at IS NULL AND f.first_failed < ${CUTOFF("syncFailedHours", "hours", 24)}`;

export async function raiseClockAlerts(db: Db, now: Date): Promise<number> {
  const d1 = db.$client as D1Database;
  const at = now.toISOString();
  const results = await d1.batch([STALE_SOURCES, FAILING_PSA_SYNCS, FAILING_PULLS].map((q) => d1.prepare(q).bind(at)));
  return results.reduce((n, r) => n + (r.meta.changes ?? 0), 0);
}

/** Bounded per run: what is left is queued by the next quarter hour. */
export async function runAlertSweep(env: Env, db: Db, now: Date): Promise<void> {
  await raiseClockAlerts(db, now);
  for (const tenantId of await tenantsWithUndispatched(db, 100)) await dispatchAlerts(env, db, tenantId, now);
}
