/** Alerting resources of the Gradient-compatible API: POST /alerting/:accountId and GET /alerting/debug/:messageId (reference §1.3). */
import { Hono } from "hono";
import type { AppEnv } from "../../../env.ts";
import { alertDebug, recordAlert } from "../../../services/ingest/vendor-alerts.ts";
import { scopeOf } from "../../../services/ingest/vendor-api.ts";
import { requireGradientToken } from "./auth.ts";
import { alertSchema, idParam, readBody } from "./schemas.ts";

export const alertingRoutes = new Hono<AppEnv>()
  .get("/debug/:messageId", requireGradientToken(), async (c) => {
    return c.json(await alertDebug(c.get("db"), scopeOf(c.get("tenant")), idParam(c, "messageId")));
  })
  .post("/:accountId", requireGradientToken(), async (c) => {
    const { data } = await readBody(c, alertSchema);
    return c.json(await recordAlert(c.get("db"), scopeOf(c.get("tenant")), idParam(c, "accountId"), data, new Date()), 201);
  });
