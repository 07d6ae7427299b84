/**
 * Which D1 database holds a tenant: the one place that decides it, so a
 * second database is a config change (TENANT_DATABASES + a [[d1_databases]]
 * binding), not a change to services. Every tenant not listed lives in `DB`,
 * the home database. docs/scaling.md explains when and why to add one.
 *
 * Credentials presented before the tenant is known (API keys, integration
 * keys, pod sessions, webhook integration ids) are looked up in each
 * configured database in turn (`findInDatabases`); with a handful of
 * databases that is a handful of indexed point reads. A directory table
 * replaces this at many shards (docs/scaling.md §4.2).
 */
import { type Db, type D1Meter, createDb } from "./client.ts";
import { type Env, tenantDatabasesSchema } from "../env.ts";

export const HOME_BINDING = "DB";

const routings = new WeakMap<object, Map<string, string>>();

/** tenantId → binding name for the tenants outside `DB`; parsed once per env object, thrown on a bad value. */
function routingOf(env: Env): Map<string, string> {
  let routing = routings.get(env);
  if (!routing) {
    const parsed = tenantDatabasesSchema.safeParse(env.TENANT_DATABASES ?? "{}");
    if (!parsed.success) throw new Error(`TENANT_DATABASES: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
    routing = new Map(Object.entries(parsed.data));
    routings.set(env, routing);
  }
  return routing;
}

function bindingOf(env: Env, name: string): D1Database {
  const binding = (env as unknown as Record<string, unknown>)[name] as D1Database | undefined;
  if (typeof binding?.prepare !== "function") throw new Error(`TENANT_DATABASES names ${name}, which is not a D1 binding of this Worker`);
  return binding;
}

/** The binding name of the database that holds `tenantId`. */
export function tenantBinding(env: Env, tenantId: string): string {
  return routingOf(env).get(tenantId) ?? HOME_BINDING;
}

/** The database of one tenant: every repository call for that tenant goes through this. */
export function tenantDb(env: Env, tenantId: string, meter?: D1Meter): Db {
  return createDb(bindingOf(env, tenantBinding(env, tenantId)), meter);
}

/** Every configured database, the home one first (cron passes and credential look-ups). */
export function allDatabases(env: Env, meter?: D1Meter): Array<{ binding: string; db: Db }> {
  const names = [HOME_BINDING, ...new Set([...routingOf(env).values()].filter((n) => n !== HOME_BINDING))];
  return names.map((binding) => ({ binding, db: createDb(bindingOf(env, binding), meter) }));
}

/**
 * Looks a pre-tenant credential up in each database until one knows it. The
 * hit only counts if that database is the tenant's own: a row left behind in
 * another database (a tenant moved) must not authenticate against stale data.
 */
export async function findInDatabases<T extends { tenantId: string }>(
  env: Env,
  find: (db: Db) => Promise<T | null>,
  meter?: D1Meter,
): Promise<{ found: T; db: Db } | null> {
  for (const { binding, db } of allDatabases(env, meter)) {
    const found = await find(db);
    if (found && tenantBinding(env, found.tenantId) === binding) return { found, db };
  }
  return null;
}
