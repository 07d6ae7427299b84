/**
 * Alerts: `GET /api/v1/alerts` (viewer+), the delivery log
 * `GET /api/v1/alert-deliveries` (viewer+; locally it holds the e-mails that
 * would have been sent), and the admin-only settings
 * `GET|PUT /api/v1/alert-settings` and `POST /api/v1/alert-settings/test-webhook`.
 */
import { Hono } from "hono";
import { z } from "zod";
import { listDeliveries } from "../../db/repos/alerts.ts";
import type { AppEnv } from "../../env.ts";
import { requireTenant } from "../../middleware/auth/index.ts";
import { sendTestWebhook } from "../../services/workspace/alert-delivery.ts";
import { getSettingsView, putSettings, settingsInputSchema } from "../../services/workspace/alert-settings.ts";
import { listAlerts } from "../../services/workspace/alerts.ts";
import { readJson, readQuery } from "../parse.ts";

const limit = (max: number) =>
  z.string().regex(/^\d{1,3}$/, `must be a whole number from 1 to ${max}`).transform(Number).pipe(z.number().min(1, `must be from 1 to ${max}`).max(max, `must be from 1 to ${max}`));

const listSchema = z.strictObject({ limit: limit(200).optional(), cursor: z.string().min(1).max(500).optional() });
const logSchema = z.strictObject({ limit: limit(200).optional() });

export const workspaceAlertRoutes = new Hono<AppEnv>()
  .get("/api/v1/alerts", requireTenant(), async (c) => {
    const q = readQuery(c, listSchema);
    return c.json(await listAlerts(c.get("db"), c.get("tenant").tenantId, q.limit ?? 50, q.cursor));
  })
  .get("/api/v1/alert-deliveries", requireTenant(), async (c) => {
    const q = readQuery(c, logSchema);
    const rows = await listDeliveries(c.get("db"), c.get("tenant").tenantId, q.limit ?? 50);
    return c.json({ deliveries: rows.map(({ tenantId: _t, ...rest }) => rest) });
  })
  .get("/api/v1/alert-settings", requireTenant(), async (c) => c.json(await getSettingsView(c.env, c.get("db"), c.get("tenant").tenantId)))
  .put("/api/v1/alert-settings", requireTenant(), async (c) => {
    const body = await readJson(c, settingsInputSchema(c.env));
    const { tenantId, actor } = c.get("tenant");
    return c.json(await putSettings(c.env, c.get("db"), tenantId, body, actor, new Date()));
  })
  .post("/api/v1/alert-settings/test-webhook", requireTenant(), async (c) => c.json(await sendTestWebhook(c.env, c.get("db"), c.get("tenant").tenantId, new Date())));
