/**
 * The health page's data: every live PSA and vendor integration with its last
 * success and last error in plain words, credentials that stopped working
 * (the PSA answered 401/403 on the last sync), webhook backlog, stale sources
 * (counts older than the tenant's stale threshold), dead letters and the most
 * recent alerts.
 */
import type { Db } from "../../db/client.ts";
import { readHealth } from "../../db/repos/health.ts";
import { findTenant } from "../../db/repos/tenants.ts";
import type { HealthResponse } from "../../shared/workspace-types.ts";
import { listAlerts } from "./alerts.ts";

/** toAppError's wording for rejected credentials (services/psa/api-errors.ts), and raw statuses. */
const CREDENTIALS_REFUSED = /rejected the credentials|HTTP 40[13]\b|\b40[13]\b/;

export async function getHealth(db: Db, tenantId: string, now: Date): Promise<HealthResponse> {
  const tenant = await findTenant(db, tenantId);
  const staleBefore = new Date(now.getTime() - (tenant?.staleAfterHours ?? 168) * 3_600_000).toISOString();
  const [health, recent] = await Promise.all([readHealth(db, tenantId, staleBefore), listAlerts(db, tenantId, 10)]);
  return {
    psa: health.psa.map((p) => ({
      integrationId: p.integrationId,
      kind: p.kind,
      status: p.status,
      lastFullSyncAt: p.lastFullSyncAt,
      lastIncrementalSyncAt: p.lastIncrementalSyncAt,
      lastError: p.lastError,
      credentialsOk: p.lastError === null || !CREDENTIALS_REFUSED.test(p.lastError),
      pendingWebhooks: Number(p.pendingWebhooks),
      failedWebhooks: Number(p.failedWebhooks),
    })),
    vendors: health.vendors.map((v) => {
      const lastSuccessAt = [v.lastCountAt, v.lastPullAt].filter((x): x is string => x !== null).sort().at(-1) ?? null;
      return {
        integrationId: v.integrationId,
        kind: v.kind,
        name: v.name,
        status: v.status,
        lastSuccessAt,
        lastError: v.lastPullStatus === "failed" ? v.lastPullError : null,
        staleSources: Number(v.staleSources),
      };
    }),
    deadLetters: health.deadLetters,
    alerts: recent.alerts.slice(0, 10),
  };
}
