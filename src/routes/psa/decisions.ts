/**
 * Decisions API (contract: src/shared/api-types.ts): POST /api/v1/decisions
 * → 202 {decision} (pending, or not-required for a dismissal), optional
 * Idempotency-Key header; GET /api/v1/decisions/:id → {decision};
 * GET /api/v1/agreements/:id/decisions → {decisions}, newest first;
 * POST /api/v1/decisions/:id/cancel → {decision} (a scheduled change, until
 * its day; 409 once its write has started); POST /api/v1/decisions/:id/retry
 * → 202 {decision} (a failed write-back, same line, quantity and date).
 * Tenant API key or pod session.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../env.ts";
import { AppError } from "../../errors.ts";
import { requireTenant } from "../../middleware/auth/index.ts";
import { cancelDecision, retryDecision } from "../../services/psa/decision-lifecycle.ts";
import { createDecision, getDecision, listDecisions, toDecisionView } from "../../services/psa/decisions.ts";
import { DECISION_ACTIONS, type DecisionListResponse, type DecisionRequest, type DecisionResponse } from "../../shared/api-types.ts";
import { readJson } from "../parse.ts";

const id = z.string().trim().min(1, "must not be empty").max(100, "at most 100 characters");

export const decisionBodySchema = z.strictObject({
  agreementId: id,
  lineId: id.optional(),
  productKey: z.string().trim().min(1, "must not be empty").max(200, "at most 200 characters").optional(),
  action: z.enum(DECISION_ACTIONS, { error: `must be one of ${DECISION_ACTIONS.join(", ")}` }),
  quantity: z.string().regex(/^\d+(\.\d+)?$/, "must be a non-negative decimal string such as \"12\" or \"1843.27\"").optional(),
  effectiveDate: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be YYYY-MM-DD").optional(),
  note: z.string().max(2000, "at most 2000 characters").optional(),
  revertsDecisionId: id.optional(),
}) satisfies z.ZodType<DecisionRequest>;

function idempotencyKeyOf(header: string | undefined): string | null {
  if (header === undefined) return null;
  if (!/^[\x21-\x7e]{1,255}$/.test(header)) throw new AppError("validation_failed", "header.Idempotency-Key: 1–255 visible ASCII characters");
  return header;
}

export const decisionRoutes = new Hono<AppEnv>()
  .post("/api/v1/decisions", requireTenant(), async (c) => {
    const body = await readJson(c, decisionBodySchema);
    const key = idempotencyKeyOf(c.req.header("idempotency-key"));
    const row = await createDecision(c.env, c.get("db"), c.get("tenant"), body, key, new Date());
    return c.json({ decision: toDecisionView(row) } satisfies DecisionResponse, 202);
  })
  .post("/api/v1/decisions/:id/cancel", requireTenant(), async (c) => {
    const row = await cancelDecision(c.get("db"), c.get("tenant"), c.req.param("id"), new Date());
    return c.json({ decision: toDecisionView(row) } satisfies DecisionResponse);
  })
  .post("/api/v1/decisions/:id/retry", requireTenant(), async (c) => {
    const row = await retryDecision(c.env, c.get("db"), c.get("tenant"), c.req.param("id"), new Date());
    return c.json({ decision: toDecisionView(row) } satisfies DecisionResponse, 202);
  })
  .get("/api/v1/decisions/:id", requireTenant(), async (c) => {
    const row = await getDecision(c.get("db"), c.get("tenant").tenantId, c.req.param("id"));
    return c.json({ decision: toDecisionView(row) } satisfies DecisionResponse);
  })
  .get("/api/v1/agreements/:id/decisions", requireTenant(), async (c) => {
    const rows = await listDecisions(c.get("db"), c.get("tenant").tenantId, c.req.param("id"));
    return c.json({ decisions: rows.map(toDecisionView) } satisfies DecisionListResponse);
  });
