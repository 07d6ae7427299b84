/**
 * Request bodies of the Gradient-compatible API (shapes per reference §1.3–1.4),
 * parsed leniently like Gradient's clients send them — but within limits: a
 * body must be JSON (415 otherwise; PATCH also takes the form-encoded bodies
 * Gradient's Python client sends), at most MAX_BODY_BYTES (413), and ids in
 * paths, queries and bodies at most MAX_ID_LENGTH characters, like the batch API.
 */
import type { Context } from "hono";
import { z } from "zod";
import { parseJsonWithDecimals } from "../../../core/usage/json-decimals.ts";
import type { AppEnv } from "../../../env.ts";
import { AppError, describeZodError } from "../../../errors.ts";

/** Gradient's service categories (SDK CreateServiceRequest enum). */
export const SERVICE_CATEGORIES = ["security", "backup", "productivity", "infrastructure", "service delivery", "consulting", "other"] as const;

/** Largest body taken (the biggest real one, 1,000 accounts, is ~100 KB). */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Longest id taken, as in the batch API (POST /api/v1/usage). */
export const MAX_ID_LENGTH = 200;
/** Gradient's own answer (NestJS class-validator) for a unitCount that is null, missing or not a number. */
export const UNIT_COUNT_NOT_A_NUMBER = "unitCount must be a number";

const text = (max: number) => z.string().trim().min(1, "must not be empty").max(max);
const category = z.string().trim().toLowerCase().pipe(z.enum(SERVICE_CATEGORIES, { error: `must be one of ${SERVICE_CATEGORIES.join(", ")}` }));

export const vendorPatchSchema = z.object({
  name: text(200).optional(),
  description: z.string().max(2000).optional(),
  vendorSupportPageUrl: z.string().max(500).optional(),
  integrationPortalUrl: z.string().max(500).optional(),
});

export const serviceSchema = z.object({
  name: text(200),
  description: z.string().max(2000),
  category,
  subcategory: text(200),
  supportArticle: z.string().max(500).optional(),
  supportContact: z.string().max(500).optional(),
});

export const servicePatchSchema = serviceSchema.partial();

export const countSchema = z.object({
  accountId: z.union([text(MAX_ID_LENGTH), z.number().transform(String)]),
  unitCount: z.string({ error: UNIT_COUNT_NOT_A_NUMBER }).max(100),
  clientOId: z.unknown().optional(),
});

export const accountSchema = z.object({
  id: z.union([text(MAX_ID_LENGTH), z.number().transform(String)]),
  name: text(300),
  description: z.string().max(500).nullable().optional(),
});

/** PowerShell's ConvertTo-Json sends one item as an object, several as an array: accept both. */
export const accountListSchema = z.union([z.array(accountSchema).min(1).max(1000), accountSchema.transform((a) => [a])]);

export const accountPatchSchema = z.object({ id: z.unknown().optional(), name: text(300).optional(), description: z.string().max(500).nullable().optional() });

/** Gradient's alert (SDK CreateAlertingDto): priority 1 low … 4 very high; status 1–6 maps to the PSA ticket status. */
export const alertSchema = z.object({
  title: text(300),
  description: z.string().max(10_000),
  alertId: z.union([text(MAX_ID_LENGTH), z.number().transform(String)]),
  priority: z.number({ error: "priority must be a number" }).int().min(1, "priority must not be less than 1").max(4, "priority must not be greater than 4"),
  status: z.number({ error: "status must be a number" }).int().min(1, "status must not be less than 1").max(6, "status must not be greater than 6"),
  dueDateTime: z.iso.datetime({ offset: true, error: "dueDateTime must be a valid ISO 8601 date string" }).nullable().optional(),
  serviceId: text(MAX_ID_LENGTH).nullable().optional(),
});

const JSON_TYPE = /^application\/json\b/i;
const FORM_TYPE = /^application\/x-www-form-urlencoded\b/i;

/**
 * The body, parsed and validated. JSON always; `form: true` (PATCH routes)
 * also takes application/x-www-form-urlencoded, as Gradient's Python client
 * sends it (`requests.patch(url, data=…)`).
 */
export async function readBody<S extends z.ZodType>(c: Context<AppEnv>, schema: S, options: { form?: boolean } = {}): Promise<{ data: z.infer<S>; raw: string }> {
  const type = c.req.header("content-type") ?? "";
  const form = options.form === true && FORM_TYPE.test(type);
  if (!JSON_TYPE.test(type) && !form) {
    throw new AppError("unsupported_media_type", `Content-Type must be application/json${options.form ? " or application/x-www-form-urlencoded" : ""}`);
  }
  if (Number(c.req.header("content-length") ?? 0) > MAX_BODY_BYTES) throw new AppError("payload_too_large", `body: at most ${MAX_BODY_BYTES} bytes`);
  const raw = await c.req.text();
  if (raw.length > MAX_BODY_BYTES) throw new AppError("payload_too_large", `body: at most ${MAX_BODY_BYTES} bytes`);
  let parsed: unknown;
  try {
    parsed = form ? Object.fromEntries(new URLSearchParams(raw)) : parseJsonWithDecimals(raw, new Set(["unitCount"]));
  } catch {
    throw new AppError("bad_request", "body: not valid JSON");
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    // Gradient's clients match this exact message (CIPP's tests send `unitCount: null`).
    if (result.error.issues.some((i) => i.path.join(".") === "unitCount" && i.message === UNIT_COUNT_NOT_A_NUMBER)) throw new AppError("validation_failed", UNIT_COUNT_NOT_A_NUMBER);
    throw new AppError("validation_failed", describeZodError(result.error, "body"));
  }
  return { data: result.data, raw };
}

/** A path id (service, account, message…): non-empty and at most MAX_ID_LENGTH characters. */
export function idParam(c: Context<AppEnv>, name: string): string {
  const value = c.req.param(name) ?? "";
  if (value.length === 0 || value.length > MAX_ID_LENGTH) throw new AppError("validation_failed", `${name}: 1–${MAX_ID_LENGTH} characters`);
  return value;
}

/** `?ids=a,b` or repeated `?ids=a&ids=b`. */
export function readIdList(c: Context<AppEnv>, name: string): string[] | null {
  const values = c.req.queries(name);
  if (!values || values.length === 0) return null;
  const ids = values.flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v.length > 0);
  if (ids.length > 1000) throw new AppError("validation_failed", `${name}: at most 1000 ids`);
  if (ids.some((id) => id.length > MAX_ID_LENGTH)) throw new AppError("validation_failed", `${name}: each id at most ${MAX_ID_LENGTH} characters`);
  return ids;
}
