import { existsSync } from "node:fs";
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Three projects: pure unit tests in Node (fast, no workerd start-up),
// integration tests inside workerd with a real local D1 (migrations applied
// by the setup file; storage isolated per test file), and browser tests of
// the pod (Chromium via playwright-core against `wrangler dev --local`,
// started by test/browser/global-setup.ts on a free port).
// Browser tests drive Debian's Chromium (.ci/run installs it). On a machine
// without it they are left out with a notice; under CI that is an error.
const CHROMIUM = "/usr/bin/chromium";
/** The tenant that test/worker/tenant-db.test.ts creates on DB_SHARD_2. */
const SHARD_TEST_TENANT = "tnt_shard2_test";
const HAS_CHROMIUM = existsSync(CHROMIUM);
if (!HAS_CHROMIUM) {
  const notice = `${CHROMIUM} not found: the browser tests are not run (install it with: apt-get install -y chromium)`;
  if (process.env.CI === "true") throw new Error(notice);
  console.warn(`\n⚠ ${notice}\n`);
}

const browserProject = {
  test: {
    name: "browser",
    include: ["test/browser/**/*.test.ts"],
    environment: "node",
    // After the unit and workers projects, so the pod's load time is taken on an otherwise idle machine.
    sequence: { groupOrder: 1 },
    globalSetup: ["./test/browser/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
};

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: {
              bindings: {
                TEST_MIGRATIONS: await readD1Migrations(path.join(import.meta.dirname, "migrations")),
                OPERATOR_TOKEN: "test-operator-token",
                ENCRYPTION_KEY: "dGVzdC1vbmx5LWVuY3J5cHRpb24ta2V5LTMyLWJ5dGU=",
                TRUEUP_ENV: "test",
                ALLOW_INSECURE_ORIGINS: "true",
                // test/worker/tenant-db.test.ts: one tenant on a second database.
                TENANT_DATABASES: JSON.stringify({ [SHARD_TEST_TENANT]: "DB_SHARD_2" }),
              },
              // A second local D1 (the first, DB, comes from wrangler.toml), migrated by the setup file.
              d1Databases: { DB: "trueup-test", DB_SHARD_2: "trueup-test-shard-2" },
              // A small vendor-API limit so the 429 test needs a few dozen requests, not
              // 1,000 inside one 10 s window (which a loaded machine may not manage).
              ratelimits: { VENDOR_API_RATE_LIMITER: { namespace_id: "3001", simple: { limit: 40, period: 10 } } },
            },
          })),
        ],
        test: {
          name: "workers",
          include: ["test/worker/**/*.test.ts"],
          setupFiles: ["./test/worker/apply-migrations.ts"],
        },
      },
      ...(HAS_CHROMIUM ? [browserProject] : []),
    ],
  },
});
