/**
 * Connector health for the workspace (GET /api/v1/health): per PSA integration
 * its sync times, last error and webhook backlog; per vendor integration its
 * last success (newest count, or last successful pull), last pull error and
 * stale sources; the tenant's dead letters. Set-based, scoped by tenant.
 */
import type { Db } from "../client.ts";

export interface PsaHealthRow {
  integrationId: string;
  kind: string;
  status: string;
  lastFullSyncAt: string | null;
  lastIncrementalSyncAt: string | null;
  lastError: string | null;
  pendingWebhooks: number;
  failedWebhooks: number;
}

export interface VendorHealthRow {
  integrationId: string;
  kind: string;
  name: string;
  status: string;
  lastCountAt: string | null;
  lastPullAt: string | null;
  lastPullStatus: string | null;
  lastPullError: string | null;
  staleSources: number;
}

export async function readHealth(db: Db, tenantId: string, staleBefore: string) {
  const d1 = db.$client as D1Database;
  const [psa, vendors, dead] = await d1.batch([
    d1
      .prepare(
        `SELECT p.id AS integrationId, p.kind, p.status, p.last_full_sync_at AS lastFullSyncAt, p.last_incremental_sync_at AS lastIncrementalSyncAt,
           p.last_sync_error AS lastError,
           (SELECT count(*) FROM psa_webhook_inbox w WHERE w.tenant_id = p.tenant_id AND w.integration_id = p.id AND w.state IN ('received', 'unverified') AND w.error IS NULL) AS pendingWebhooks,
           (SELECT count(*) FROM psa_webhook_inbox w WHERE w.tenant_id = p.tenant_id AND w.integration_id = p.id AND w.state != 'processed' AND w.error IS NOT NULL) AS failedWebhooks
         FROM psa_integrations p WHERE p.tenant_id = ?1 AND p.status != 'disconnected' ORDER BY p.kind, p.id`,
      )
      .bind(tenantId),
    d1
      .prepare(
        `SELECT i.id AS integrationId, i.kind, i.name, i.status,
           (SELECT max(lc.observed_at) FROM latest_counts lc JOIN vendor_accounts a ON a.id = lc.account_id AND a.tenant_id = lc.tenant_id
              WHERE lc.tenant_id = i.tenant_id AND a.integration_id = i.id) AS lastCountAt,
           (SELECT max(r.finished_at) FROM ingest_pull_runs r WHERE r.tenant_id = i.tenant_id AND r.integration_id = i.id AND r.status = 'succeeded') AS lastPullAt,
           r.status AS lastPullStatus, r.error AS lastPullError,
           (SELECT count(*) FROM latest_counts lc JOIN vendor_accounts a ON a.id = lc.account_id AND a.tenant_id = lc.tenant_id
              WHERE lc.tenant_id = i.tenant_id AND a.integration_id = i.id AND lc.observed_at < ?2) AS staleSources
         FROM vendor_integrations i
         LEFT JOIN ingest_pull_runs r ON r.id = (SELECT x.id FROM ingest_pull_runs x WHERE x.tenant_id = i.tenant_id AND x.integration_id = i.id ORDER BY x.queued_at DESC LIMIT 1)
         WHERE i.tenant_id = ?1 AND i.disconnected_at IS NULL ORDER BY i.name, i.id`,
      )
      .bind(tenantId, staleBefore),
    d1.prepare("SELECT count(*) AS n FROM dead_letters WHERE tenant_id = ?1").bind(tenantId),
  ]);
  return {
    psa: (psa?.results ?? []) as unknown as PsaHealthRow[],
    vendors: (vendors?.results ?? []) as unknown as VendorHealthRow[],
    deadLetters: Number((dead?.results[0] as { n?: number } | undefined)?.n ?? 0),
  };
}
