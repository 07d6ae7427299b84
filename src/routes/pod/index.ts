/** Route surface: pod. Mounted at "/" by app.ts; every route applies its own auth middleware. */
import { Hono } from "hono";
import type { AppEnv } from "../../env.ts";

export const podRoutes = new Hono<AppEnv>();
