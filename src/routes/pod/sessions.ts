/**
 * Pod sign-in. ConnectWise: the pod relays `getMemberAuthentication` and gets a
 * `tp_` bearer token once ConnectWise confirms the member. Standalone: email
 * and password; the bearer token comes with a `tpr_` refresh token in an
 * HttpOnly SameSite=Strict cookie scoped to these endpoints, so a reload
 * signs back in without any token in script-readable storage.
 */
import { Hono, type Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import { clientKey } from "../../core/pod/login-limit.ts";
import { memberAuthSchema } from "../../core/pod/member-auth.ts";
import { allowsInsecureOrigins, type AppEnv } from "../../env.ts";
import { AppError, describeZodError } from "../../errors.ts";
import { readBearer, requireTenant } from "../../middleware/auth/index.ts";
import { useDbOfPsaIntegration, useTenantDb } from "../../middleware/tenant-db.ts";
import { revokeSession, REFRESH_TTL_MS } from "../../services/pod/sessions.ts";
import { refreshUserSession, signInMember, signInUser } from "../../services/pod/sign-in.ts";
import type { ContextQuery } from "../../services/pod/context.ts";
import { readJson } from "../parse.ts";
import { contextQuerySchema } from "./api.ts";

const REFRESH_COOKIE = "trueup_pod_refresh";
const REFRESH_PATH = "/api/pod/sessions";
const tenantIdField = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, "must be a tenant id");

const memberSessionSchema = z.strictObject({
  integrationId: z.string().min(1).max(100),
  auth: memberAuthSchema,
  // The pod's context query (as for GET /api/pod/context): the answer then carries that context too.
  context: z.string().max(400).optional(),
});

const loginSchema = z.strictObject({
  tenantId: tenantIdField,
  email: z.string().trim().min(3).max(320),
  password: z.string().min(1, "must not be empty").max(200),
});

const refreshSchema = z.strictObject({ tenantId: tenantIdField });

/** Cookie-carrying endpoints refuse other origins (login CSRF, refresh from another site). */
function requireSameOrigin(c: Context<AppEnv>): void {
  const origin = c.req.header("origin");
  if (origin !== undefined && origin !== new URL(c.req.url).origin) throw new AppError("forbidden", "Cross-origin request refused");
}

function setRefreshCookie(c: Context<AppEnv>, token: string): void {
  setCookie(c, REFRESH_COOKIE, token, {
    path: REFRESH_PATH,
    httpOnly: true,
    sameSite: "Strict",
    secure: new URL(c.req.url).protocol === "https:",
    maxAge: REFRESH_TTL_MS / 1000,
  });
}

/** The sign-in's `context`: a ConnectWise screen of the integration signed in to, checked like GET /api/pod/context's query. */
function readContext(text: string | undefined, integrationId: string): ContextQuery | undefined {
  if (text === undefined) return undefined;
  const parsed = contextQuerySchema.safeParse(Object.fromEntries(new URLSearchParams(text)));
  if (!parsed.success) throw new AppError("validation_failed", describeZodError(parsed.error, "body.context"));
  if (parsed.data.by !== "connectwise" || parsed.data.integrationId !== integrationId) throw new AppError("validation_failed", "body.context: must name a screen of this integration");
  return parsed.data;
}

export const podSessionRoutes = new Hono<AppEnv>()
  .post("/api/pod/sessions/connectwise", async (c) => {
    const body = await readJson(c, memberSessionSchema);
    const policy = { allowInsecureLoopback: allowsInsecureOrigins(c.env) };
    const session = await signInMember(await useDbOfPsaIntegration(c, body.integrationId, "connectwise"), policy, body.integrationId, body.auth, new Date(), readContext(body.context, body.integrationId));
    return c.json(session, 201, { "Cache-Control": "no-store" });
  })
  .post("/api/pod/sessions/login", async (c) => {
    requireSameOrigin(c);
    const body = await readJson(c, loginSchema);
    const client = clientKey(c.req.header("cf-connecting-ip"));
    const { session, refresh } = await signInUser(useTenantDb(c, body.tenantId), body.tenantId, body.email, body.password, client, new Date());
    setRefreshCookie(c, refresh.token);
    return c.json(session, 201, { "Cache-Control": "no-store" });
  })
  .post("/api/pod/sessions/refresh", async (c) => {
    requireSameOrigin(c);
    const body = await readJson(c, refreshSchema);
    const token = getCookie(c, REFRESH_COOKIE);
    if (!token) throw new AppError("unauthorized", "No valid session; sign in again");
    const session = await refreshUserSession(useTenantDb(c, body.tenantId), body.tenantId, token, new Date());
    return c.json(session, 201, { "Cache-Control": "no-store" });
  })
  .delete("/api/pod/sessions/current", requireTenant(["pod-session"]), async (c) => {
    const now = new Date();
    const { tenantId } = c.get("tenant");
    const bearer = readBearer(c.req.header("authorization"));
    if (bearer) await revokeSession(c.get("db"), tenantId, bearer, now);
    const refresh = getCookie(c, REFRESH_COOKIE);
    if (refresh) await revokeSession(c.get("db"), tenantId, refresh, now);
    deleteCookie(c, REFRESH_COOKIE, { path: REFRESH_PATH });
    return c.body(null, 204);
  });
