/**
 * Core D1 tables (drizzle sqlite-core), the typed mirror of the SQL in
 * `migrations/` (plain SQL files applied by wrangler, never edited once
 * applied; test/worker/schema-drift.test.ts fails when the two disagree).
 * Every business table carries `tenant_id` and every query is
 * scoped by it. Quantities are exact decimal strings (TEXT); money is integer
 * minor units plus an ISO-4217 currency. UNIQUE keys make re-delivery of the
 * same PSA record or vendor count an upsert, never a duplicate.
 * See docs/storage-schema.md.
 */
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

const createdAt = () => text("created_at").notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`);
const updatedAt = () => text("updated_at").notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`);

export const tenants = sqliteTable("tenants", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  /** Vendor counts older than this make a row `stale`. */
  staleAfterHours: integer("stale_after_hours").notNull().default(168),
  createdAt: createdAt(),
});

/** Tenant API keys: only the SHA-256 of the key is kept; the key is shown once. */
export const apiKeys = sqliteTable(
  "api_keys",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    keyHash: text("key_hash").notNull(),
    keyPrefix: text("key_prefix").notNull(),
    label: text("label").notNull(),
    createdAt: createdAt(),
    revokedAt: text("revoked_at"),
  },
  (t) => [uniqueIndex("api_keys_hash_uq").on(t.keyHash), index("api_keys_tenant_idx").on(t.tenantId)],
);

export const psaCompanies = sqliteTable(
  "psa_companies",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    /** Which PSA the record came from: connectwise | autotask | demo. */
    psa: text("psa").notNull(),
    psaId: text("psa_id").notNull(),
    name: text("name").notNull(),
    identifier: text("identifier"),
    domain: text("domain"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("psa_companies_psa_uq").on(t.tenantId, t.psa, t.psaId)],
);

export const agreements = sqliteTable(
  "agreements",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    companyId: text("company_id").notNull().references(() => psaCompanies.id),
    psa: text("psa").notNull(),
    psaId: text("psa_id").notNull(),
    name: text("name").notNull(),
    type: text("type").notNull(),
    status: text("status").notNull(),
    billingCycle: text("billing_cycle").notNull(),
    startDate: text("start_date"),
    endDate: text("end_date"),
    cancelled: integer("cancelled", { mode: "boolean" }).notNull().default(false),
    flatRate: integer("flat_rate", { mode: "boolean" }).notNull().default(false),
    currency: text("currency").notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("agreements_psa_uq").on(t.tenantId, t.psa, t.psaId),
    index("agreements_company_idx").on(t.tenantId, t.companyId),
  ],
);

/** A ConnectWise agreement addition or an Autotask contract service. */
export const agreementLines = sqliteTable(
  "agreement_lines",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    agreementId: text("agreement_id").notNull().references(() => agreements.id),
    psaId: text("psa_id").notNull(),
    productKey: text("product_key").notNull(),
    productName: text("product_name").notNull(),
    quantity: text("quantity").notNull(),
    lessIncluded: text("less_included").notNull().default("0"),
    unitPriceMinor: integer("unit_price_minor").notNull(),
    unitCostMinor: integer("unit_cost_minor").notNull(),
    /** The PSA's exact unit price / cost in major units ("1.995"); null = the minor units are exact (migration 0010). */
    unitPrice: text("unit_price"),
    unitCost: text("unit_cost"),
    currency: text("currency").notNull(),
    billCustomer: text("bill_customer").notNull(),
    effectiveDate: text("effective_date"),
    cancelledDate: text("cancelled_date"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex("agreement_lines_psa_uq").on(t.tenantId, t.agreementId, t.psaId),
    index("agreement_lines_product_idx").on(t.tenantId, t.productKey),
    index("agreement_lines_catalog_idx").on(t.tenantId, t.productKey, t.id),
  ],
);

export const vendorIntegrations = sqliteTable(
  "vendor_integrations",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    /** vendor-api | batch | csv | pax8 | liongard | demo */
    kind: text("kind").notNull(),
    name: text("name").notNull(),
    status: text("status").notNull().default("pending"),
    /** Kind-specific settings as JSON (never secrets in clear). */
    config: text("config"),
    /** Arrears calendar as JSON (core/reconcile/calendar.ts); null = the kind's default (migration 0013). */
    calendar: text("calendar"),
    createdAt: createdAt(),
    disconnectedAt: text("disconnected_at"),
  },
  (t) => [index("vendor_integrations_tenant_idx").on(t.tenantId)],
);

export const vendorAccounts = sqliteTable(
  "vendor_accounts",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    integrationId: text("integration_id").notNull().references(() => vendorIntegrations.id),
    externalId: text("external_id").notNull(),
    name: text("name").notNull(),
    description: text("description"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    /** "Not a customer / ignore" (migration 0012): its usage shows only in the ignored list. */
    ignoredAt: text("ignored_at"),
    ignoredBy: text("ignored_by"),
  },
  (t) => [uniqueIndex("vendor_accounts_ext_uq").on(t.tenantId, t.integrationId, t.externalId)],
);

