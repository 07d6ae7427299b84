/** Request bodies of the Gradient-compatible API (shapes per reference §1.3–1.4), parsed leniently like Gradient's clients send them. */
import type { Context } from "hono";
import { z } from "zod";
import { parseJsonWithDecimals } from "../../../core/usage/json-decimals.ts";
import type { AppEnv } from "../../../env.ts";
import { AppError, describeZodError } from "../../../errors.ts";

/** Gradient's service categories (SDK CreateServiceRequest enum). */
export const SERVICE_CATEGORIES = ["security", "backup", "productivity", "infrastructure", "service delivery", "consulting", "other"] as const;

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
  accountId: z.union([text(200), z.number().transform(String)]),
  unitCount: z.string({ error: "required, a decimal number" }).max(100),
  clientOId: z.unknown().optional(),
});

export const accountSchema = z.object({
  id: z.union([text(200), z.number().transform(String)]),
  name: text(300),
  description: z.string().max(500).nullable().optional(),
});

/** PowerShell's ConvertTo-Json sends one item as an object, several as an array: accept both. */
export const accountListSchema = z.union([z.array(accountSchema).min(1).max(1000), accountSchema.transform((a) => [a])]);

export const accountPatchSchema = z.object({ id: z.unknown().optional(), name: text(300).optional(), description: z.string().max(500).nullable().optional() });

export async function readBody<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<{ data: z.infer<S>; raw: string }> {
  const raw = await c.req.text();
  let parsed: unknown;
  try {
    parsed = parseJsonWithDecimals(raw, new Set(["unitCount"]));
  } catch {
    throw new AppError("bad_request", "body: not valid JSON");
  }
  const result = schema.safeParse(parsed);
  if (!result.success) throw new AppError("validation_failed", describeZodError(result.error, "body"));
  return { data: result.data, raw };
}

/** `?ids=a,b` or repeated `?ids=a&ids=b`. */
export function readIdList(c: Context<AppEnv>, name: string): string[] | null {
  const values = c.req.queries(name);
  if (!values || values.length === 0) return null;
  return values.flatMap((v) => v.split(",")).map((v) => v.trim()).filter((v) => v.length > 0);
}
