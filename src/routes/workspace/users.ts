/**
 * Tenant users (admins; roles are enforced by requireTenant): list, create,
 * change role, disable, reset a password. Pod sessions never manage users.
 */
import { Hono } from "hono";
import { z } from "zod";
import { ROLES } from "../../core/workspace/roles.ts";
import type { AppEnv } from "../../env.ts";
import { requireTenant } from "../../middleware/auth/index.ts";
import { createTenantUser } from "../../services/pod/users.ts";
import { listUsers, updateUser } from "../../services/workspace/users.ts";
import { readJson } from "../parse.ts";
import { newUserSchema } from "../pod/api.ts";

const password = z.string().min(12, "must be at least 12 characters").max(200, "at most 200 characters");
const role = z.enum(ROLES, { error: `must be one of ${ROLES.join(", ")}` });

const patchSchema = z
  .strictObject({ role: role.optional(), disabled: z.boolean().optional(), password: password.optional() })
  .refine((p) => p.role !== undefined || p.disabled !== undefined || p.password !== undefined, "give role, disabled or password");

const users = requireTenant(["api-key", "app-session"]);

export const workspaceUserRoutes = new Hono<AppEnv>()
  .get("/api/v1/users", users, async (c) => c.json({ users: await listUsers(c.get("db"), c.get("tenant").tenantId) }))
  .post("/api/v1/users", users, async (c) => {
    const body = await readJson(c, newUserSchema);
    const { tenantId, actor } = c.get("tenant");
    return c.json(await createTenantUser(c.get("db"), tenantId, body, actor, new Date()), 201);
  })
  .patch("/api/v1/users/:userId", users, async (c) => {
    const body = await readJson(c, patchSchema);
    const { tenantId, actor } = c.get("tenant");
    return c.json({ user: await updateUser(c.get("db"), tenantId, c.req.param("userId"), body, actor, new Date()) });
  });
