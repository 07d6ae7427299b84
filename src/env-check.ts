/**
 * The check of the Worker's string vars and secrets (pure: zod only, so
 * scripts and unit tests can use it too). A secret with surrounding
 * whitespace (`echo token | wrangler secret put` adds a newline) is refused
 * rather than trimmed: the stored value is not what the operator will send.
 * The check runs when the Worker starts (src/index.ts: the runtime exposes
 * `env` at module scope, so a Worker with a bad env fails to start and its
 * upload fails) and again on the first request of an isolate (src/app.ts).
 */
import { z } from "zod";

/** The secrets a deploy needs (also declared in wrangler.toml `[secrets] required`, so `wrangler deploy` refuses to run without them). */
export const REQUIRED_SECRETS = ["OPERATOR_TOKEN", "ENCRYPTION_KEY"] as const;

/** Refused, not trimmed: a stored value with a stray newline is not the token anyone will send. */
const withoutSurroundingWhitespace = (name: string) =>
  z.refine<string>((value) => value === value.trim(), { error: `${name} has leading or trailing whitespace (a pasted newline?): set it again without it`, abort: true });

/** TENANT_DATABASES: `{"tnt_…": "DB_SHARD_2"}`; every named binding must be a D1 binding of this Worker (src/db/tenant-db.ts). */
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

export const envSchema = z.looseObject({
  OPERATOR_TOKEN: z.string({ error: "OPERATOR_TOKEN is not set" }).check(withoutSurroundingWhitespace("OPERATOR_TOKEN")).min(16, "OPERATOR_TOKEN must be at least 16 characters"),
  ENCRYPTION_KEY: z.string({ error: "ENCRYPTION_KEY is not set" }).check(withoutSurroundingWhitespace("ENCRYPTION_KEY")).regex(/^[A-Za-z0-9+/]{43}=$/, "ENCRYPTION_KEY must be 32 bytes, base64"),
  TRUEUP_ENV: z.enum(["development", "test", "production"], { error: "TRUEUP_ENV must be development, test or production" }).default("production"),
  ALLOW_INSECURE_ORIGINS: z.enum(["true", "false"], { error: "ALLOW_INSECURE_ORIGINS must be true or false" }).optional(),
  TENANT_DATABASES: tenantDatabasesSchema.optional(),
}).superRefine((env, ctx) => {
  for (const binding of new Set(Object.values(env.TENANT_DATABASES ?? {}))) {
    const value = (env as Record<string, unknown>)[binding] as { prepare?: unknown } | undefined;
    if (typeof value?.prepare !== "function") ctx.addIssue({ code: "custom", message: `TENANT_DATABASES names ${binding}, which is not a D1 binding of this Worker` });
  }
});

/** What is wrong with an env, one message per problem (never a secret's value); empty when it is fine. */
export function envProblems(env: unknown): string[] {
  const parsed = envSchema.safeParse(env);
  return parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);
}

/** Throws, naming every problem, when the env is unusable: called at Worker start-up. */
export function assertEnv(env: unknown): void {
  const problems = envProblems(env);
  if (problems.length > 0) throw new Error(`Trueup is misconfigured: ${problems.join("; ")}`);
}

