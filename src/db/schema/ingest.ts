/**
 * Tables of the usage-ingestion surface (migration 0003_ingest.sql).
 *
 * Every count that enters — batch push, Gradient-compatible push, CSV import,
 * vendor pull — is first appended to `ingest_count_log` under its source id,
 * and only then applied to the core tables (vendor accounts/services and
 * usage_counts) by INSERT … SELECT from the log. The log is append-only
 * (triggers), so a superseded count is never lost and every usage_counts row
 * names its log entry through `source_ref`.
 */
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { tenants, vendorIntegrations, vendorServices } from "./core.ts";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`;

/** `ti_` integration keys (kind "integration") and Gradient vendor/partner key pairs (kind "gradient"). */
export const ingestKeys = sqliteTable(
  "ingest_keys",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    integrationId: text("integration_id").notNull().references(() => vendorIntegrations.id),
    /** integration | gradient */
    kind: text("kind").notNull(),
    /** SHA-256 of the `ti_` key, or of the Gradient partner API key. */
    keyHash: text("key_hash").notNull(),
    /** Gradient only: SHA-256 of the vendor API key. */
    vendorKeyHash: text("vendor_key_hash"),
    keyPrefix: text("key_prefix").notNull(),
    createdAt: text("created_at").notNull().default(now),
    revokedAt: text("revoked_at"),
  },
  (t) => [uniqueIndex("ingest_keys_hash_uq").on(t.keyHash), index("ingest_keys_integration_idx").on(t.tenantId, t.integrationId)],
);

/** One row per push request (batch API) or per Gradient count call: the Idempotency-Key record. */
export const ingestPushes = sqliteTable(
  "ingest_pushes",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    integrationId: text("integration_id").notNull().references(() => vendorIntegrations.id),
    /** push | vendor-api */
    sourceKind: text("source_kind").notNull(),
    idempotencyKey: text("idempotency_key"),
    /** SHA-256 of the raw request body: same key + other body → 409. */
    bodyHash: text("body_hash").notNull(),
    actor: text("actor").notNull(),
    countsReceived: integer("counts_received").notNull(),
    /** Counts that became the stored figure (the rest were older than what was stored). */
    countsApplied: integer("counts_applied").notNull().default(0),
    receivedAt: text("received_at").notNull(),
    /** Counts acknowledged without a ledger row: same quantity and cost as the stored figure (0008). */
    countsUnchanged: integer("counts_unchanged").notNull().default(0),
    /** Counts whose observedAt was older than the late window (0008). */
    countsLate: integer("counts_late").notNull().default(0),
  },
  (t) => [
    uniqueIndex("ingest_pushes_idem_uq").on(t.tenantId, t.idempotencyKey),
    index("ingest_pushes_received_idx").on(t.tenantId, t.receivedAt),
  ],
);

/** Append-only ledger of every count received, keyed by the vendor's own ids. */
export const ingestCountLog = sqliteTable(
  "ingest_count_log",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    integrationId: text("integration_id").notNull(),
    /** push | vendor-api | import | pull */
    sourceKind: text("source_kind").notNull(),
    /** Push id, import id or pull run id. */
    sourceId: text("source_id").notNull(),
    /** What usage_counts.source_ref says: `push:<id>#<n>`, `import:<id>:L<a>-L<b>`, `pull:<run>`. */
    sourceRef: text("source_ref").notNull(),
    accountExternalId: text("account_external_id").notNull(),
    /** Null when the source did not name the account (a Gradient count for an unknown account). */
    accountName: text("account_name"),
    accountDescription: text("account_description"),
    serviceExternalId: text("service_external_id").notNull(),
    serviceName: text("service_name"),
    serviceCategory: text("service_category"),
    serviceUnit: text("service_unit"),
    period: text("period").notNull(),
    quantity: text("quantity").notNull(),
    costMinor: integer("cost_minor"),
    costCurrency: text("cost_currency"),
    observedAt: text("observed_at").notNull(),
    /** Imports: how many file lines were summed into this count. */
    lineCount: integer("line_count"),
    receivedAt: text("received_at").notNull(),
    /** Which measure of the service the count is (migration 0006; default total). */
    measure: text("measure").notNull().default("total"),
    /** 1 when observedAt was older than the late window on arrival (0008): kept, applied, marked. */
    late: integer("late").notNull().default(0),
  },
  (t) => [index("ingest_count_log_source_idx").on(t.tenantId, t.sourceId)],
);

