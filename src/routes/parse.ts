/**
 * zod at the HTTP boundary: JSON bodies and query strings are parsed here and
 * a failure names the failing field path (`body.name: …`, `query.status: …`).
 */
import type { Context } from "hono";
import type { z } from "zod";
import type { AppEnv } from "../env.ts";
import { AppError, describeZodError } from "../errors.ts";

export async function readJson<S extends z.ZodType>(c: Context<AppEnv>, schema: S): Promise<z.infer<S>> {
  const type = c.req.header("content-type") ?? "";
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    throw new AppError("unsupported_media_type", "Content-Type must be application/json");
  }
  let raw: unknown;
  try {
    raw = await c.req.json();
  } catch {
    throw new AppError("bad_request", "body: not valid JSON");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new AppError("validation_failed", describeZodError(parsed.error, "body"));
  return parsed.data;
}

export function readQuery<S extends z.ZodType>(c: Context<AppEnv>, schema: S): z.infer<S> {
  const parsed = schema.safeParse(c.req.query());
  if (!parsed.success) throw new AppError("validation_failed", describeZodError(parsed.error, "query"));
  return parsed.data;
}
