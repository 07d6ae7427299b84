import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

// Three projects: pure unit tests in Node (fast, no workerd start-up),
// integration tests inside workerd with a real local D1 (migrations applied
// by the setup file; storage isolated per test file), and browser tests of
// the pod (Chromium via playwright-core against `wrangler dev --local`,
// started by test/browser/global-setup.ts on a free port).
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
              },
            },
          })),
        ],
        test: {
          name: "workers",
          include: ["test/worker/**/*.test.ts"],
          setupFiles: ["./test/worker/apply-migrations.ts"],
        },
      },
      {
        test: {
          name: "browser",
          include: ["test/browser/**/*.test.ts"],
          environment: "node",
          // After the unit and workers projects: the load-time budget is measured on an otherwise idle machine.
          sequence: { groupOrder: 1 },
          globalSetup: ["./test/browser/global-setup.ts"],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
