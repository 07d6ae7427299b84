/**
 * Per-request database selection (src/db/tenant-db.ts decides, this applies
 * it to the request): every request starts on the home database `DB`; once
 * the tenant is known — from a credential (auth/index.ts), a tenant id in the
 * path or body, or a PSA integration id — `c.get("db")` is that tenant's.
 *
 * Non-production only, on request (`X-D1-Rows-Read: 1`): the response carries
 * `X-D1-Rows-Read` and `X-D1-Rows-Written`, the sums of D1 `meta.rows_read`
 * and `meta.rows_written` over every statement the request ran (the benches
 * read them; db/client.ts says why this is opt-in).
 */
import type { Context, MiddlewareHandler } from "hono";
import { createDb, type Db } from "../db/client.ts";
import { findIntegrationForDelivery } from "../db/repos/psa-integrations.ts";
import { findInDatabases, tenantDb } from "../db/tenant-db.ts";
import type { AppEnv } from "../env.ts";

export const ROWS_READ_HEADER = "X-D1-Rows-Read";
const ROWS_WRITTEN_HEADER = "X-D1-Rows-Written";

export function homeDb(): MiddlewareHandler<AppEnv> {
  return async function homeDb(c, next) {
    const metered = c.req.header(ROWS_READ_HEADER) !== undefined && (c.env.TRUEUP_ENV === "development" || c.env.TRUEUP_ENV === "test");
    const meter = metered ? { rowsRead: 0, rowsWritten: 0 } : undefined;
    c.set("d1Meter", meter);
    c.set("db", createDb(c.env.DB, meter));
    await next();
    if (meter) {
      c.header(ROWS_READ_HEADER, String(meter.rowsRead));
      c.header(ROWS_WRITTEN_HEADER, String(meter.rowsWritten));
    }
  };
}

/** Switches the request to the database of `tenantId` and returns it. */
export function useTenantDb(c: Context<AppEnv>, tenantId: string): Db {
  const db = tenantDb(c.env, tenantId, c.get("d1Meter"));
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
  const hit = await findInDatabases(c.env, (db) => findIntegrationForDelivery(db, id, kind), c.get("d1Meter"));
  if (hit) c.set("db", hit.db);
  return c.get("db");
}
