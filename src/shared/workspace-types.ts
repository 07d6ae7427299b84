/**
 * Wire types of the workspace API (docs/api-workspace.md), shared by the
 * Worker and the workspace UI (ui/app). One copy: the routes build these.
 */
import type { Role } from "../core/workspace/roles.ts";

export type { Role };

export interface WorkspaceUser {
  id: string;
  email: string;
  displayName: string | null;
  role: Role;
}

/** `POST|GET /api/app/session` → 200. */
export interface WorkspaceSessionResponse {
  user: WorkspaceUser;
  csrfToken: string;
}

export interface UserView extends WorkspaceUser {
  disabled: boolean;
  createdAt: string;
  lastSignInAt: string | null;
}

/** `GET /api/v1/users`. */
export interface UserListResponse {
  users: UserView[];
}

/** `POST /api/v1/users` → 201 (also `POST /api/admin/tenants/:tenantId/users`). */
export interface CreatedWorkspaceUserResponse {
  userId: string;
  tenantId: string;
  email: string;
  displayName: string | null;
  role: Role;
  user: UserView;
}

/** `GET /api/v1/audit`. */
export interface AuditEntryView {
  seq: number;
  at: string;
  actor: string;
  action: string;
  entityType: string;
  entityId: string;
  details: unknown;
}
export interface AuditPage {
  entries: AuditEntryView[];
  nextCursor: string | null;
}

export type AlertRule = "count-jump" | "count-drop-to-zero" | "source-stale" | "sync-failed" | "writeback-failed" | "vendor-alert" | "job-dead-lettered";

export interface AlertView {
  id: string;
  at: string;
  rule: AlertRule;
  severity: "info" | "warning" | "critical";
  title: string;
  detail: string;
  integrationId?: string;
  accountId?: string;
  delivered: { email: DeliveryState; webhook: DeliveryState };
}
/** none = channel not configured; logged = e-mail written to the local log (no send_email binding). */
export type DeliveryState = "none" | "pending" | "sent" | "logged" | "failed";

/** `GET /api/v1/alerts`. */
export interface AlertPage {
  alerts: AlertView[];
  nextCursor: string | null;
}

export interface AlertRules {
  countJumpFactor: number;
  countDropToZero: boolean;
  staleDays: number;
  syncFailedHours: number;
  writebackFailed: boolean;
}

/** `GET|PUT /api/v1/alert-settings`. `webhook.secret` is present only in the answer that created it. */
export interface AlertSettingsView {
  rules: AlertRules;
  email: { recipients: string[] };
  webhook: { url: string | null; secret?: string; hasSecret: boolean };
}

/** `POST /api/v1/alert-settings/test-webhook`. */
export interface TestWebhookResponse {
  delivered: boolean;
  status: number | null;
  error?: string;
}

/** `POST /api/v1/psa/{connectwise,autotask}/test`, `POST /api/v1/integrations/:id/test`. */
export type TestConnectionResponse = { ok: true; detail: string } | { ok: false; message: string };

/** `GET /api/v1/health`. */
export interface HealthResponse {
  psa: Array<{
    integrationId: string;
    kind: string;
    status: string;
    lastFullSyncAt: string | null;
    lastIncrementalSyncAt: string | null;
    lastError: string | null;
    credentialsOk: boolean;
    pendingWebhooks: number;
    failedWebhooks: number;
  }>;
  vendors: Array<{
    integrationId: string;
    kind: string;
    name: string;
    status: string;
    lastSuccessAt: string | null;
    lastError: string | null;
    staleSources: number;
  }>;
  deadLetters: number;
  alerts: AlertView[];
}

/** `GET /api/v1/reconciliation/summary`. */
export interface ReconSummaryResponse {
  byMonth: Array<{ period: string; currency: string; underBilledMinor: number; overBilledMinor: number; demo: boolean }>;
  byVendor: Array<{ integrationId: string; name: string; currency: string; underBilledMinor: number; overBilledMinor: number }>;
  recovered: Array<{ currency: string; minor: number }>;
  dismissed: number;
}
