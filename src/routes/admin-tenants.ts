/** Operator API: tenant provisioning (Bearer OPERATOR_TOKEN). */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../env.ts";
import { requireOperator } from "../middleware/auth/index.ts";
import { createTenant } from "../services/tenants.ts";
import { readJson } from "./parse.ts";

export const createTenantBodySchema = z.strictObject({
  name: z.string().trim().min(1, "must not be empty").max(200, "at most 200 characters"),
});

export const adminTenantRoutes = new Hono<AppEnv>()
  .post("/", requireOperator(), async (c) => {
    const body = await readJson(c, createTenantBodySchema);
    const created = await createTenant(c.get("db"), body.name, new Date());
    return c.json(created, 201);
  });
