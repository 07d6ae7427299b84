/**
 * Worker bindings and per-request variables, plus the zod check of string
 * vars and secrets. Bindings (D1, queue, assets) only need to be present;
 * secrets are validated so a missing OPERATOR_TOKEN or ENCRYPTION_KEY fails
 * loudly instead of leaving an API open or a credential unencrypted (the
 * check itself: env-check.ts).
 */
import { z } from "zod";
import type { Role } from "./core/workspace/roles.ts";
import type { Db, D1Meter } from "./db/client.ts";
import type { JobMessage } from "./jobs/messages.ts";

export interface Env {
  DB: D1Database;
  ASSETS: Fetcher;
  JOBS: Queue<JobMessage>;
  /** Per-integration limit of the Gradient-compatible vendor API (wrangler.toml [[ratelimits]]). */
  VENDOR_API_RATE_LIMITER?: RateLimit;
  OPERATOR_TOKEN: string;
  /** 32 random bytes, base64: AES-256-GCM key for PSA/vendor credentials at rest. */
  ENCRYPTION_KEY: string;
  TRUEUP_ENV: string;
  /** Dev/test only: "true" lets PSA/vendor origins be plain-http loopback (the simulators). */
  ALLOW_INSECURE_ORIGINS?: string;
  /** JSON object tenantId → D1 binding name for tenants not in `DB` (src/db/tenant-db.ts, docs/scaling.md). */
  TENANT_DATABASES?: string;
  /** Cloudflare Email Routing binding for alert e-mails (wrangler.toml [[send_email]]); absent locally: e-mails are logged. */
  SEND_EMAIL?: SendEmail;
  /** Sender address of alert e-mails (must be verified on the Email Routing zone). */
  ALERT_EMAIL_FROM?: string;
}

export { assertEnv, envProblems, envSchema, REQUIRED_SECRETS, tenantDatabasesSchema } from "./env-check.ts";

/** Whether plain-http loopback origins (local simulators) may be used: never in production. */
export function allowsInsecureOrigins(env: Env): boolean {
  return env.ALLOW_INSECURE_ORIGINS === "true" && env.TRUEUP_ENV !== "production";
}

export interface TenantPrincipal {
  tenantId: string;
  /** How the caller authenticated: a tenant API key, a vendor integration key, a pod session, or a workspace cookie. */
  via: "api-key" | "integration-key" | "pod-session" | "app-session";
  /** Who acted, for the audit log ("api-key:tu_ab12…", "member:jsmith", "user:ann@msp.test"). */
  actor: string;
  /**
   * What the caller may do (core/workspace/roles.ts): an API key is admin, a
   * ConnectWise member approver, a tenant user their role. Null for vendor
   * integration keys, which only reach the routes that name them; absent
   * (a principal built outside the auth middleware) counts as viewer.
   */
  role?: Role | null;
  /** The tenant user behind a pod or workspace session. */
  userId?: string;
  /** Set when `via` is integration-key: the integration the key belongs to. */
  integrationId?: string;
}

export type AppEnv = {
  Bindings: Env;
  Variables: {
    requestId: string;
    db: Db;
    tenant: TenantPrincipal;
    /** Non-production, on request only: D1 rows read and written by this request (src/middleware/tenant-db.ts). */
    d1Meter: D1Meter | undefined;
  };
};
