/** Tenant API: reconciliation rows — a filtered, paged list, or one agreement's view. */
import { Hono } from "hono";
import { z } from "zod";
import { RECON_STATUSES, type ReconStatus } from "../core/reconcile/types.ts";
import type { AppEnv } from "../env.ts";
import { AppError } from "../errors.ts";
import { requireTenant } from "../middleware/auth/index.ts";
import { getAgreementReconciliation, getReconciliationPage, MAX_PAGE } from "../services/reconciliation.ts";
import { readQuery } from "./parse.ts";

const statusListSchema = z
  .string()
  .transform((value) => value.split(",").map((s) => s.trim()).filter((s) => s.length > 0))
  .pipe(z.array(z.enum(RECON_STATUSES, { error: `must be one of ${RECON_STATUSES.join(", ")}` })));

const id = z.string().min(1).max(100);

export const reconciliationQuerySchema = z.strictObject({
  status: statusListSchema.optional(),
  companyId: id.optional(),
  agreementId: id.optional(),
  productKey: z.string().min(1).max(200).optional(),
  integrationId: id.optional(),
  minImpactMinor: z
    .string()
    .regex(/^\d{1,15}$/, "must be a whole number of minor units (e.g. 5000 for $50.00)")
    .transform(Number)
    .optional(),
  limit: z
    .string()
    .regex(/^\d{1,4}$/, `must be a whole number from 1 to ${MAX_PAGE}`)
    .transform(Number)
    .pipe(z.number().min(1, `must be from 1 to ${MAX_PAGE}`).max(MAX_PAGE, `must be from 1 to ${MAX_PAGE}`))
    .optional(),
  cursor: z.string().min(1).max(2000).optional(),
  /** Search in customer, agreement and product names. */
  q: z.string().trim().min(1, "must not be empty").max(200).optional(),
  /** `impact`: largest money first (the cursor carries the order). */
  sort: z.enum(["engine", "impact"], { error: "must be engine or impact" }).optional(),
});

const agreementQuerySchema = z.strictObject({ status: statusListSchema.optional() });

export const reconciliationRoutes = new Hono<AppEnv>()
  .get("/reconciliation", requireTenant(), async (c) => {
    const query = readQuery(c, reconciliationQuerySchema);
    const { status, ...rest } = query;
    const result = await getReconciliationPage(c.env, c.get("db"), c.get("tenant").tenantId, new Date(), { ...rest, statuses: status as ReconStatus[] | undefined });
    return c.json(result);
  })
  .get("/agreements/:agreementId/reconciliation", requireTenant(), async (c) => {
    const query = readQuery(c, agreementQuerySchema);
    const { tenantId } = c.get("tenant");
    const view = await getAgreementReconciliation(c.get("db"), tenantId, c.req.param("agreementId"), new Date(), query.status as ReconStatus[] | undefined);
    if (!view) throw new AppError("not_found", "Agreement not found");
    const { agreement, result } = view;
    return c.json({ agreement: { id: agreement.id, name: agreement.name, companyId: agreement.companyId }, ...result });
  });
