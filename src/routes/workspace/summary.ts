/** `GET /api/v1/reconciliation/summary` (viewer+): the board's 12-month chart, money by vendor, recovered this month, dismissed. */
import { Hono } from "hono";
import type { AppEnv } from "../../env.ts";
import { requireTenant } from "../../middleware/auth/index.ts";
import { getSummary } from "../../services/workspace/summary.ts";

export const workspaceSummaryRoutes = new Hono<AppEnv>().get("/api/v1/reconciliation/summary", requireTenant(), async (c) =>
  c.json(await getSummary(c.get("db"), c.get("tenant").tenantId, new Date())),
);
