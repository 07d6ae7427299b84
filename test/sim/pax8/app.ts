/**
 * Local Pax8 partner API simulator (reference §4): `POST /v1/token` (OAuth
 * client credentials: JSON client_id, client_secret, audience, grant_type →
 * access_token, expires_in 86400, token_type Bearer; error
 * `{"error":"access_denied","error_description":"Unauthorized"}`), and
 * Bearer-protected `GET /v1/companies`, `GET /v1/subscriptions`,
 * `GET /v1/subscriptions/{id}/usage-summaries` with Spring paging
 * (`page`, `size` ≤ 200 → `{content, page:{size,totalElements,totalPages,number}}`)
 * and Pax8's error body `{type,message,instance,status,details}`.
 * Faults are injectable: a 429 + Retry-After, a 500, an expired token, a
 * trailing empty page, a smaller page size. Runs in workerd (tests) and Node.
 */
import { Hono } from "hono";
import { COMPANIES, type Pax8Company, type Pax8Subscription, type Pax8UsageSummary, SUBSCRIPTIONS, USAGE_SUMMARIES } from "./data.ts";

export interface Pax8Faults {
  /** Answer the next N API calls with 429 and this Retry-After. */
  rateLimit?: { times: number; retryAfter: string };
  /** Answer the next N API calls with 500. */
  serverError?: number;
  /** Treat the next issued token as expired after this many API calls. */
  expireTokenAfter?: number;
  /** Report one more page than there is content (the client must stop on an empty page). */
  phantomPage?: boolean;
}

export interface Pax8SimOptions {
  clientId?: string;
  clientSecret?: string;
  companies?: Pax8Company[];
  subscriptions?: Pax8Subscription[];
  usageSummaries?: Pax8UsageSummary[];
  /** Cap on `size` (Pax8 allows 200); small values exercise paging. */
  maxPageSize?: number;
  faults?: Pax8Faults;
}

export interface Pax8SimState {
  requests: Array<{ method: string; path: string; query: string }>;
  tokensIssued: number;
  faults: Pax8Faults;
}

function errorBody(status: number, message: string, instance: string) {
  return { type: "about:blank", message, instance, status, details: [] };
}

export function createPax8Sim(options: Pax8SimOptions = {}) {
  const clientId = options.clientId ?? "sim-client";
  const clientSecret = options.clientSecret ?? "sim-secret";
  const state: Pax8SimState = { requests: [], tokensIssued: 0, faults: { ...options.faults } };
  const tokens = new Map<string, { calls: number }>();
  const app = new Hono();

  app.use("*", async (c, next) => {
    const url = new URL(c.req.url);
    state.requests.push({ method: c.req.method, path: url.pathname, query: url.search });
    await next();
  });

  app.post("/v1/token", async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as Record<string, string>;
    if (body.client_id !== clientId || body.client_secret !== clientSecret || body.grant_type !== "client_credentials") {
      return c.json({ error: "access_denied", error_description: "Unauthorized" }, 401);
    }
    state.tokensIssued += 1;
    const token = `sim-token-${state.tokensIssued}`;
    tokens.set(token, { calls: 0 });
    return c.json({ access_token: token, expires_in: 86400, token_type: "Bearer" });
  });

  app.use("/v1/*", async (c, next) => {
    const token = /^Bearer (\S+)$/.exec(c.req.header("authorization") ?? "")?.[1];
    const entry = token ? tokens.get(token) : undefined;
    const expireAfter = state.faults.expireTokenAfter;
    if (entry && expireAfter !== undefined && entry.calls >= expireAfter) {
      tokens.delete(token as string);
      state.faults.expireTokenAfter = undefined;
    }
    if (!token || !tokens.has(token)) return c.json(errorBody(401, "Unauthorized", c.req.path), 401);
    (tokens.get(token) as { calls: number }).calls += 1;
    if (state.faults.rateLimit && state.faults.rateLimit.times > 0) {
      state.faults.rateLimit.times -= 1;
      return c.json(errorBody(429, "Too Many Requests", c.req.path), 429, { "Retry-After": state.faults.rateLimit.retryAfter });
    }
    if (state.faults.serverError && state.faults.serverError > 0) {
      state.faults.serverError -= 1;
      return c.json(errorBody(500, "Internal Server Error", c.req.path), 500);
    }
    await next();
  });

  function page<T>(c: { req: { query(name: string): string | undefined } }, items: T[]) {
    const size = Math.min(Number(c.req.query("size") ?? 10), 200, options.maxPageSize ?? 200);
    const number = Number(c.req.query("page") ?? 0);
    const totalPages = Math.ceil(items.length / size) + (state.faults.phantomPage ? 1 : 0);
    return { content: items.slice(number * size, number * size + size), page: { size, totalElements: items.length, totalPages, number } };
  }

  app.get("/v1/companies", (c) => c.json(page(c, options.companies ?? COMPANIES)));
  app.get("/v1/subscriptions", (c) => {
    const status = c.req.query("status");
    const subs = (options.subscriptions ?? SUBSCRIPTIONS).filter((s) => !status || s.status === status);
    return c.json(page(c, subs));
  });
  app.get("/v1/subscriptions/:id/usage-summaries", (c) => {
    const summaries = (options.usageSummaries ?? USAGE_SUMMARIES).filter((u) => u.subscriptionId === c.req.param("id"));
    return c.json(page(c, summaries));
  });
  app.notFound((c) => c.json(errorBody(404, "Not Found", c.req.path), 404));

  return { app, state };
}
