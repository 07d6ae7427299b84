/**
 * Pod data endpoints beside the reconciliation API: the pod's context (which
 * agreement or company to open), line notes, and the operator's way to
 * create tenant users (the tenant's own is routes/workspace/users.ts).
 */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../env.ts";
import { AppError } from "../../errors.ts";
import { requireOperator, requireTenant } from "../../middleware/auth/index.ts";
import { useTenantDb } from "../../middleware/tenant-db.ts";
import { resolvePodContext, type ContextQuery } from "../../services/pod/context.ts";
import { getLineNotes, saveLineNote } from "../../services/pod/notes.ts";
import { createTenantUser } from "../../services/pod/users.ts";
import { listPeopleNames } from "../../db/repos/pod-people.ts";
import type { PodPeopleResponse } from "../../shared/pod-types.ts";
import { ROLES } from "../../core/workspace/roles.ts";
import { readJson, readQuery } from "../parse.ts";

const id = z.string().min(1).max(100);
const psaId = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "must be 1–64 letters, digits, _, . or -");

/** GET /api/pod/context's query; the ConnectWise sign-in takes the same query as its `context` (sessions.ts). */
export const contextQuerySchema = z
  .strictObject({
    integrationId: id.optional(),
    screen: z.string().min(1).max(40).optional(),
    id: psaId.optional(),
    contractId: psaId.optional(),
    agreementId: id.optional(),
    companyId: id.optional(),
  })
  .transform((q, ctx): ContextQuery => {
    if (q.integrationId && q.screen && q.id) return { by: "connectwise", integrationId: q.integrationId, screen: q.screen, id: q.id };
    if (q.contractId) return { by: "contract", contractId: q.contractId };
    if (q.agreementId) return { by: "agreement", agreementId: q.agreementId };
    if (q.companyId) return { by: "company", companyId: q.companyId };
    ctx.addIssue({ code: "custom", message: "give integrationId+screen+id, contractId, agreementId or companyId" });
    return z.NEVER;
  });

const noteBodySchema = z.strictObject({ note: z.string().max(2000, "at most 2000 characters") });

export const newUserSchema = z.strictObject({
  email: z.email("must be an email address").max(320),
  password: z.string().min(12, "must be at least 12 characters").max(200, "at most 200 characters"),
  displayName: z.string().trim().max(200).nullable().optional(),
  role: z.enum(ROLES, { error: `must be one of ${ROLES.join(", ")}` }).optional(),
});

export const podApiRoutes = new Hono<AppEnv>()
  .get("/api/pod/context", requireTenant(), async (c) => {
    const query = readQuery(c, contextQuerySchema);
    return c.json(await resolvePodContext(c.get("db"), c.get("tenant").tenantId, query));
  })
  .get("/api/pod/people", requireTenant(), async (c) => c.json({ names: await listPeopleNames(c.get("db"), c.get("tenant").tenantId) } satisfies PodPeopleResponse))
  .get("/api/v1/agreements/:agreementId/notes", requireTenant(), async (c) => {
    const notes = await getLineNotes(c.get("db"), c.get("tenant").tenantId, c.req.param("agreementId"));
    return c.json({ notes });
  })
  .put("/api/v1/agreements/:agreementId/notes/:productKey", requireTenant(), async (c) => {
    const body = await readJson(c, noteBodySchema);
    const productKey = c.req.param("productKey");
    if (productKey.length === 0 || productKey.length > 200) throw new AppError("validation_failed", "path.productKey: 1–200 characters");
    const { tenantId, actor } = c.get("tenant");
    const note = await saveLineNote(c.get("db"), tenantId, { agreementId: c.req.param("agreementId"), productKey }, body.note, actor, new Date());
    return c.json({ note });
  })
  .post("/api/admin/tenants/:tenantId/users", requireOperator(), async (c) => {
    const body = await readJson(c, newUserSchema);
    return c.json(await createTenantUser(useTenantDb(c, c.req.param("tenantId")), c.req.param("tenantId"), body, "operator", new Date()), 201);
  });
