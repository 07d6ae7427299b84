/**
 * Route surface: pod. Mounted at "/" by app.ts; every route applies its own
 * auth middleware (never a path-less `.use()`, which would cover the whole app).
 * Pages: pages.ts; sign-in: sessions.ts; context, notes and users: api.ts.
 */
import { Hono } from "hono";
import type { AppEnv } from "../../env.ts";
import { podApiRoutes } from "./api.ts";
import { podPageRoutes } from "./pages.ts";
import { podSessionRoutes } from "./sessions.ts";

export const podRoutes = new Hono<AppEnv>().route("/", podPageRoutes).route("/", podSessionRoutes).route("/", podApiRoutes);
