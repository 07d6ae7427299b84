/**
 * Tables of the PSA surface. `psa_integrations` (migration 0002) is shared
 * by sync/write-back and by the pod (member verification, allowed origins);
 * the rest of the surface's tables come in migration 0004.
 */
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { tenants } from "./core.ts";

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
    createdAt: text("created_at").notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
    updatedAt: text("updated_at").notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
    disconnectedAt: text("disconnected_at"),
  },
  (t) => [index("psa_integrations_tenant_idx").on(t.tenantId, t.kind)],
);
