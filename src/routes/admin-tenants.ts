/**
 * Operator API: tenant provisioning and the full reconciliation rebuild
 * (Bearer OPERATOR_TOKEN). A tenant bound
 * for another database is given its id up front: the operator lists it in
 * TENANT_DATABASES first, so its rows are created where they will be read
 * (docs/scaling.md).
 */
import { Hono } from "hono";
import { z } from "zod";
import { findTenant } from "../db/repos/tenants.ts";
import type { AppEnv } from "../env.ts";
import { AppError } from "../errors.ts";
import { requireOperator } from "../middleware/auth/index.ts";
import { useTenantDb } from "../middleware/tenant-db.ts";
import { recomputeTenant } from "../services/recon/recompute.ts";
import { newId } from "../services/secrets.ts";
import { createTenant } from "../services/tenants.ts";
import { readJson } from "./parse.ts";

export const createTenantBodySchema = z.strictObject({
  name: z.string().trim().min(1, "must not be empty").max(200, "at most 200 characters"),
  tenantId: z.string().regex(/^tnt_[A-Za-z0-9_-]{1,60}$/, "must be tnt_ followed by 1–60 letters, digits, _ or -").optional(),
});

export const adminTenantRoutes = new Hono<AppEnv>()
  .post("/", requireOperator(), async (c) => {
    const body = await readJson(c, createTenantBodySchema);
    const tenantId = body.tenantId ?? newId("tnt");
    if (await findTenant(useTenantDb(c, tenantId), tenantId)) throw new AppError("conflict", `body.tenantId: tenant ${tenantId} already exists`);
    const created = await createTenant(c.get("db"), body.name, new Date(), tenantId);
    return c.json(created, 201);
  })
  // Rebuilds every persisted reconciliation row of the tenant from its inputs (npm run recompute).
  .post("/:tenantId/recompute", requireOperator(), async (c) => {
    const tenantId = c.req.param("tenantId");
    const db = useTenantDb(c, tenantId);
    if (!(await findTenant(db, tenantId))) throw new AppError("not_found", "Tenant not found");
    return c.json(await recomputeTenant(db, tenantId, new Date()));
  });
