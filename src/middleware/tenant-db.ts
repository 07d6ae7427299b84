/**
 * Per-request database selection (src/db/tenant-db.ts decides, this applies
 * it to the request): every request starts on the home database `DB`; once
 * the tenant is known — from a credential (auth/index.ts), a tenant id in the
 * path or body, or a PSA integration id — `c.get("db")` is that tenant's.
 *
 * Non-production only, on request (`X-D1-Rows-Read: 1`): the response carries
 * `X-D1-Rows-Read`, the sum of D1 `meta.rows_read` over every statement the
 * request ran (the benches read it; db/client.ts says why it is opt-in).
 */
import type { Context, MiddlewareHandler } from "hono";
import { createDb, type Db } from "../db/client.ts";
import { findIntegrationForDelivery } from "../db/repos/psa-integrations.ts";
import { findInDatabases, tenantDb } from "../db/tenant-db.ts";
import type { AppEnv } from "../env.ts";

export const ROWS_READ_HEADER = "X-D1-Rows-Read";

export function homeDb(): MiddlewareHandler<AppEnv> {
  return async function homeDb(c, next) {
    const metered = c.req.header(ROWS_READ_HEADER) !== undefined && (c.env.TRUEUP_ENV === "development" || c.env.TRUEUP_ENV === "test");
    const meter = metered ? { rowsRead: 0 } : undefined;
    c.set("rowsRead", meter);
    c.set("db", createDb(c.env.DB, meter));
    await next();
    if (meter) c.header(ROWS_READ_HEADER, String(meter.rowsRead));
  };
}

/** Switches the request to the database of `tenantId` and returns it. */
export function useTenantDb(c: Context<AppEnv>, tenantId: string): Db {
  const db = tenantDb(c.env, tenantId, c.get("rowsRead"));
  c.set("db", db);
  return db;
}

/**
 * Switches the request to the database that holds PSA integration `id` (webhook
 * deliveries and ConnectWise pods name the integration, not the tenant). When
 * no database knows it the request stays on `DB`, where the service answers
 * as it does for any unknown integration.
 */
export async function useDbOfPsaIntegration(c: Context<AppEnv>, id: string, kind: "connectwise" | "autotask"): Promise<Db> {
  const hit = await findInDatabases(c.env, (db) => findIntegrationForDelivery(db, id, kind), c.get("rowsRead"));
  if (hit) c.set("db", hit.db);
  return c.get("db");
}
