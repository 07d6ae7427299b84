/**
 * Usage integrations: create (keys shown once), list, disconnect, and for
 * pull integrations "sync now" and the run history.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../env.ts";
import { AppError } from "../../errors.ts";
import { listIntegrations } from "../../db/repos/ingest-integrations.ts";
import { requireTenant } from "../../middleware/auth/index.ts";
import { setIntegrationCalendar } from "../../services/ingest/calendar.ts";
import { parsePullConfig } from "../../services/ingest/integration-config.ts";
import { createIntegrationSchema, updateIntegrationSchema } from "../../services/ingest/integration-input.ts";
import { createIntegration, disconnectIntegration, updateIntegration } from "../../services/ingest/integrations.ts";
import { getPullRun, listPullRuns, requestPullRun } from "../../services/ingest/pulls.ts";
import { readJson } from "../parse.ts";

const calendarSchema = z.strictObject({
  covers: z.enum(["current", "previous"], { error: "must be current or previous" }),
  completeAfterDay: z.number().int("must be a whole day").min(1, "must be from 1 to 28").max(28, "must be from 1 to 28"),
  services: z.enum(["all", "consumption"], { error: "must be all or consumption" }).default("all"),
});

export const integrationRoutes = new Hono<AppEnv>()
  .post("/api/v1/integrations", requireTenant(), async (c) => {
    const body = await readJson(c, createIntegrationSchema);
    return c.json(await createIntegration(c.get("db"), c.env, c.get("tenant"), body, new Date()), 201);
  })
  .get("/api/v1/integrations", requireTenant(), async (c) => {
    const rows = await listIntegrations(c.get("db"), c.get("tenant").tenantId);
    const integrations = rows.map((r) => {
      const pull = parsePullConfig(r.config);
      return { integrationId: r.id, kind: r.kind, name: r.name, status: r.status, createdAt: r.createdAt, disconnectedAt: r.disconnectedAt, syncDay: pull?.syncDay ?? null };
    });
    return c.json({ integrations });
  })
  .patch("/api/v1/integrations/:integrationId", requireTenant(), async (c) => {
    const body = await readJson(c, updateIntegrationSchema);
    return c.json(await updateIntegration(c.get("db"), c.get("tenant"), c.req.param("integrationId"), body, new Date()));
  })
  // Which period the integration's counts cover and from which day it is complete (issue 12).
  .put("/api/v1/integrations/:integrationId/calendar", requireTenant(), async (c) => {
    const body = await readJson(c, calendarSchema);
    return c.json(await setIntegrationCalendar(c.get("db"), c.get("tenant"), c.req.param("integrationId"), body, new Date()));
  })
  .delete("/api/v1/integrations/:integrationId", requireTenant(), async (c) => {
    await disconnectIntegration(c.get("db"), c.get("tenant"), c.req.param("integrationId"), new Date());
    return c.body(null, 204);
  })
  .post("/api/v1/integrations/:integrationId/sync", requireTenant(), async (c) => {
    const run = await requestPullRun(c.get("db"), c.env, c.get("tenant"), c.req.param("integrationId"), new Date());
    return c.json({ run }, 202);
  })
  .get("/api/v1/integrations/:integrationId/runs", requireTenant(), async (c) => {
    return c.json({ runs: await listPullRuns(c.get("db"), c.get("tenant").tenantId, c.req.param("integrationId")) });
  })
  .get("/api/v1/pull-runs/:runId", requireTenant(), async (c) => {
    const run = await getPullRun(c.get("db"), c.get("tenant").tenantId, c.req.param("runId"));
    if (!run) throw new AppError("not_found", "Pull run not found");
    return c.json({ run });
  });
