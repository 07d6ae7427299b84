/**
 * Worker bindings and per-request variables, plus the zod check of string
 * vars and secrets. Bindings (D1, queue, assets) only need to be present;
 * secrets are validated so a missing OPERATOR_TOKEN or ENCRYPTION_KEY fails
 * loudly instead of leaving an API open or a credential unencrypted.
 */
import { z } from "zod";
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
}

/** TENANT_DATABASES: `{"tnt_…": "DB_SHARD_2"}`; every named binding must be a D1 binding of this Worker. */
export const tenantDatabasesSchema = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "TENANT_DATABASES must be a JSON object" });
      return z.NEVER;
    }
  })
  .pipe(z.record(z.string().regex(/^tnt_[A-Za-z0-9_-]+$/, "TENANT_DATABASES keys must be tenant ids"), z.string().regex(/^[A-Z][A-Z0-9_]*$/, "TENANT_DATABASES values must be binding names")));

export const envSchema = z
  .looseObject({
    OPERATOR_TOKEN: z.string().min(16, "OPERATOR_TOKEN must be at least 16 characters"),
    ENCRYPTION_KEY: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, "ENCRYPTION_KEY must be 32 bytes, base64"),
    TRUEUP_ENV: z.enum(["development", "test", "production"]).default("production"),
    ALLOW_INSECURE_ORIGINS: z.enum(["true", "false"]).optional(),
    TENANT_DATABASES: tenantDatabasesSchema.optional(),
  })
  .superRefine((env, ctx) => {
    for (const binding of new Set(Object.values(env.TENANT_DATABASES ?? {}))) {
      const value = (env as Record<string, unknown>)[binding] as { prepare?: unknown } | undefined;
      if (typeof value?.prepare !== "function") ctx.addIssue({ code: "custom", message: `TENANT_DATABASES names ${binding}, which is not a D1 binding of this Worker` });
    }
  });

/** Whether plain-http loopback origins (local simulators) may be used: never in production. */
export function allowsInsecureOrigins(env: Env): boolean {
  return env.ALLOW_INSECURE_ORIGINS === "true" && env.TRUEUP_ENV !== "production";
}

export interface TenantPrincipal {
  tenantId: string;
  /** How the caller authenticated: a tenant API key, a vendor integration key, or a pod session. */
  via: "api-key" | "integration-key" | "pod-session";
  /** Who acted, for the audit log ("api-key:tu_ab12…", "member:jsmith"). */
  actor: string;
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
