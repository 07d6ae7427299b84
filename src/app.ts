/**
 * The Hono app: request id, per-request db (middleware/tenant-db.ts), error
 * shape, route surfaces.
 * Unknown paths fall through to static assets (the pod UI); what assets don't
 * have gets the JSON 404.
 */
import { type Context, Hono } from "hono";
import { requestId } from "hono/request-id";
import { htmlPolicyHeaders } from "./core/pod/csp.ts";
import { envSchema, type AppEnv, type TenantPrincipal } from "./env.ts";
import { AppError, errorResponse, handleError } from "./errors.ts";
import { homeDb } from "./middleware/tenant-db.ts";
import { adminTenantRoutes } from "./routes/admin-tenants.ts";
import { demoRoutes } from "./routes/demo/index.ts";
import { healthRoutes } from "./routes/health.ts";
import { ingestRoutes } from "./routes/ingest/index.ts";
import { podRoutes } from "./routes/pod/index.ts";
import { psaRoutes } from "./routes/psa/index.ts";
import { reconciliationRoutes } from "./routes/reconciliation.ts";
import { workspaceRoutes } from "./routes/workspace/index.ts";
import { settleQuietly } from "./services/recon/settle.ts";
import { dispatchAlertsQuietly } from "./services/workspace/alert-delivery.ts";

/**
 * A tenant's successful write (a pushed count, a mapping, a decision…) has
 * marked reconciliation scopes dirty in its own transaction; recompute them
 * before answering so the caller's next read shows the change.
 */
async function settleAfterWrite(c: Context<AppEnv>): Promise<void> {
  const tenant = c.get("tenant") as TenantPrincipal | undefined;
  if (!tenant || c.req.method === "GET" || c.req.method === "HEAD" || c.res.status >= 400) return;
  await settleQuietly(c.env, c.get("db"), tenant.tenantId, new Date());
  // Alerts the write raised (triggers of migration 0009: a count jump, a failed write-back) are queued for delivery.
  await dispatchAlertsQuietly(c.env, c.get("db"), tenant.tenantId, new Date());
}

/**
 * Vite names every file under /assets/ by a hash of its content, so a name is
 * never reused for other bytes: the browser may keep it for a year without
 * asking again. Static Assets' default (`max-age=0, must-revalidate`,
 * developers.cloudflare.com/workers/static-assets/headers) made every pod open
 * in ConnectWise revalidate its JS and CSS first — a round trip before the pod
 * could start — and kept Chromium from using its compiled-code cache.
 */
function withAssetCaching(path: string, asset: Response): Response {
  if (!path.startsWith("/assets/") || asset.status !== 200) return asset;
  const res = new Response(asset.body, asset);
  res.headers.set("Cache-Control", "public, max-age=31536000, immutable");
  return res;
}

// The env object is the same for every request an isolate serves: validate it once.
const checkedEnvs = new WeakSet<object>();

export function createApp() {
  const app = new Hono<AppEnv>();
  app.use(requestId({ headerName: "X-Request-Id" }));
  app.use(homeDb());
  app.use(async function checkEnv(c, next) {
    if (!checkedEnvs.has(c.env)) {
      const parsed = envSchema.safeParse(c.env);
      if (!parsed.success) {
        console.error("BAD_ENVIRONMENT", parsed.error.message);
        throw new AppError("internal_error", "Server is misconfigured");
      }
      checkedEnvs.add(c.env);
    }
    await next();
    await settleAfterWrite(c);
  });
  app.use(async function htmlHeaders(c, next) {
    await next();
    // Every HTML response gets the pod's header policy; pod pages already set theirs (with the tenant's frame-ancestors).
    if (!/^text\/html\b/i.test(c.res.headers.get("content-type") ?? "") || c.res.headers.has("content-security-policy")) return;
    const res = new Response(c.res.body, c.res);
    for (const [name, value] of Object.entries(htmlPolicyHeaders())) res.headers.set(name, value);
    c.res = undefined;
    c.res = res;
  });
  app.onError(handleError);
  app.route("/", healthRoutes);
  app.route("/api/admin/tenants", adminTenantRoutes);
  app.route("/api/v1", reconciliationRoutes);
  app.route("/", ingestRoutes);
  app.route("/", psaRoutes);
  app.route("/", podRoutes);
  app.route("/", demoRoutes);
  app.route("/", workspaceRoutes);
  app.notFound(async (c) => {
    if (!c.req.path.startsWith("/api/") && (c.req.method === "GET" || c.req.method === "HEAD")) {
      const asset = await c.env.ASSETS.fetch(c.req.raw);
      if (asset.status !== 404) return withAssetCaching(c.req.path, asset);
    }
    return errorResponse(c, "not_found", `No route for ${c.req.method} ${c.req.path}`);
  });
  return app;
}
