/** Liveness: no auth, no storage. */
import { Hono } from "hono";
import type { AppEnv } from "../env.ts";

export const healthRoutes = new Hono<AppEnv>().get("/healthz", (c) => c.json({ ok: true }));
