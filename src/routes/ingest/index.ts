/**
 * Route surface: usage ingestion. Mounted at "/" by app.ts, so no sub-router
 * calls `.use()` without a path; every route applies its own auth.
 * - integrations.ts  POST/GET/DELETE /api/v1/integrations, sync now, pull runs
 * - usage.ts         POST /api/v1/usage (batch push)
 * - imports.ts       POST/GET /api/v1/imports, /api/v1/import-profiles
 * - mappings.ts      /api/v1/mappings/…, /api/v1/products, /api/v1/companies
 * - vendor-api/      the Gradient-compatible vendor API under /api/vendor-api
 */
import { Hono } from "hono";
import type { AppEnv } from "../../env.ts";
import { importRoutes } from "./imports.ts";
import { integrationRoutes } from "./integrations.ts";
import { mappingRoutes } from "./mappings.ts";
import { usageRoutes } from "./usage.ts";
import { vendorApiRoutes } from "./vendor-api/index.ts";

export const ingestRoutes = new Hono<AppEnv>()
  .route("/", integrationRoutes)
  .route("/", usageRoutes)
  .route("/", importRoutes)
  .route("/", mappingRoutes)
  .route("/api/vendor-api", vendorApiRoutes);
