/**
 * Tenant API for PSA connections: connect ConnectWise / Autotask, list and
 * inspect integrations and their sync runs, start a sync, disconnect.
 * Credentials are never returned.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { Db } from "../../db/client.ts";
import { findIntegration, listIntegrations, type PsaIntegration } from "../../db/repos/psa-integrations.ts";
import { countRunCalls, findSyncRun, listSyncRuns, type SyncRun } from "../../db/repos/psa-sync-runs.ts";
import type { AppEnv } from "../../env.ts";
import { AppError } from "../../errors.ts";
import { requireTenant } from "../../middleware/auth/index.ts";
import { connectAutotask } from "../../services/psa/connect-at.ts";
import { connectConnectWise } from "../../services/psa/connect-cw.ts";
import { disconnectIntegration } from "../../services/psa/disconnect.ts";
import { startSyncRun } from "../../services/psa/sync-runs.ts";
import { readJson } from "../parse.ts";

const text = (max: number) => z.string().trim().min(1, "must not be empty").max(max, `at most ${max} characters`);

export const connectCwBodySchema = z.strictObject({
  site: text(200),
  companyId: text(100),
  publicKey: text(200),
  privateKey: text(200),
  clientId: text(100),
});

export const connectAtBodySchema = z.strictObject({
  username: text(200),
  secret: text(200),
  integrationCode: text(100),
  zoneLookupOrigin: text(200).optional(),
});

const syncBodySchema = z.strictObject({ mode: z.enum(["full", "incremental"]).default("incremental") });

function integrationView(i: PsaIntegration) {
  return {
    id: i.id,
    kind: i.kind,
    status: i.status,
    siteOrigin: i.siteOrigin,
    apiBaseUrl: i.apiBaseUrl,
    webOrigins: JSON.parse(i.webOrigins) as string[],
    pollingOnly: i.pollingOnly,
    lastIncrementalSyncAt: i.lastIncrementalSyncAt,
    lastFullSyncAt: i.lastFullSyncAt,
    lastSyncError: i.lastSyncError,
    createdAt: i.createdAt,
    disconnectedAt: i.disconnectedAt,
  };
}

async function runView(db: Db, r: SyncRun) {
  const { tenantId: _t, psaCalls: _c, ...rest } = r;
  return { ...rest, psaCalls: await countRunCalls(db, r.tenantId, r) };
}

async function ownIntegration(db: Db, tenantId: string, id: string): Promise<PsaIntegration> {
  const integration = await findIntegration(db, tenantId, id);
  if (!integration) throw new AppError("not_found", "Integration not found");
  return integration;
}

export const psaIntegrationRoutes = new Hono<AppEnv>()
  .post("/api/v1/psa/connectwise", requireTenant(), async (c) => {
    const body = await readJson(c, connectCwBodySchema);
    const result = await connectConnectWise(c.env, c.get("db"), c.get("tenant"), body, new URL(c.req.url).origin, new Date());
    return c.json(result, 201);
  })
  .post("/api/v1/psa/autotask", requireTenant(), async (c) => {
    const body = await readJson(c, connectAtBodySchema);
    const result = await connectAutotask(c.env, c.get("db"), c.get("tenant"), body, new URL(c.req.url).origin, new Date());
    return c.json(result, 201);
  })
  .get("/api/v1/psa/integrations", requireTenant(), async (c) => {
    const integrations = await listIntegrations(c.get("db"), c.get("tenant").tenantId);
    return c.json({ integrations: integrations.map(integrationView) });
  })
  .get("/api/v1/psa/integrations/:id", requireTenant(), async (c) => {
    const db = c.get("db");
    const integration = await ownIntegration(db, c.get("tenant").tenantId, c.req.param("id"));
    const runs = await listSyncRuns(db, integration.tenantId, integration.id);
    return c.json({ integration: integrationView(integration), runs: await Promise.all(runs.map((r) => runView(db, r))) });
  })
  .delete("/api/v1/psa/integrations/:id", requireTenant(), async (c) => {
    return c.json(await disconnectIntegration(c.env, c.get("db"), c.get("tenant"), c.req.param("id"), new Date()));
  })
  .post("/api/v1/psa/integrations/:id/sync", requireTenant(), async (c) => {
    const body = await readJson(c, syncBodySchema);
    const integration = await ownIntegration(c.get("db"), c.get("tenant").tenantId, c.req.param("id"));
    if (integration.status === "disconnected") throw new AppError("conflict", "Integration is disconnected");
    const run = await startSyncRun(c.env, c.get("db"), integration, body.mode, new Date());
    return c.json(run, 202);
  })
  .get("/api/v1/psa/sync-runs/:id", requireTenant(), async (c) => {
    const db = c.get("db");
    const run = await findSyncRun(db, c.get("tenant").tenantId, c.req.param("id"));
    if (!run) throw new AppError("not_found", "Sync run not found");
    return c.json({ run: await runView(db, run) });
  });
