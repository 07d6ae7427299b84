/**
 * Tables of the billing workspace (migration 0009_workspace.sql): alert
 * settings per tenant, raised alerts (deduplicated by a key per fact), the log
 * of alert deliveries (e-mail, outbound webhook, tests), and per-month money
 * totals for the 12-month chart. Roles live on tenant_users (schema/pod.ts).
 */
import { sql } from "drizzle-orm";
import { integer, index, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { tenants } from "./core.ts";

export const alertSettings = sqliteTable("alert_settings", {
  tenantId: text("tenant_id").primaryKey().references(() => tenants.id),
  /** JSON of core/workspace/alert-rules.ts AlertRules. */
  rules: text("rules").notNull(),
  /** JSON array of e-mail addresses. */
  emailRecipients: text("email_recipients").notNull(),
  webhookUrl: text("webhook_url"),
  /** The webhook signing secret (`whsec_…`), sealed with ENCRYPTION_KEY. */
  webhookSecret: text("webhook_secret"),
  updatedBy: text("updated_by").notNull(),
  updatedAt: text("updated_at").notNull(),
});

export const alerts = sqliteTable(
  "alerts",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    at: text("at").notNull(),
    /** count-jump | count-drop-to-zero | source-stale | sync-failed | writeback-failed (raised by triggers of migration 0009 and services/workspace/alert-cron.ts) | job-dead-lettered (db/repos/dead-letters.ts) */
    rule: text("rule").notNull(),
    /** info | warning | critical */
    severity: text("severity").notNull(),
    title: text("title").notNull(),
    detail: text("detail").notNull(),
    integrationId: text("integration_id"),
    accountId: text("account_id"),
    /** One alert per fact: e.g. "sync-failed:<integration>:<day>". */
    dedupeKey: text("dedupe_key").notNull(),
    /** none | pending | sent | failed */
    emailState: text("email_state").notNull(),
    webhookState: text("webhook_state").notNull(),
    /** When delivery was queued (null: not yet; services/workspace/alert-dispatch.ts). */
    dispatchedAt: text("dispatched_at"),
  },
  (t) => [
    uniqueIndex("alerts_dedupe_uq").on(t.tenantId, t.dedupeKey),
    index("alerts_tenant_at_idx").on(t.tenantId, t.at, t.id),
    index("alerts_undispatched_idx").on(t.tenantId).where(sql`${t.dispatchedAt} IS NULL`),
  ],
);

export const alertDeliveries = sqliteTable(
  "alert_deliveries",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    /** Null for a test delivery. */
    alertId: text("alert_id"),
    /** email | webhook */
    channel: text("channel").notNull(),
    /** The recipients (comma-separated) or the webhook URL. */
    target: text("target").notNull(),
    /** pending | sent | logged | failed */
    status: text("status").notNull(),
    attempts: integer("attempts").notNull().default(0),
    responseStatus: integer("response_status"),
    lastError: text("last_error"),
    subject: text("subject").notNull(),
    body: text("body").notNull(),
    createdAt: text("created_at").notNull(),
    deliveredAt: text("delivered_at"),
  },
  (t) => [index("alert_deliveries_tenant_idx").on(t.tenantId, t.createdAt)],
);

/** Money under/over-billed per month and currency; integration_id '' is the tenant-wide total. */
export const reconMonthTotals = sqliteTable(
  "recon_month_totals",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    /** YYYY-MM */
    period: text("period").notNull(),
    currency: text("currency").notNull(),
    integrationId: text("integration_id").notNull(),
    underMinor: integer("under_minor").notNull(),
    overMinor: integer("over_minor").notNull(),
    /** 1 for months backfilled by the demo seed (labelled as demo data). */
    demo: integer("demo").notNull().default(0),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.period, t.currency, t.integrationId] })],
);
