/**
 * `GET /api/v1/audit`: the tenant's audit log, newest first, filtered by day
 * range (UTC, `to` inclusive), actor, action and entity type, paged by an
 * opaque cursor (the last seq seen).
 */
import { Hono } from "hono";
import { z } from "zod";
import { readAuditPage } from "../../db/repos/audit.ts";
import type { AppEnv } from "../../env.ts";
import { AppError } from "../../errors.ts";
import { requireTenant } from "../../middleware/auth/index.ts";
import type { AuditPage } from "../../shared/workspace-types.ts";
import { readQuery } from "../parse.ts";

export const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD")
  .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), "not a calendar date");

/** The instant a UTC day ends (exclusive bound for a `to` date). */
export function dayAfter(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString();
}

const querySchema = z.strictObject({
  from: day.optional(),
  to: day.optional(),
  actor: z.string().min(1).max(400).optional(),
  action: z.string().min(1).max(100).optional(),
  entityType: z.string().min(1).max(100).optional(),
  limit: z.string().regex(/^\d{1,3}$/, "must be a whole number from 1 to 200").transform(Number).pipe(z.number().min(1, "must be from 1 to 200").max(200, "must be from 1 to 200")).optional(),
  cursor: z.string().regex(/^\d{1,15}$/, "not a cursor this API returned").optional(),
});

export const workspaceAuditRoutes = new Hono<AppEnv>().get("/api/v1/audit", requireTenant(), async (c) => {
  const q = readQuery(c, querySchema);
  if (q.from && q.to && q.from > q.to) throw new AppError("validation_failed", "query.from: must not be after query.to");
  const limit = q.limit ?? 50;
  const rows = await readAuditPage(
    c.get("db"),
    c.get("tenant").tenantId,
    {
      fromAt: q.from ? `${q.from}T00:00:00.000Z` : undefined,
      toAt: q.to ? dayAfter(q.to) : undefined,
      actor: q.actor,
      action: q.action,
      entityType: q.entityType,
      beforeSeq: q.cursor === undefined ? undefined : Number(q.cursor),
    },
    limit,
  );
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const body: AuditPage = {
    entries: page.map((r) => ({ seq: r.seq, at: r.at, actor: r.actor, action: r.action, entityType: r.entityType, entityId: r.entityId, details: parseDetails(r.details) })),
    nextCursor: rows.length > limit && last ? String(last.seq) : null,
  };
  return c.json(body);
});

function parseDetails(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
