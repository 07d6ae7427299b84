/**
 * Workspace sessions: the `__Host-trueup_app` cookie (services/workspace/sessions.ts).
 * A cookie is sent by the browser on its own, so every state-changing request
 * made with it must also carry the session's CSRF token in `X-CSRF-Token`.
 */
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import type { AppEnv, TenantPrincipal } from "../../env.ts";
import { findInDatabases } from "../../db/tenant-db.ts";
import { AppError } from "../../errors.ts";
import { verifyCsrfToken } from "../../services/workspace/csrf.ts";
import { APP_COOKIE, readWorkspaceSession } from "../../services/workspace/sessions.ts";

export function readAppCookie(c: Context<AppEnv>): string | null {
  return getCookie(c, APP_COOKIE) ?? null;
}

/**
 * The session behind a workspace cookie, looked up in each configured database
 * (db/tenant-db.ts); the request then uses the database that holds it.
 */
export async function findAppSession(c: Context<AppEnv>, token: string): Promise<Awaited<ReturnType<typeof readWorkspaceSession>>> {
  const now = new Date();
  const hit = await findInDatabases(c.env, (db) => readWorkspaceSession(db, token, now), c.get("d1Meter"));
  if (!hit) return null;
  c.set("db", hit.db);
  return hit.found;
}

export async function resolveAppSession(c: Context<AppEnv>, token: string): Promise<TenantPrincipal | null> {
  const session = await findAppSession(c, token);
  if (!session) return null;
  const method = c.req.method;
  if (method !== "GET" && method !== "HEAD" && !(await verifyCsrfToken(token, c.req.header("x-csrf-token")))) {
    throw new AppError("forbidden", "missing or wrong CSRF token");
  }
  const { user } = session;
  return { tenantId: session.tenantId, via: "app-session", actor: `user:${user.email}`, role: user.role, userId: user.id };
}
