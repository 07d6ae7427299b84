/** Operator API: tenant provisioning and the full reconciliation rebuild (Bearer OPERATOR_TOKEN). */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { requireOperator } from "../middleware/auth/index.ts";
import { AppError } from "../errors.ts";
import { recomputeTenant } from "../services/recon/recompute.ts";
import { createTenant, tenantExists } from "../services/tenants.ts";
import { readJson } from "./parse.ts";

export const createTenantBodySchema = z.strictObject({
  name: z.string().trim().min(1, "must not be empty").max(200, "at most 200 characters"),
});

export const adminTenantRoutes = new Hono<AppEnv>()
  .post("/", requireOperator(), async (c) => {
    const body = await readJson(c, createTenantBodySchema);
    const created = await createTenant(c.get("db"), body.name, new Date());
    return c.json(created, 201);
  })
  // Rebuilds every persisted reconciliation row of the tenant from its inputs (npm run recompute).
  .post("/:tenantId/recompute", requireOperator(), async (c) => {
    const tenantId = c.req.param("tenantId");
    if (!(await tenantExists(c.get("db"), tenantId))) throw new AppError("not_found", "Tenant not found");
    return c.json(await recomputeTenant(c.get("db"), tenantId, new Date()));
  });
