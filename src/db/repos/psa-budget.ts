/**
 * The tenant's Autotask request budget: Autotask allows 10,000 requests per
 * rolling hour per database, shared by every integration, and throttles then
 * disables the API when it is exceeded (psa-and-vendor-apis.md §3.1). Our
 * calls are counted per UTC minute; a call is allowed only while the last 60
 * minutes stay under our cap — one atomic statement, so concurrent workers
 * cannot both take the last request. ConnectWise integrations use the same
 * table for their per-minute cap (reserveMinuteRequest).
 */
import { and, eq, gte, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { psaRequestBudget } from "../schema.ts";

function minuteOf(instant: Date): string {
  return instant.toISOString().slice(0, 16);
}

/** Takes one request from the budget; false when the rolling hour is at `cap`. */
export async function reserveRequest(db: Db, tenantId: string, integrationId: string, now: Date, cap: number): Promise<boolean> {
  const minute = minuteOf(now);
  const windowStart = minuteOf(new Date(now.getTime() - 59 * 60_000));
  const rows = await db.all<{ count: number }>(sql`
    INSERT INTO psa_request_budget (id, tenant_id, integration_id, minute, count)
    SELECT ${`${integrationId}:${minute}`}, ${tenantId}, ${integrationId}, ${minute}, 1
    WHERE (SELECT COALESCE(SUM(count), 0) FROM psa_request_budget
           WHERE tenant_id = ${tenantId} AND integration_id = ${integrationId} AND minute >= ${windowStart}) < ${cap}
    ON CONFLICT (tenant_id, integration_id, minute) DO UPDATE SET count = count + 1
    RETURNING count`);
  return rows.length > 0;
}

/**
 * Takes one request from a per-minute cap (ConnectWise): a sliding minute
 * estimated from this minute's count plus the previous minute's weighted
 * by the share of it still inside the last 60 s — one atomic statement.
 */
export async function reserveMinuteRequest(db: Db, tenantId: string, integrationId: string, now: Date, capPerMinute: number): Promise<boolean> {
  const minute = minuteOf(now);
  const previous = minuteOf(new Date(now.getTime() - 60_000));
  const weight = 1 - (now.getTime() % 60_000) / 60_000;
  const rows = await db.all<{ count: number }>(sql`
    INSERT INTO psa_request_budget (id, tenant_id, integration_id, minute, count)
    SELECT ${`${integrationId}:${minute}`}, ${tenantId}, ${integrationId}, ${minute}, 1
    WHERE (SELECT COALESCE(SUM(CASE WHEN minute = ${previous} THEN count * ${weight} ELSE count END), 0) FROM psa_request_budget
           WHERE tenant_id = ${tenantId} AND integration_id = ${integrationId} AND minute IN (${previous}, ${minute})) < ${capPerMinute}
    ON CONFLICT (tenant_id, integration_id, minute) DO UPDATE SET count = count + 1
    RETURNING count`);
  return rows.length > 0;
}

/** Requests counted in the rolling hour ending now. */
export async function requestsInLastHour(db: Db, tenantId: string, integrationId: string, now: Date): Promise<number> {
  const windowStart = minuteOf(new Date(now.getTime() - 59 * 60_000));
  const rows = await db
    .select({ total: sql<number>`COALESCE(SUM(${psaRequestBudget.count}), 0)` })
    .from(psaRequestBudget)
    .where(and(eq(psaRequestBudget.tenantId, tenantId), eq(psaRequestBudget.integrationId, integrationId), gte(psaRequestBudget.minute, windowStart)))
    .limit(1);
  return Number(rows[0]?.total ?? 0);
}
