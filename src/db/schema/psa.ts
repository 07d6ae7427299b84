/**
 * Tables of the PSA surface. `psa_integrations` (migration 0002, two columns
 * added in 0004) is shared by sync/write-back and by the pod (member
 * verification, allowed origins); the rest of the surface's tables come in
 * migration 0004: webhook inbox, per-agreement sync state, write-back
 * attempts, leases, the Autotask request budget and sync runs. Migration
 * 0007 adds the inbox's retry columns (attempts, next_attempt_at); 0014 the
 * highest Autotask webhook SequenceNumber seen per webhook.
 */
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { agreements, decisions, tenants } from "./core.ts";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

export const psaIntegrations = sqliteTable(
  "psa_integrations",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    /** connectwise | autotask */
    kind: text("kind").notNull(),
    /** active | deactivated (webhook deactivated: polling only) | disconnected */
    status: text("status").notNull(),
    /** REST base, e.g. https://api-na.myconnectwise.net/v4_6_release/apis/3.0 or https://webservices15.autotask.net/ATServicesRest/v1.0 */
    apiBaseUrl: text("api_base_url").notNull(),
    /** Origin the tenant configured (ConnectWise site) or the Autotask zone origin. */
    siteOrigin: text("site_origin").notNull(),
    /** JSON array of PSA web-UI origins allowed to frame the pod and postMessage to it. */
    webOrigins: text("web_origins").notNull().default("[]"),
    /** ConnectWise login company id. */
    loginCompanyId: text("login_company_id"),
    /** ConnectWise clientId header / Autotask ApiIntegrationCode. */
    clientId: text("client_id"),
    /** Sealed JSON credentials (AES-GCM, services/secrets.ts). */
    credentials: text("credentials").notNull(),
    /** Sealed Autotask webhook SecretKey. */
    webhookSecret: text("webhook_secret"),
    /** ConnectWise callback id / Autotask webhook id, to remove on disconnect. */
    remoteHookId: text("remote_hook_id"),
    pollingOnly: integer("polling_only", { mode: "boolean" }).notNull().default(false),
    lastIncrementalSyncAt: text("last_incremental_sync_at"),
    lastFullSyncAt: text("last_full_sync_at"),
    createdAt: text("created_at").notNull().default(now),
    updatedAt: text("updated_at").notNull().default(now),
    disconnectedAt: text("disconnected_at"),
    /** SHA-256 of the token in the Autotask DeactivationUrl. */
    deactivationTokenHash: text("deactivation_token_hash"),
    lastSyncError: text("last_sync_error"),
  },
  (t) => [index("psa_integrations_tenant_idx").on(t.tenantId, t.kind)],
);

/** Raw deliveries; `state`: unverified | received | processed | failed. */
export const psaWebhookInbox = sqliteTable(
  "psa_webhook_inbox",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    integrationId: text("integration_id").notNull().references(() => psaIntegrations.id),
    /** connectwise | autotask */
    source: text("source").notNull(),
    /** ConnectWise MessageId; Autotask `Guid:Id:SequenceNumber`. */
    dedupeKey: text("dedupe_key").notNull(),
    state: text("state").notNull(),
    entityType: text("entity_type"),
    recordId: text("record_id"),
    action: text("action"),
    /** The exact request body as received. */
    payload: text("payload").notNull(),
    /** The signature header, kept with an unverified payload so a replay can verify it later. */
    signature: text("signature"),
    receivedAt: text("received_at").notNull(),
    processedAt: text("processed_at"),
    error: text("error"),
    /** Failed re-verifications of an `unverified` row (migration 0007). */
    attempts: integer("attempts").notNull().default(0),
    /** When the cron may re-verify an `unverified` row next (backoff); null when not scheduled. */
    nextAttemptAt: text("next_attempt_at"),
  },
  (t) => [
    uniqueIndex("psa_webhook_inbox_dedupe_uq").on(t.tenantId, t.integrationId, t.dedupeKey),
    index("psa_webhook_inbox_state_idx").on(t.tenantId, t.state, t.receivedAt),
    index("psa_webhook_inbox_retry_idx").on(t.tenantId, t.integrationId, t.state, t.nextAttemptAt),
  ],
);

