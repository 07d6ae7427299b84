/**
 * The Gradient-compatible vendor API, mounted at /api/vendor-api: existing
 * integrations (CloudRadial, CIPP, Keeper, Coro, SonicWall, Gradient's
 * PowerShell SDK…) change only their base URL. Errors use Gradient's
 * (NestJS) body `{"statusCode","message"}` instead of the app's error shape —
 * that is what those clients parse — and keep the X-Request-Id header.
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { AppEnv } from "../../../env.ts";
import { AppError, statusForCode } from "../../../errors.ts";
import { alertingRoutes } from "./alerting.ts";
import { organizationRoutes } from "./organization.ts";
import { vendorResourceRoutes } from "./vendor.ts";

const ERROR_NAMES: Record<number, string> = {
  400: "Bad Request", 401: "Unauthorized", 404: "Not Found", 409: "Conflict", 413: "Payload Too Large", 415: "Unsupported Media Type", 429: "Too Many Requests",
};

export const vendorApiRoutes = new Hono<AppEnv>()
  .route("/", vendorResourceRoutes)
  .route("/organization", organizationRoutes)
  .route("/alerting", alertingRoutes)
  .onError((error, c) => {
    const status = (error instanceof AppError ? statusForCode(error.code) : error instanceof HTTPException ? error.status : 500) as ContentfulStatusCode;
    if (status >= 500) console.error(c.get("requestId"), error);
    const message = status >= 500 ? "Internal server error" : error.message;
    const headers = error instanceof AppError ? error.headers : {};
    return c.json({ statusCode: status, message, ...(ERROR_NAMES[status] && status !== 401 ? { error: ERROR_NAMES[status] } : {}) }, status, headers);
  });
