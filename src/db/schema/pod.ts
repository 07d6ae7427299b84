/**
 * Tables of the pod surface (migration 0005): tenant users of the standalone
 * view, pod sessions (SHA-256 of the token only, short expiry), login attempt
 * counters, and line notes. Mirrors migrations/0005_pod.sql exactly.
 */
import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";
import { agreements, tenants } from "./core.ts";
import { psaIntegrations } from "./psa.ts";

/** People who sign in to the standalone view (Autotask users open it from a LiveLink). */
export const tenantUsers = sqliteTable(
  "tenant_users",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    /** Lower-cased. */
    email: text("email").notNull(),
    displayName: text("display_name"),
    /** `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>` (services/pod/passwords.ts). */
    passwordHash: text("password_hash").notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull().default(sql`(strftime('%Y-%m-%dT%H:%M:%fZ','now'))`),
    disabledAt: text("disabled_at"),
    /** admin | approver | viewer (migration 0009; core/workspace/roles.ts). */
    role: text("role").notNull().default("admin"),
    lastSignInAt: text("last_sign_in_at"),
  },
  (t) => [uniqueIndex("tenant_users_email_uq").on(t.tenantId, t.email)],
);

/**
 * Pod sessions: `member` (a verified ConnectWise member) and `user` (a tenant
 * user) are `tp_` bearer tokens; `refresh` is the standalone view's same-site
 * cookie that mints new `tp_` tokens. Only the token's SHA-256 is stored.
 */
export const podSessions = sqliteTable(
  "pod_sessions",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    tokenHash: text("token_hash").notNull(),
    /** member | user | refresh */
    kind: text("kind").notNull(),
    /** "member:<ConnectWise identifier>" or "user:<email>", for the audit log. */
    actor: text("actor").notNull(),
    integrationId: text("integration_id").references(() => psaIntegrations.id),
    userId: text("user_id").references(() => tenantUsers.id),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
    revokedAt: text("revoked_at"),
  },
  (t) => [uniqueIndex("pod_sessions_token_uq").on(t.tokenHash), index("pod_sessions_expiry_idx").on(t.tenantId, t.expiresAt)],
);

/** Sign-in attempts per subject in a fixed window (core/pod/login-limit.ts). */
export const podLoginAttempts = sqliteTable(
  "pod_login_attempts",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    /** "user:<email>" or "member:<integration id>:<member id>". */
    subject: text("subject").notNull(),
    attempts: integer("attempts").notNull().default(0),
    windowStartedAt: text("window_started_at").notNull(),
  },
  (t) => [uniqueIndex("pod_login_attempts_subject_uq").on(t.tenantId, t.subject)],
);

/** One free-text note per agreement line (agreement × PSA product), written from the pod. */
export const podLineNotes = sqliteTable(
  "pod_line_notes",
  {
    id: text("id").primaryKey(),
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    agreementId: text("agreement_id").notNull().references(() => agreements.id),
    productKey: text("product_key").notNull(),
    note: text("note").notNull(),
    updatedBy: text("updated_by").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [uniqueIndex("pod_line_notes_line_uq").on(t.tenantId, t.agreementId, t.productKey)],
);

/** Display names of pod actors seen at sign-in (migration 0012): "member:<identifier>" → "Jo Smith". */
export const podPeople = sqliteTable(
  "pod_people",
  {
    tenantId: text("tenant_id").notNull().references(() => tenants.id),
    actor: text("actor").notNull(),
    displayName: text("display_name").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.actor] })],
);
