/**
 * Reads behind a mapping preview (services/ingest/mapping-preview.ts): which
 * recompute scopes a mapping touches, their persisted rows, and the product
 * mappings of an account's services (an unmapped account's scope input has
 * none). Read-only.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { ReconRow, ServiceMappingInput } from "../../core/reconcile/types.ts";
import type { Db } from "../client.ts";
import { reconRows, serviceMappings } from "../schema.ts";
import { toServiceMappingInput } from "./snapshot.ts";

/** Company scopes whose mapped accounts report the service, at most `limit` + 1 (to tell the caller there were more). */
export async function listServiceScopes(db: Db, tenantId: string, serviceId: string, limit: number): Promise<string[]> {
  const rows = await db.all<{ scope: string }>(sql`
    SELECT DISTINCT m.company_id AS scope FROM latest_counts AS lc
    JOIN account_mappings AS m ON m.tenant_id = lc.tenant_id AND m.account_id = lc.account_id
    JOIN vendor_accounts AS a ON a.id = lc.account_id AND a.ignored_at IS NULL
    WHERE lc.tenant_id = ${tenantId} AND lc.service_id = ${serviceId}
    ORDER BY m.company_id LIMIT ${limit + 1}`);
  return rows.map((r) => r.scope);
}

export async function readScopeRows(db: Db, tenantId: string, scope: string): Promise<ReconRow[]> {
  const rows = await db.select({ body: reconRows.body }).from(reconRows).where(and(eq(reconRows.tenantId, tenantId), eq(reconRows.scope, scope)));
  return rows.map((r) => JSON.parse(r.body) as ReconRow);
}

/** The product mappings of the services, with their count rules (a preview without them would bill the raw count). */
export async function listMappingsOfServices(db: Db, tenantId: string, serviceIds: readonly string[]): Promise<ServiceMappingInput[]> {
  if (serviceIds.length === 0) return [];
  const rows = await db
    .select()
    .from(serviceMappings)
    .where(and(eq(serviceMappings.tenantId, tenantId), inArray(serviceMappings.serviceId, [...serviceIds])));
  return rows.map(toServiceMappingInput);
}
