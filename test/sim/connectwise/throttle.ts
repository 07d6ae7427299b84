/**
 * Default throttling of the PSA simulators, as the real APIs do it, not only
 * when a fault is injected (issue 10 item 11):
 * - ConnectWise: more than ~1,000 requests a minute per API member → 429,
 *   `Retry-After: N` and `{"error":"ConnectWiseAPI","message":"Too many
 *   requests. Please try again in N seconds."}` (CW-DevGuide "Rate Limiting");
 * - Autotask: 3 concurrent threads per object endpoint and tracking
 *   identifier, 10,000 requests per rolling hour per database → 429 with
 *   Autotask's `{"errors":[…]}` body (ThreadLimiting.htm; the wording of the
 *   message is not published). ZoneInformation is not thread-limited.
 * Runs in workerd and Node; imports nothing from src/.
 */
import type { MiddlewareHandler } from "hono";

/** Hits per key in a sliding window; `take` answers the seconds to wait when the key is over its limit. */
export class SlidingWindow {
  private readonly hits = new Map<string, number[]>();
  readonly limit: number;
  readonly windowMs: number;
  constructor(limit: number, windowMs: number) {
    this.limit = limit;
    this.windowMs = windowMs;
  }
  take(key: string, now = Date.now()): number | null {
    const list = (this.hits.get(key) ?? []).filter((t) => now - t < this.windowMs);
    if (list.length >= this.limit) {
      this.hits.set(key, list);
      return Math.max(1, Math.ceil(((list[0] ?? now) + this.windowMs - now) / 1000));
    }
    list.push(now);
    this.hits.set(key, list);
    return null;
  }
}

export const cwThrottleBody = (seconds: number) => ({ error: "ConnectWiseAPI", message: `Too many requests. Please try again in ${seconds} seconds.` });

function tooMany(body: unknown, seconds: number): Response {
  return new Response(JSON.stringify(body), { status: 429, headers: { "content-type": "application/json", "retry-after": String(seconds) } });
}

/** ConnectWise: `perMinute` requests per API member (the Basic-auth user or the member cookie). */
export function cwThrottle(perMinute: number | null): MiddlewareHandler {
  const window = perMinute === null ? null : new SlidingWindow(perMinute, 60_000);
  return async (c, next) => {
    const member = c.req.header("authorization") ?? c.req.header("cookie") ?? "anonymous";
    const wait = window?.take(member) ?? null;
    if (wait !== null) return tooMany(cwThrottleBody(wait), wait);
    await next();
  };
}

export interface AtLimits {
  hourly: number | null;
  threadsPerEndpoint: number | null;
}

/** Autotask: the database's rolling hour, and concurrent calls per tracking identifier and object endpoint. */
export function atThrottle(limits: AtLimits): MiddlewareHandler {
  const hour = limits.hourly === null ? null : new SlidingWindow(limits.hourly, 3_600_000);
  const inFlight = new Map<string, number>();
  return async (c, next) => {
    const endpoint = (/\/v1\.0\/([^/?]+)/i.exec(new URL(c.req.url).pathname)?.[1] ?? "").toLowerCase();
    if (endpoint === "zoneinformation") return next();
    const wait = hour?.take("database") ?? null;
    if (wait !== null) return tooMany({ errors: [`Request threshold of ${limits.hourly} requests per hour exceeded`] }, wait);
    const key = `${c.req.header("ApiIntegrationCode") ?? ""}|${endpoint}`;
    const busy = inFlight.get(key) ?? 0;
    if (limits.threadsPerEndpoint !== null && busy >= limits.threadsPerEndpoint) {
      return tooMany({ errors: [`Thread limit of ${limits.threadsPerEndpoint} concurrent requests for the ${endpoint} endpoint exceeded`] }, 1);
    }
    inFlight.set(key, busy + 1);
    try {
      await next();
    } finally {
      inFlight.set(key, (inFlight.get(key) ?? 1) - 1);
    }
  };
}
