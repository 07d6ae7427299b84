/** Tenant API: reconciliation rows for the whole tenant or one agreement. */
import { Hono } from "hono";
import { z } from "zod";
import { RECON_STATUSES, type ReconStatus } from "../core/reconcile/types.ts";
import { findAgreement } from "../db/repos/snapshot.ts";
import type { AppEnv } from "../env.ts";
import { AppError } from "../errors.ts";
import { requireTenant } from "../middleware/auth/index.ts";
import { getReconciliation } from "../services/reconciliation.ts";
import { readQuery } from "./parse.ts";

const statusListSchema = z
  .string()
  .transform((value) => value.split(",").map((s) => s.trim()).filter((s) => s.length > 0))
  .pipe(z.array(z.enum(RECON_STATUSES, { error: `must be one of ${RECON_STATUSES.join(", ")}` })));

export const reconciliationQuerySchema = z.strictObject({
  status: statusListSchema.optional(),
  companyId: z.string().min(1).max(100).optional(),
  agreementId: z.string().min(1).max(100).optional(),
});

const agreementQuerySchema = z.strictObject({ status: statusListSchema.optional() });

export const reconciliationRoutes = new Hono<AppEnv>()
  .get("/reconciliation", requireTenant(), async (c) => {
    const query = readQuery(c, reconciliationQuerySchema);
    const result = await getReconciliation(c.get("db"), c.get("tenant").tenantId, new Date(), {
      statuses: query.status as ReconStatus[] | undefined,
      companyId: query.companyId,
      agreementId: query.agreementId,
    });
    return c.json(result);
  })
  .get("/agreements/:agreementId/reconciliation", requireTenant(), async (c) => {
    const query = readQuery(c, agreementQuerySchema);
    const { tenantId } = c.get("tenant");
    const agreement = await findAgreement(c.get("db"), tenantId, c.req.param("agreementId"));
    if (!agreement) throw new AppError("not_found", "Agreement not found");
    const result = await getReconciliation(c.get("db"), tenantId, new Date(), {
      statuses: query.status as ReconStatus[] | undefined,
      agreementView: { id: agreement.id, companyId: agreement.companyId },
    });
    return c.json({ agreement: { id: agreement.id, name: agreement.name, companyId: agreement.companyId }, ...result });
  });
