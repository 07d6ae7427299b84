/**
 * Route surface: the local demo. `GET /demo` on the Worker (the address the
 * README gives) redirects to the demo host page, which the ConnectWise
 * simulator serves on its own origin (scripts/demo-host.ts): a
 * ConnectWise-like agreement screen that frames the pod from another site.
 * Development only — it exists when insecure loopback origins are allowed
 * (never in production) and only points at the demo tenant's connected
 * ConnectWise integration when that is a loopback simulator. Mounted at "/"
 * by app.ts; no path-less middleware.
 */
import { Hono, type Context } from "hono";
import { isLoopbackHost } from "../../core/psa/origins.ts";
import { findConnectedIntegration } from "../../db/repos/psa-integrations.ts";
import { DEMO_TENANT_ID } from "../../db/seed/demo-tenant.ts";
import { allowsInsecureOrigins, type AppEnv } from "../../env.ts";
import { AppError } from "../../errors.ts";
import { useTenantDb } from "../../middleware/tenant-db.ts";

async function redirectToDemoHost(c: Context<AppEnv>): Promise<Response> {
  if (!allowsInsecureOrigins(c.env)) throw new AppError("not_found", `No route for ${c.req.method} ${c.req.path}`);
  const integration = await findConnectedIntegration(useTenantDb(c, DEMO_TENANT_ID), DEMO_TENANT_ID, "connectwise");
  const site = integration ? new URL(integration.siteOrigin) : null;
  if (!site || site.protocol !== "http:" || !isLoopbackHost(site.hostname)) {
    throw new AppError("service_unavailable", "The demo is not bootstrapped: start it with `npm run dev`, which connects the demo tenant to the ConnectWise simulator");
  }
  const agreement = c.req.query("agreement");
  const query = agreement && /^\d{1,10}$/.test(agreement) ? `?agreement=${agreement}` : "";
  return c.redirect(`${site.origin}/demo${query}`, 302);
}

export const demoRoutes = new Hono<AppEnv>().get("/demo", redirectToDemoHost).get("/demo/*", redirectToDemoHost);
