/**
 * Per-integration request limit for the vendor API, answered like Gradient
 * (429 + Retry-After). Uses the Workers rate-limit binding
 * `VENDOR_API_RATE_LIMITER` (wrangler.toml: 1,000 requests per 10 s ≈ Gradient's
 * 100/s; counted per Cloudflare location, permissive by design). Without the
 * binding an in-isolate fixed window with the same numbers stands in.
 */
import type { Env } from "../../../env.ts";
import { AppError } from "../../../errors.ts";

export const RATE_LIMIT = { limit: 1_000, periodSeconds: 10 } as const;

const windows = new Map<string, { start: number; count: number }>();

function allowLocally(key: string, now: number): boolean {
  const window = windows.get(key);
  if (!window || now - window.start >= RATE_LIMIT.periodSeconds * 1000) {
    if (windows.size > 10_000) windows.clear();
    windows.set(key, { start: now, count: 1 });
    return true;
  }
  window.count += 1;
  return window.count <= RATE_LIMIT.limit;
}

export async function checkRateLimit(env: Env, key: string): Promise<void> {
  const limiter = env.VENDOR_API_RATE_LIMITER;
  const allowed = limiter ? (await limiter.limit({ key })).success : allowLocally(key, Date.now());
  if (!allowed) {
    throw new AppError("rate_limited", "ThrottlerException: Too Many Requests", { "Retry-After": String(RATE_LIMIT.periodSeconds) });
  }
}