export const psaAgreementState = sqliteTable(
  "psa_agreement_state",
  {
    agreementId: text("agreement_id").primaryKey().references(() => agreements.id),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    integrationId: text("integration_id").notNull(),
    /** ConnectWise agreements with prorateFlag: a chosen effective date is written with the quantity. */
    allowsEffectiveDate: integer("allows_effective_date", { mode: "boolean" }).notNull().default(false),
    psaLastUpdated: text("psa_last_updated"),
    syncedAt: text("synced_at").notNull(),
  },
  (t) => [index("psa_agreement_state_integration_idx").on(t.tenantId, t.integrationId)],
);

/** `outcome`: applied | already-applied | uncertain | rejected | throttled | error. */
export const psaWritebackAttempts = sqliteTable(
  "psa_writeback_attempts",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    decisionId: text("decision_id").notNull().references(() => decisions.id),
    attempt: integer("attempt").notNull(),
    at: text("at").notNull(),
    outcome: text("outcome").notNull(),
    psaQuantityBefore: text("psa_quantity_before"),
    targetQuantity: text("target_quantity"),
    httpStatus: integer("http_status"),
    request: text("request"),
    response: text("response"),
  },
  (t) => [uniqueIndex("psa_writeback_attempts_uq").on(t.tenantId, t.decisionId, t.attempt)],
);

/** Highest Autotask SequenceNumber received per webhook Guid of an integration (migration 0014, services/psa/gap-poll.ts). */
export const psaWebhookSequences = sqliteTable(
  "psa_webhook_sequences",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    integrationId: text("integration_id").notNull().references(() => psaIntegrations.id),
    webhookGuid: text("webhook_guid").notNull(),
    lastSequence: integer("last_sequence").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [uniqueIndex("psa_webhook_sequences_uq").on(t.tenantId, t.integrationId, t.webhookGuid)],
);

export const psaLeases = sqliteTable(
  "psa_leases",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    /** e.g. `agreement:<id>` */
    resource: text("resource").notNull(),
    holder: text("holder").notNull(),
    expiresAt: text("expires_at").notNull(),
  },
  (t) => [uniqueIndex("psa_leases_resource_uq").on(t.tenantId, t.resource)],
);

export const psaRequestBudget = sqliteTable(
  "psa_request_budget",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    integrationId: text("integration_id").notNull(),
    /** UTC minute `YYYY-MM-DDTHH:MM`. */
    minute: text("minute").notNull(),
    count: integer("count").notNull().default(0),
  },
  (t) => [uniqueIndex("psa_request_budget_minute_uq").on(t.tenantId, t.integrationId, t.minute)],
);

/** `state`: running | done | failed. */
export const psaSyncRuns = sqliteTable(
  "psa_sync_runs",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    integrationId: text("integration_id").notNull(),
    /** full | incremental */
    mode: text("mode").notNull(),
    state: text("state").notNull(),
    since: text("since"),
    startedAt: text("started_at").notNull(),
    finishedAt: text("finished_at"),
    chunksTotal: integer("chunks_total").notNull().default(0),
    chunksDone: integer("chunks_done").notNull().default(0),
    agreements: integer("agreements").notNull().default(0),
    lines: integer("lines").notNull().default(0),
    psaCalls: integer("psa_calls").notNull().default(0),
    error: text("error"),
  },
  (t) => [index("psa_sync_runs_integration_idx").on(t.tenantId, t.integrationId, t.startedAt)],
);

/** Finished chunks of a run (UNIQUE per chunk): the run's counters are recomputed from them. */
export const psaSyncChunks = sqliteTable(
  "psa_sync_chunks",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    runId: text("run_id").notNull().references(() => psaSyncRuns.id),
    chunk: integer("chunk").notNull(),
    agreements: integer("agreements").notNull().default(0),
    lines: integer("lines").notNull().default(0),
    psaCalls: integer("psa_calls").notNull().default(0),
    finishedAt: text("finished_at").notNull(),
  },
  (t) => [uniqueIndex("psa_sync_chunks_uq").on(t.tenantId, t.runId, t.chunk)],
);
