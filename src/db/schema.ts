/**
 * D1 storage schema (drizzle sqlite-core), the typed mirror of the SQL in
 * `migrations/` (plain SQL files applied in order by wrangler, never edited
 * once applied; test/worker/schema-drift.test.ts fails when the two disagree).
 * Split by surface; this module re-exports every table.
 */
export * from "./schema/core.ts";
export * from "./schema/ingest.ts";
export * from "./schema/psa.ts";
export * from "./schema/pod.ts";
export * from "./schema/recon.ts";
export * from "./schema/workspace.ts";
