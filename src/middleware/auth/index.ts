/**
 * Authentication middleware. Operator calls (tenant provisioning) carry the
 * OPERATOR_TOKEN secret. Tenant calls carry a bearer token whose prefix says
 * what it is — `tu_` tenant API key, `ti_` vendor integration key, `tp_` pod
 * session — so one lookup (per configured database, db/tenant-db.ts) resolves
 * it. Without a bearer token, the workspace cookie is accepted where a route
 * allows it (with its CSRF check). Every failure is a 401 in the standard
 * error shape that does not say which part was wrong. Then the caller's role
 * must cover the route (core/workspace/roles.ts): 403 naming the role needed.
 */
import type { Context, MiddlewareHandler } from "hono";
import type { Db } from "../../db/client.ts";
import { findInDatabases } from "../../db/tenant-db.ts";
import type { AppEnv, TenantPrincipal } from "../../env.ts";
import { hasRole, requiredRole } from "../../core/workspace/roles.ts";
import { AppError } from "../../errors.ts";
import { secretsEqual } from "../../services/secrets.ts";
import { resolveApiKey } from "./resolve-api-key.ts";
import { readAppCookie, resolveAppSession } from "./resolve-app-session.ts";
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
 * Tenant authentication. By default tenant API keys, pod sessions and
 * workspace sessions are accepted (the pod and the workspace call the same
 * API as scripts); vendor integration keys only where a route allows them.
 */
export function requireTenant(allow: readonly Via[] = ["api-key", "pod-session", "app-session"]): MiddlewareHandler<AppEnv> {
  return async function requireTenant(c, next) {
    const principal = await authenticate(c, allow);
    if (principal.role !== null) {
      const needed = requiredRole(c.req.method, c.req.path);
      const role = principal.role ?? "viewer";
      if (!hasRole(role, needed)) {
        throw new AppError("forbidden", `This needs the ${needed} role; you are signed in as ${role}`);
      }
    }
    c.set("tenant", principal);
    await next();
  };
}

/** Who is calling; the request then uses that tenant's own database (db/tenant-db.ts). */
async function authenticate(c: Context<AppEnv>, allow: readonly Via[]): Promise<TenantPrincipal> {
  const token = readBearer(c.req.header("authorization"));
  if (!token) {
    const cookie = allow.includes("app-session") ? readAppCookie(c) : null;
    const session = cookie ? await resolveAppSession(c, cookie) : null;
    if (session) return session;
    throw new AppError("unauthorized", cookie ? "Session expired; sign in again" : "Missing API key: send Authorization: Bearer <tenant API key>");
  }
  const resolver = RESOLVERS[token.split("_", 1)[0] ?? ""];
  const hit = resolver && allow.includes(resolver.via) ? await findInDatabases(c.env, (db) => resolver.resolve(db, token), c.get("d1Meter")) : null;
  if (!hit) throw new AppError("unauthorized", "Invalid API key");
  c.set("db", hit.db);
  return hit.found;
}
