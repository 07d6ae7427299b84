/**
 * Route surface: psa. Mounted at "/" by app.ts; every route applies its own
 * auth (tenant routes) or signature check (webhooks) — no path-less `.use()`.
 */
import { Hono } from "hono";
import type { AppEnv } from "../../env.ts";
import { decisionRoutes } from "./decisions.ts";
import { psaIntegrationRoutes } from "./integrations.ts";
import { psaWebhookRoutes } from "./webhooks.ts";

export const psaRoutes = new Hono<AppEnv>().route("/", psaWebhookRoutes).route("/", psaIntegrationRoutes).route("/", decisionRoutes);
