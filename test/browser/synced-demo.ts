/**
 * The part the demo and workspace browser stacks share (demo-setup.ts,
 * workspace-setup.ts): a fresh local D1 in its own persist dir seeded with the
 * demo tenant as `npm run dev` seeds it, the PSA simulators serving the built
 * UI, `wrangler dev` on free ports, and the shared bootstrap
 * (scripts/demo-bootstrap.ts: connect to the ConnectWise simulator, full
 * sync). A failure after wrangler started stops the whole stack.
 */
import { createHash } from "node:crypto";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { buildDemoTenantForPsaSync } from "../../src/db/seed/demo-psa.ts";
import { DEMO_API_KEY } from "../../src/db/seed/demo-tenant.ts";
import { seedStatements } from "../../src/db/seed/seed-sql.ts";
import { bootstrapDemo } from "../../scripts/demo-bootstrap.ts";
import { startSimulators } from "../../scripts/sim-server.ts";
import { runWrangler } from "../../scripts/wrangler.ts";
import { startWranglerStack } from "../../scripts/wrangler-stack.ts";

export interface SyncedDemoOptions {
  label: string;
  persist: string;
  uiDir: string;
  operatorToken: string;
  encryptionKey: string;
  /** SQL run after the demo tenant's seed. */
  extraSql?: string[];
}

function seed(persist: string, extraSql: string[]): void {
  const keyHash = createHash("sha256").update(DEMO_API_KEY).digest("hex");
  const file = path.join(persist, "seed.sql");
  writeFileSync(file, `${[...seedStatements(buildDemoTenantForPsaSync(new Date(), keyHash)), ...extraSql].join("\n")}\n`);
  runWrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist]);
  runWrangler(["d1", "execute", "DB", "--local", "--persist-to", persist, `--file=${file}`]);
}

/** Starts the stack and bootstraps the demo; `then` runs the caller's own steps, the stack is stopped if anything fails. */
export async function startSyncedDemo<T>(options: SyncedDemoOptions, then: (stack: { baseUrl: string; port: number; sims: Awaited<ReturnType<typeof startSimulators>>; integrationId: string }) => Promise<T>): Promise<{ info: T; stop: () => Promise<void> }> {
  rmSync(options.persist, { recursive: true, force: true });
  mkdirSync(options.persist, { recursive: true });
  seed(options.persist, options.extraSql ?? []);
  const sims = await startSimulators({ cwPort: 0, atPort: 0, uiDir: options.uiDir });
  const vars = [`OPERATOR_TOKEN:${options.operatorToken}`, `ENCRYPTION_KEY:${options.encryptionKey}`, "ALLOW_INSECURE_ORIGINS:true", "TRUEUP_ENV:development"];
  const { baseUrl, port, stop } = await startWranglerStack({
    label: options.label,
    persist: options.persist,
    uiDir: options.uiDir,
    vars,
    cleanUp: async () => {
      await sims.close();
      rmSync(options.persist, { recursive: true, force: true });
    },
  });
  try {
    const { integrationId } = await bootstrapDemo({ base: baseUrl, apiKey: DEMO_API_KEY, site: sims.cwOrigin });
    return { info: await then({ baseUrl, port, sims, integrationId }), stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