export const vendorServices = sqliteTable(
  "vendor_services",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    integrationId: text("integration_id").notNull().references(() => vendorIntegrations.id),
    externalId: text("external_id").notNull(),
    name: text("name").notNull(),
    /** seat | consumption */
    category: text("category").notNull(),
    unit: text("unit"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex("vendor_services_ext_uq").on(t.tenantId, t.integrationId, t.externalId)],
);

/** The quantity a vendor reports for one account × service × billing period, with provenance. */
export const usageCounts = sqliteTable(
  "usage_counts",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    accountId: text("account_id").notNull().references(() => vendorAccounts.id),
    serviceId: text("service_id").notNull().references(() => vendorServices.id),
    period: text("period").notNull(),
    quantity: text("quantity").notNull(),
    costMinor: integer("cost_minor"),
    costCurrency: text("cost_currency"),
    observedAt: text("observed_at").notNull(),
    /** push | vendor-api | import | pull | seed */
    sourceKind: text("source_kind").notNull(),
    /** Push id, import id + line number, or pull run id. */
    sourceRef: text("source_ref").notNull(),
    receivedAt: createdAt(),
    /** Which measure of the service (total, assigned, consumed, active; migration 0006). */
    measure: text("measure").notNull().default("total"),
  },
  (t) => [
    uniqueIndex("usage_counts_period_uq").on(t.tenantId, t.accountId, t.serviceId, t.period, t.measure),
    index("usage_counts_service_idx").on(t.tenantId, t.serviceId),
  ],
);

export const accountMappings = sqliteTable(
  "account_mappings",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    accountId: text("account_id").notNull().references(() => vendorAccounts.id),
    companyId: text("company_id").notNull().references(() => psaCompanies.id),
    agreementId: text("agreement_id").references(() => agreements.id),
    /** manual | auto */
    method: text("method").notNull(),
    /** 0–100 for auto matches; null for manual. */
    confidence: integer("confidence"),
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("account_mappings_account_uq").on(t.tenantId, t.accountId), index("account_mappings_company_idx").on(t.tenantId, t.companyId)],
);

export const serviceMappings = sqliteTable(
  "service_mappings",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    serviceId: text("service_id").notNull().references(() => vendorServices.id),
    productKey: text("product_key").notNull(),
    /** The count rule as JSON (core/reconcile/count-rules.ts); null = the count as it is (migration 0013). */
    rule: text("rule"),
    createdBy: text("created_by").notNull(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("service_mappings_uq").on(t.tenantId, t.serviceId, t.productKey)],
);

export const decisions = sqliteTable(
  "decisions",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    agreementId: text("agreement_id").notNull().references(() => agreements.id),
    lineId: text("line_id").references(() => agreementLines.id),
    productKey: text("product_key").notNull(),
    /** approve | adjust | dismiss | revert */
    action: text("action").notNull(),
    actor: text("actor").notNull(),
    oldQuantity: text("old_quantity"),
    newQuantity: text("new_quantity"),
    effectiveDate: text("effective_date"),
    note: text("note"),
    revertsDecisionId: text("reverts_decision_id"),
    /** scheduled | pending | applied | failed | superseded | cancelled | not-required */
    writebackState: text("writeback_state").notNull(),
    writebackError: text("writeback_error"),
    /** The vendor figure the decision was made against (a dismissal lasts while it holds; migration 0010). */
    vendorQuantity: text("vendor_quantity"),
    /** now | with-date | scheduled: how the PSA takes it (core/reconcile/write-timing.ts; migration 0011). */
    writeMode: text("write_mode"),
    /** The day a scheduled decision is written. */
    writeOn: text("write_on"),
    /** The first invoice that bills the new quantity in full. */
    firstBilledOn: text("first_billed_on"),
    /** When a failed write-back was re-queued (earlier attempts don't count against the limit). */
    retriedAt: text("retried_at"),
    /** Client-supplied key: the same decision submitted twice is recorded once. */
    idempotencyKey: text("idempotency_key"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("decisions_agreement_idx").on(t.tenantId, t.agreementId),
    index("decisions_scheduled_idx").on(t.tenantId, t.writebackState, t.writeOn),
    uniqueIndex("decisions_idem_uq").on(t.tenantId, t.idempotencyKey),
  ],
);

/** Append-only: UPDATE and DELETE are refused by triggers (migration 0001). */
export const auditLog = sqliteTable(
  "audit_log",
  {
    seq: integer("seq").primaryKey({ autoIncrement: true }),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    at: text("at").notNull(),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    entityType: text("entity_type").notNull(),
    entityId: text("entity_id").notNull(),
    details: text("details").notNull(),
  },
  (t) => [index("audit_log_tenant_idx").on(t.tenantId, t.seq)],
);

/** Queue messages that exhausted their retries or failed permanently, kept for replay. */
export const deadLetters = sqliteTable(
  "dead_letters",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull(),
    kind: text("kind").notNull(),
    jobId: text("job_id").notNull(),
    payload: text("payload").notNull(),
    attempts: integer("attempts").notNull(),
    error: text("error").notNull(),
    at: text("at").notNull(),
  },
  (t) => [uniqueIndex("dead_letters_job_uq").on(t.kind, t.jobId), index("dead_letters_tenant_idx").on(t.tenantId, t.at)],
);
