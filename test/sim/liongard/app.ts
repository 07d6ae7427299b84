/**
 * Local Liongard API simulator (reference §6.1): `X-ROAR-API-KEY` =
 * Base64("AccessKeyID:AccessKeySecret") on every call; exact paths — a
 * trailing slash answers 301 to the slash-less path, as the real API does;
 * `POST /api/v2/metrics/evaluate` with `{Metrics:[id|uuid], Filters:[],
 * Sorting:[], Pagination:{Page, PageSize}}` (the empty arrays are required)
 * answering `{Data, TotalRows, HasMoreRows, CurrentPage, TotalPages, PageSize}`.
 * Faults: 429 + Retry-After, 500. Runs in workerd (tests) and Node.
 */
import { Hono } from "hono";
import { METRIC_ROWS, type MetricRow } from "./data.ts";

export interface LiongardSimOptions {
  accessKeyId?: string;
  accessKeySecret?: string;
  rows?: MetricRow[];
  maxPageSize?: number;
  faults?: { rateLimit?: { times: number; retryAfter: string }; serverError?: number };
}

export function createLiongardSim(options: LiongardSimOptions = {}) {
  const key = btoa(`${options.accessKeyId ?? "sim-access-key"}:${options.accessKeySecret ?? "sim-access-secret"}`);
  const state = { requests: [] as Array<{ method: string; path: string; body: unknown }>, faults: { ...options.faults } };
  const app = new Hono();

  app.use("*", async (c, next) => {
    const path = new URL(c.req.url).pathname;
    if (path.length > 1 && path.endsWith("/")) return c.redirect(path.slice(0, -1), 301);
    if (c.req.header("x-roar-api-key") !== key) return c.json({ Success: false, Message: "Unauthorized: invalid X-ROAR-API-KEY" }, 401);
    if (state.faults.rateLimit && state.faults.rateLimit.times > 0) {
      state.faults.rateLimit.times -= 1;
      return c.json({ Success: false, Message: "Rate limit exceeded: 100 requests/min" }, 429, { "Retry-After": state.faults.rateLimit.retryAfter });
    }
    if (state.faults.serverError && state.faults.serverError > 0) {
      state.faults.serverError -= 1;
      return c.json({ Success: false, Message: "Internal Server Error" }, 500);
    }
    await next();
  });

  app.post("/api/v2/metrics/evaluate", async (c) => {
    const body = (await c.req.json().catch(() => null)) as { Metrics?: unknown[]; Filters?: unknown; Sorting?: unknown; Pagination?: { Page?: number; PageSize?: number } } | null;
    state.requests.push({ method: "POST", path: c.req.path, body });
    if (!body || !Array.isArray(body.Metrics) || !Array.isArray(body.Filters) || !Array.isArray(body.Sorting)) {
      return c.json({ Success: false, Message: "Metrics, Filters and Sorting must be arrays" }, 400);
    }
    const wanted = new Set(body.Metrics.map(String));
    const matching = (options.rows ?? METRIC_ROWS).filter((r) => wanted.has(String(r.MetricID)) || wanted.has(r.MetricUUID));
    const size = Math.min(body.Pagination?.PageSize ?? 100, options.maxPageSize ?? 1000);
    const pageNo = body.Pagination?.Page ?? 1;
    const data = matching.slice((pageNo - 1) * size, pageNo * size);
    const totalPages = Math.max(1, Math.ceil(matching.length / size));
    return c.json({ Data: data, TotalRows: matching.length, HasMoreRows: pageNo < totalPages, CurrentPage: pageNo, TotalPages: totalPages, PageSize: size });
  });
  app.notFound((c) => c.json({ Success: false, Message: "Not Found" }, 404));

  return { app, state };
}
