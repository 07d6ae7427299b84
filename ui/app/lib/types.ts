/**
 * Wire types the workspace reads: the workspace API's own (src/shared/workspace-types.ts)
 * and the shapes of the older PSA and ingest endpoints (docs/api-psa.md,
 * docs/api-ingest.md) that src/shared does not describe.
 */
export type {
  AlertPage,
  AlertSettingsView,
  AlertView,
  AuditEntryView,
  AuditPage,
  HealthResponse,
  ReconSummaryResponse as ReconSummary,
  Role,
  TestConnectionResponse,
  TestWebhookResponse,
  UserListResponse,
  UserView,
  WorkspaceSessionResponse as SessionResponse,
  WorkspaceUser as SessionUser,
} from "../../../src/shared/workspace-types.ts";

export interface PsaIntegrationView {
  id: string;
  kind: "connectwise" | "autotask";
  status: string;
  siteOrigin: string | null;
  apiBaseUrl: string | null;
  pollingOnly: boolean;
  lastIncrementalSyncAt: string | null;
  lastFullSyncAt: string | null;
  lastSyncError: string | null;
  createdAt: string;
}

export interface SyncRunView {
  id: string;
  mode: string;
  state: "running" | "done" | "failed";
  startedAt: string;
  finishedAt: string | null;
  agreements: number | null;
  lines: number | null;
  error: string | null;
}

export interface VendorIntegrationView {
  integrationId: string;
  kind: "vendor-api" | "batch" | "csv" | "pax8" | "liongard" | string;
  name: string;
  status: string;
  createdAt: string;
  disconnectedAt: string | null;
  syncDay: number | null;
}

export interface PullRunView {
  runId: string;
  trigger: "manual" | "cron";
  status: "queued" | "running" | "succeeded" | "failed";
  period: string;
  countsWritten: number;
  warnings: string[];
  error: string | null;
  queuedAt: string;
  finishedAt: string | null;
}

export interface ImportView {
  importId: string;
  profile: string;
  status: "processing" | "live" | "failed";
  bytesTotal: number | null;
  bytesRead: number;
  rowsRead: number;
  rowsAccepted: number;
  rowsRejected: number;
  rowsSkipped: number;
  countsApplied: number;
  rejected: Array<{ line: number; reason: string }>;
  skipped: Record<string, number>;
  error: string | null;
  createdAt: string;
}

export interface ImportProfileView {
  profileId: string;
  name: string;
  integrationId: string;
}
