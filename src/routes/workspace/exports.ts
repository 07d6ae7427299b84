/**
 * CSV exports (viewer and up): `GET /api/v1/exports/reconciliation.csv` with
 * the board's filters (those of GET /api/v1/reconciliation without paging)
 * and `GET /api/v1/exports/decisions.csv?from&to`. Streamed bodies.
 */
import { Hono } from "hono";
import { z } from "zod";
import type { ReconStatus } from "../../core/reconcile/types.ts";
import type { AppEnv } from "../../env.ts";
import { AppError } from "../../errors.ts";
import { requireTenant } from "../../middleware/auth/index.ts";
import { exportDecisions, exportReconciliation } from "../../services/workspace/exports.ts";
import { readQuery } from "../parse.ts";
import { reconciliationQuerySchema } from "../reconciliation.ts";
import { day, dayAfter } from "./audit.ts";

const exportQuerySchema = reconciliationQuerySchema.omit({ limit: true, cursor: true });
const decisionsQuerySchema = z.strictObject({ from: day, to: day });

function csvResponse(body: ReadableStream<Uint8Array>, filename: string): Response {
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}

export const workspaceExportRoutes = new Hono<AppEnv>()
  .get("/api/v1/exports/reconciliation.csv", requireTenant(), async (c) => {
    const { status, ...rest } = readQuery(c, exportQuerySchema);
    const now = new Date();
    const body = await exportReconciliation(c.env, c.get("db"), c.get("tenant").tenantId, { ...rest, statuses: status as ReconStatus[] | undefined }, now);
    return csvResponse(body, `trueup-reconciliation-${now.toISOString().slice(0, 10)}.csv`);
  })
  .get("/api/v1/exports/decisions.csv", requireTenant(), async (c) => {
    const q = readQuery(c, decisionsQuerySchema);
    if (q.from > q.to) throw new AppError("validation_failed", "query.from: must not be after query.to");
    const body = exportDecisions(c.get("db"), c.get("tenant").tenantId, `${q.from}T00:00:00.000Z`, dayAfter(q.to));
    return csvResponse(body, `trueup-decisions-${q.from}-to-${q.to}.csv`);
  });