/** CSV imports: progress while streaming, then `live` (applied whole) or `failed` (nothing applied). */
export const ingestImports = sqliteTable(
  "ingest_imports",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    integrationId: text("integration_id").notNull().references(() => vendorIntegrations.id),
    /** partner-center-invoice | partner-center-usage | csv */
    profile: text("profile").notNull(),
    profileId: text("profile_id"),
    /** processing | live | failed */
    status: text("status").notNull(),
    options: text("options").notNull().default("{}"),
    bytesTotal: integer("bytes_total"),
    bytesRead: integer("bytes_read").notNull().default(0),
    rowsRead: integer("rows_read").notNull().default(0),
    rowsAccepted: integer("rows_accepted").notNull().default(0),
    rowsRejected: integer("rows_rejected").notNull().default(0),
    rowsSkipped: integer("rows_skipped").notNull().default(0),
    countsStaged: integer("counts_staged").notNull().default(0),
    countsApplied: integer("counts_applied").notNull().default(0),
    /** JSON [{line, reason}] — the first 100 rejected rows. */
    rejected: text("rejected").notNull().default("[]"),
    /** JSON {reason: rows} for rows deliberately left out (e.g. Azure plan lines in an invoice file). */
    skipped: text("skipped").notNull().default("{}"),
    error: text("error"),
    actor: text("actor").notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    finishedAt: text("finished_at"),
    /** SHA-256 of the file bytes (0008). */
    contentHash: text("content_hash"),
    /** SHA-256 of content hash + canonical options: one live import per key, a re-upload answers with it (0008). */
    dedupeKey: text("dedupe_key"),
  },
  (t) => [
    index("ingest_imports_created_idx").on(t.tenantId, t.createdAt),
    uniqueIndex("ingest_imports_dedupe_uq").on(t.tenantId, t.dedupeKey).where(sql`${t.status} = 'live'`),
  ],
);

/** Saved column profiles for the generic `csv` import profile. */
export const ingestImportProfiles = sqliteTable(
  "ingest_import_profiles",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    integrationId: text("integration_id").notNull().references(() => vendorIntegrations.id),
    name: text("name").notNull(),
    /** JSON GenericCsvConfig (src/core/usage/generic-csv.ts). */
    config: text("config").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [uniqueIndex("ingest_import_profiles_name_uq").on(t.tenantId, t.name)],
);

/** Pax8 / Liongard credentials and the cached OAuth token, sealed with encryptSecret. */
export const ingestPullSecrets = sqliteTable("ingest_pull_secrets", {
  integrationId: text("integration_id").primaryKey().references(() => vendorIntegrations.id),
  tenantId: text("tenant_id").notNull().references(() => tenants.id),
  credentials: text("credentials").notNull(),
  accessToken: text("access_token"),
  tokenExpiresAt: text("token_expires_at"),
  updatedAt: text("updated_at").notNull(),
});

/** One row per pull run (cron or "sync now"); the run id is the source of its counts. */
export const ingestPullRuns = sqliteTable(
  "ingest_pull_runs",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    integrationId: text("integration_id").notNull().references(() => vendorIntegrations.id),
    /** cron | manual */
    trigger: text("trigger").notNull(),
    /** cron: the UTC date (one scheduled run per day); manual: the run id. */
    triggerKey: text("trigger_key").notNull(),
    /** queued | running | succeeded | failed */
    status: text("status").notNull(),
    attempts: integer("attempts").notNull().default(0),
    period: text("period"),
    requests: integer("requests").notNull().default(0),
    countsWritten: integer("counts_written").notNull().default(0),
    countsApplied: integer("counts_applied").notNull().default(0),
    warnings: text("warnings").notNull().default("[]"),
    error: text("error"),
    queuedAt: text("queued_at").notNull(),
    startedAt: text("started_at"),
    finishedAt: text("finished_at"),
  },
  (t) => [
    uniqueIndex("ingest_pull_runs_trigger_uq").on(t.integrationId, t.triggerKey),
    index("ingest_pull_runs_tenant_idx").on(t.tenantId, t.queuedAt),
  ],
);

/** Gradient service fields that have no home in vendor_services. */
export const ingestGradientServices = sqliteTable(
  "ingest_gradient_services",
  {
    serviceId: text("service_id").primaryKey().references(() => vendorServices.id),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    integrationId: text("integration_id").notNull(),
    /** vendor (POST /service) | organization (POST /organization/services) */
    scope: text("scope").notNull(),
    description: text("description"),
    category: text("category"),
    subcategory: text("subcategory"),
    supportArticle: text("support_article"),
    supportContact: text("support_contact"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("ingest_gradient_services_integration_idx").on(t.tenantId, t.integrationId)],
);

/** Alerts from the Gradient-compatible API (POST /api/vendor-api/alerting/:accountId); `id` is the messageId. */
export const ingestVendorAlerts = sqliteTable(
  "ingest_vendor_alerts",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    integrationId: text("integration_id").notNull().references(() => vendorIntegrations.id),
    accountExternalId: text("account_external_id").notNull(),
    alertId: text("alert_id").notNull(),
    correlationId: text("correlation_id").notNull(),
    title: text("title").notNull(),
    description: text("description").notNull(),
    /** Gradient: 1 low, 2 medium, 3 high, 4 very high. */
    priority: integer("priority").notNull(),
    /** Gradient: 1–6, mapped to the PSA ticket status. */
    status: integer("status").notNull(),
    dueDateTime: text("due_date_time"),
    serviceExternalId: text("service_external_id"),
    receivedAt: text("received_at").notNull(),
  },
  (t) => [index("ingest_vendor_alerts_account_idx").on(t.tenantId, t.integrationId, t.accountExternalId, t.receivedAt)],
);
