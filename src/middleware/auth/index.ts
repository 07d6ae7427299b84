/**
 * Authentication middleware. Operator calls (tenant provisioning) carry the
 * OPERATOR_TOKEN secret. Tenant calls carry a bearer token whose prefix says
 * what it is — `tu_` tenant API key, `ti_` vendor integration key, `tp_` pod
 * session — so one lookup (per configured database, db/tenant-db.ts) resolves
 * it. Every failure is a 401 in the standard error shape that does not say
 * which part was wrong.
 */
import type { MiddlewareHandler } from "hono";
import type { Db } from "../../db/client.ts";
import { findInDatabases } from "../../db/tenant-db.ts";
import type { AppEnv, TenantPrincipal } from "../../env.ts";
import { AppError } from "../../errors.ts";
import { secretsEqual } from "../../services/secrets.ts";
import { resolveApiKey } from "./resolve-api-key.ts";
import { resolveIntegrationKey } from "./resolve-integration-key.ts";
import { resolvePodSession } from "./resolve-pod-session.ts";

export type Via = TenantPrincipal["via"];
type Resolver = (db: Db, token: string) => Promise<TenantPrincipal | null>;

const RESOLVERS: Record<string, { via: Via; resolve: Resolver }> = {
  tu: { via: "api-key", resolve: resolveApiKey },
  ti: { via: "integration-key", resolve: resolveIntegrationKey },
  tp: { via: "pod-session", resolve: resolvePodSession },
};

export function readBearer(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? null;
}

export function requireOperator(): MiddlewareHandler<AppEnv> {
  return async function requireOperator(c, next) {
    const token = readBearer(c.req.header("authorization"));
    if (!token || !(await secretsEqual(token, c.env.OPERATOR_TOKEN))) {
      throw new AppError("unauthorized", "Missing or invalid operator token");
    }
    await next();
  };
}

/**
 * Tenant authentication. By default tenant API keys and pod sessions are
 * accepted (the pod calls the same API as scripts); vendor integration keys
 * only where a route allows them.
 */
export function requireTenant(allow: readonly Via[] = ["api-key", "pod-session"]): MiddlewareHandler<AppEnv> {
  return async function requireTenant(c, next) {
    const token = readBearer(c.req.header("authorization"));
    if (!token) throw new AppError("unauthorized", "Missing API key: send Authorization: Bearer <tenant API key>");
    const resolver = RESOLVERS[token.split("_", 1)[0] ?? ""];
    // Found in the tenant's own database (db/tenant-db.ts), which serves the rest of the request.
    const hit = resolver && allow.includes(resolver.via) ? await findInDatabases(c.env, (db) => resolver.resolve(db, token), c.get("d1Meter")) : null;
    if (!hit) throw new AppError("unauthorized", "Invalid API key");
    c.set("tenant", hit.found);
    c.set("db", hit.db);
    await next();
  };
}
