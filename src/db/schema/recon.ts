/**
 * Persisted, incremental reconciliation (migration 0006_recon_state.sql):
 * the latest count per account × service, the per-service aggregate behind
 * the "suspect" rule, recompute scopes with their dirty counters, and the
 * engine's rows. The first three are kept by SQLite triggers (see the
 * migration) in the same transaction as the change that affects them.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { tenants, vendorAccounts, vendorServices } from "./core.ts";

export const latestCounts = sqliteTable(
  "latest_counts",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    accountId: text("account_id").notNull().references(() => vendorAccounts.id),
    serviceId: text("service_id").notNull().references(() => vendorServices.id),
    /** Which measure of the service (total, assigned, consumed, active). */
    measure: text("measure").notNull().default("total"),
    period: text("period").notNull(),
    quantity: text("quantity").notNull(),
    costMinor: integer("cost_minor"),
    costCurrency: text("cost_currency"),
    observedAt: text("observed_at").notNull(),
    sourceKind: text("source_kind").notNull(),
    sourceRef: text("source_ref").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.accountId, t.serviceId, t.measure] }), index("latest_counts_service_idx").on(t.tenantId, t.serviceId, t.measure, t.accountId)],
);

export const serviceStats = sqliteTable(
  "service_stats",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    serviceId: text("service_id").notNull().references(() => vendorServices.id),
    /** Accounts with a latest count of the service. */
    reporting: integer("reporting").notNull().default(0),
    /** …of which report exactly 1. */
    ones: integer("ones").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.serviceId] })],
);

export const reconScopes = sqliteTable(
  "recon_scopes",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    /** A PSA company id, or `account:<vendor account id>` for an unmapped account's usage. */
    scope: text("scope").notNull(),
    dirtySeq: integer("dirty_seq").notNull().default(0),
    computedSeq: integer("computed_seq").notNull().default(0),
    computedAt: text("computed_at"),
    /** When time alone can change the scope's rows (stale threshold, a date boundary, the next month). */
    recheckAt: text("recheck_at"),
    /** Token of the recompute that last claimed the scope (guards its writes within one batch). */
    writer: text("writer"),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.scope] }),
    index("recon_scopes_dirty_idx").on(t.tenantId, t.scope).where(sql`dirty_seq > computed_seq`),
    index("recon_scopes_recheck_idx").on(t.recheckAt),
  ],
);

export const reconRows = sqliteTable(
  "recon_rows",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    rowKey: text("row_key").notNull(),
    scope: text("scope").notNull(),
    status: text("status").notNull(),
    companyId: text("company_id"),
    agreementId: text("agreement_id"),
    productKey: text("product_key"),
    currency: text("currency"),
    monthlyImpactMinor: integer("monthly_impact_minor"),
    absImpactMinor: integer("abs_impact_minor"),
    needsCatalog: integer("needs_catalog").notNull().default(0),
    /** 1 while a dismissal holds: the row leaves the totals (migration 0010). */
    dismissed: integer("dismissed").notNull().default(0),
    integrationIds: text("integration_ids").notNull().default("[]"),
    sortGroup: integer("sort_group").notNull(),
    sortKey: text("sort_key").notNull(),
    /** The ReconRow as JSON. */
    body: text("body").notNull(),
    inputSeq: integer("input_seq").notNull(),
    computedAt: text("computed_at").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.rowKey] }),
    index("recon_rows_scope_idx").on(t.tenantId, t.scope),
    index("recon_rows_order_idx").on(t.tenantId, t.sortGroup, t.sortKey),
    index("recon_rows_company_idx").on(t.tenantId, t.companyId, t.sortGroup, t.sortKey),
    index("recon_rows_agreement_idx").on(t.tenantId, t.agreementId),
    index("recon_rows_catalog_idx").on(t.tenantId, t.productKey).where(sql`needs_catalog = 1`),
  ],
);

/**
 * A product's distinct current price points with their billable line counts
 * (migration 0015, kept by triggers on agreement_lines and agreements): what
 * the catalog estimate reads instead of every line of the product.
 */
export const productPricePoints = sqliteTable(
  "product_price_points",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    productKey: text("product_key").notNull(),
    productName: text("product_name").notNull(),
    unitPriceMinor: integer("unit_price_minor").notNull(),
    unitCostMinor: integer("unit_cost_minor").notNull(),
    /** The line's exact price; '' when it has none (the minor units are exact). */
    unitPrice: text("unit_price").notNull(),
    unitCost: text("unit_cost").notNull(),
    currency: text("currency").notNull(),
    /** The agreement's billing cycle; '' when the agreement is not known yet. */
    billingCycle: text("billing_cycle").notNull(),
    /** The line's cancel day (YYYY-MM-DD); '~' when not cancelled (sorts after every day). */
    cancelledDay: text("cancelled_day").notNull(),
    lines: integer("lines").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.productKey, t.productName, t.unitPriceMinor, t.unitCostMinor, t.unitPrice, t.unitCost, t.currency, t.billingCycle, t.cancelledDay] }),
  ],
);
