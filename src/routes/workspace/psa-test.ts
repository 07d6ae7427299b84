/**
 * Test a connection (admin): `POST /api/v1/psa/connectwise/test` and
 * `POST /api/v1/psa/autotask/test` take the connect bodies (nothing is saved);
 * `POST /api/v1/integrations/:integrationId/test` runs a saved Pax8/Liongard
 * pull without writing. All answer 200 `{ok:true, detail}` or `{ok:false, message, field?}`.
 */
import { Hono } from "hono";
import type { AppEnv } from "../../env.ts";
import { requireTenant } from "../../middleware/auth/index.ts";
import { testAutotask, testConnectWise } from "../../services/workspace/test-connection.ts";
import { testVendorPull } from "../../services/workspace/test-vendor.ts";
import { readJson } from "../parse.ts";
import { connectAtBodySchema, connectCwBodySchema } from "../psa/integrations.ts";

export const workspacePsaTestRoutes = new Hono<AppEnv>()
  .post("/api/v1/psa/connectwise/test", requireTenant(), async (c) => c.json(await testConnectWise(c.env, await readJson(c, connectCwBodySchema))))
  .post("/api/v1/psa/autotask/test", requireTenant(), async (c) => c.json(await testAutotask(c.env, await readJson(c, connectAtBodySchema))))
  .post("/api/v1/integrations/:integrationId/test", requireTenant(), async (c) =>
    c.json(await testVendorPull(c.env, c.get("db"), c.get("tenant").tenantId, c.req.param("integrationId"), new Date())),
  );
