/**
 * POST /api/v1/usage — the batch push API (tenant key or `ti_` integration
 * key). Numbers under `quantity`/`amount` keep their exact JSON source text;
 * up to 10,000 counts per request; `Idempotency-Key` replays the first result.
 */
import { Hono } from "hono";
import { MEASURES } from "../../core/reconcile/count-rules.ts";
import { z } from "zod";
import { parseJsonWithDecimals } from "../../core/usage/json-decimals.ts";
import type { AppEnv } from "../../env.ts";
import { AppError, describeZodError } from "../../errors.ts";
import { requireTenant } from "../../middleware/auth/index.ts";
import { MAX_COUNTS_PER_PUSH, pushCounts } from "../../services/ingest/push.ts";

const MAX_BODY_BYTES = 16 * 1024 * 1024;
const DECIMAL_KEYS = new Set(["quantity", "amount"]);
const id = z.string().trim().min(1, "must not be empty").max(200, "at most 200 characters");
const label = z.string().trim().min(1, "must not be empty").max(300, "at most 300 characters");
const decimal = z.string({ error: "must be a decimal number or string" }).max(100);

export const pushItemSchema = z.strictObject({
  account: z.strictObject({ id, name: label, description: z.string().max(500).optional() }),
  service: z.strictObject({ id, name: label, category: z.enum(["seat", "consumption"]), unit: z.string().trim().min(1).max(50).optional() }),
  quantity: decimal,
  cost: z.strictObject({ amount: decimal, currency: z.string().max(10) }).optional(),
  period: z.string().max(20).optional(),
  observedAt: z.string().max(40).optional(),
  /** Which measure of the service this count is (issue 12); default total. */
  measure: z.enum(MEASURES, { error: `must be one of ${MEASURES.join(", ")}` }).optional(),
});

export const pushBodySchema = z.strictObject({
  integrationId: z.string().min(1).max(100).optional(),
  counts: z.array(pushItemSchema).min(1, "send at least one count"),
});

const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

export const usageRoutes = new Hono<AppEnv>().post("/api/v1/usage", requireTenant(["api-key", "integration-key"]), async (c) => {
  if (!/^application\/json\b/i.test(c.req.header("content-type") ?? "")) throw new AppError("unsupported_media_type", "Content-Type must be application/json");
  if (Number(c.req.header("content-length") ?? 0) > MAX_BODY_BYTES) throw new AppError("payload_too_large", `body: at most ${MAX_BODY_BYTES} bytes`);
  const text = await c.req.text();
  if (text.length > MAX_BODY_BYTES) throw new AppError("payload_too_large", `body: at most ${MAX_BODY_BYTES} bytes`);
  let raw: unknown;
  try {
    raw = parseJsonWithDecimals(text, DECIMAL_KEYS);
  } catch {
    throw new AppError("bad_request", "body: not valid JSON");
  }
  const counts = (raw as { counts?: unknown } | null)?.counts;
  if (Array.isArray(counts) && counts.length > MAX_COUNTS_PER_PUSH) {
    throw new AppError("payload_too_large", `body.counts: at most ${MAX_COUNTS_PER_PUSH} counts per request, got ${counts.length}`);
  }
  const parsed = pushBodySchema.safeParse(raw);
  if (!parsed.success) throw new AppError("validation_failed", describeZodError(parsed.error, "body"));
  const key = c.req.header("idempotency-key") ?? null;
  if (key !== null && !IDEMPOTENCY_KEY.test(key)) throw new AppError("bad_request", "Idempotency-Key: 1–200 printable ASCII characters");
  const outcome = await pushCounts(c.get("db"), c.get("tenant"), parsed.data, text, key, new Date());
  return c.json(outcome.result, 201, outcome.replayed ? { "Idempotent-Replayed": "true" } : {});
});
