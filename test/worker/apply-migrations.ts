import { applyD1Migrations } from "cloudflare:test";
import { env } from "cloudflare:workers";

// Setup files run outside per-file storage isolation and may run several
// times; applyD1Migrations only applies what is not applied yet.
await applyD1Migrations(env.DB, env.TEST_MIGRATIONS);
// The second database of test/worker/tenant-db.test.ts gets the same schema.
await applyD1Migrations(env.DB_SHARD_2, env.TEST_MIGRATIONS);
