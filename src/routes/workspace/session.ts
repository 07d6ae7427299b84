/**
 * Workspace sign-in: `POST|GET|DELETE /api/app/session`. The session token
 * lives only in the `__Host-trueup_app` cookie (HttpOnly, Secure, SameSite=Lax,
 * Path=/); the answer carries the user and a CSRF token for state-changing
 * calls. Sign-in refuses other origins (login CSRF).
 */
import { Hono, type Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import { clientKey } from "../../core/pod/login-limit.ts";
import type { AppEnv } from "../../env.ts";
import { AppError } from "../../errors.ts";
import { findAppSession, readAppCookie } from "../../middleware/auth/resolve-app-session.ts";
import { useTenantDb } from "../../middleware/tenant-db.ts";
import { APP_SESSION_TTL_MS } from "../../services/pod/sessions.ts";
import { mintCsrfToken, verifyCsrfToken } from "../../services/workspace/csrf.ts";
import { APP_COOKIE, endWorkspaceSession, signInWorkspace } from "../../services/workspace/sessions.ts";
import { readJson } from "../parse.ts";

const signInSchema = z.strictObject({
  tenantId: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, "must be a tenant id"),
  email: z.string().trim().min(3).max(320),
  password: z.string().min(1, "must not be empty").max(200),
});

const NO_STORE = { "Cache-Control": "no-store" };

function requireSameOrigin(c: Context<AppEnv>): void {
  const origin = c.req.header("origin");
  if (origin !== undefined && origin !== new URL(c.req.url).origin) throw new AppError("forbidden", "Cross-origin request refused");
}

function clearCookie(c: Context<AppEnv>): void {
  deleteCookie(c, APP_COOKIE, { path: "/", secure: true, httpOnly: true, sameSite: "Lax" });
}

export const workspaceSessionRoutes = new Hono<AppEnv>()
  .post("/api/app/session", async (c) => {
    requireSameOrigin(c);
    const body = await readJson(c, signInSchema);
    const signedIn = await signInWorkspace(useTenantDb(c, body.tenantId), { ...body, client: clientKey(c.req.header("cf-connecting-ip")) }, new Date());
    setCookie(c, APP_COOKIE, signedIn.token, { path: "/", httpOnly: true, secure: true, sameSite: "Lax", maxAge: APP_SESSION_TTL_MS / 1000 });
    return c.json(signedIn.body, 200, NO_STORE);
  })
  .get("/api/app/session", async (c) => {
    const token = readAppCookie(c);
    const session = token ? await findAppSession(c, token) : null;
    if (!token || !session) throw new AppError("unauthorized", "Not signed in");
    return c.json({ user: session.user, csrfToken: await mintCsrfToken(token) }, 200, NO_STORE);
  })
  .delete("/api/app/session", async (c) => {
    const token = readAppCookie(c);
    const session = token ? await findAppSession(c, token) : null;
    if (token && session) {
      if (!(await verifyCsrfToken(token, c.req.header("x-csrf-token")))) throw new AppError("forbidden", "missing or wrong CSRF token");
      await endWorkspaceSession(c.get("db"), session.tenantId, token, new Date());
    }
    clearCookie(c);
    return c.body(null, 204);
  });
