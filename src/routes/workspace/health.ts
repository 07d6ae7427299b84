/** `GET /api/v1/health` (viewer+): connector health, dead letters and recent alerts for the workspace. */
import { Hono } from "hono";
import type { AppEnv } from "../../env.ts";
import { requireTenant } from "../../middleware/auth/index.ts";
import { getHealth } from "../../services/workspace/health.ts";

export const workspaceHealthRoutes = new Hono<AppEnv>().get("/api/v1/health", requireTenant(), async (c) =>
  c.json(await getHealth(c.get("db"), c.get("tenant").tenantId, new Date())),
);
