/**
 * Route surface: the billing workspace (issue 11; docs/api-workspace.md).
 * Mounted at "/" by app.ts; every route applies its own auth middleware.
 */
import { Hono } from "hono";
import type { AppEnv } from "../../env.ts";
import { workspaceAlertRoutes } from "./alerts.ts";
import { workspaceAuditRoutes } from "./audit.ts";
import { workspaceExportRoutes } from "./exports.ts";
import { workspaceHealthRoutes } from "./health.ts";
import { workspacePageRoutes } from "./pages.ts";
import { workspacePsaTestRoutes } from "./psa-test.ts";
import { workspaceSessionRoutes } from "./session.ts";
import { workspaceSummaryRoutes } from "./summary.ts";
import { workspaceUserRoutes } from "./users.ts";

export const workspaceRoutes = new Hono<AppEnv>()
  .route("/", workspacePageRoutes)
  .route("/", workspaceSessionRoutes)
  .route("/", workspaceUserRoutes)
  .route("/", workspaceAuditRoutes)
  .route("/", workspaceExportRoutes)
  .route("/", workspacePsaTestRoutes)
  .route("/", workspaceAlertRoutes)
  .route("/", workspaceHealthRoutes)
  .route("/", workspaceSummaryRoutes);
