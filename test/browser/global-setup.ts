/**
 * Browser tests' global setup: a fresh local D1 (own persist dir) with the
 * migrations, the demo tenant, a ConnectWise integration whose web origin is
 * the fake PSA's http://localhost:P and a standalone user; the fake PSA; and
 * `wrangler dev --local` on a free port serving a private copy of the built
 * UI (`npm run test:browser` / `npm test` build it first; the copy keeps a
 * concurrent `vite build`, which empties dist/ui, from pulling the assets
 * away mid-run). Next to it, the demo stack as `npm run dev` runs it
 * (demo-setup.ts: simulators, demo host page, bootstrap), for the demo-*
 * tests; and the workspace stack (workspace-setup.ts) for the workspace-*
 * tests. Everything is stopped after.
 */
import { createHash, pbkdf2Sync, randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { buildDemoTenant, DEMO_API_KEY } from "../../src/db/seed/demo-tenant.ts";
import { seedStatements, upsertStatement } from "../../src/db/seed/seed-sql.ts";
import { ROOT, runWrangler } from "../../scripts/wrangler.ts";
import { startWranglerStack } from "../../scripts/wrangler-stack.ts";
import { startDemoStack, type DemoStackInfo } from "./demo-setup.ts";
import { startWorkspaceStack, type WorkspaceStackInfo } from "./workspace-setup.ts";
import { API_PATH, CW_CLIENT_ID, CW_COMPANY, startFakePsa } from "./fake-psa.ts";

export const USER = { email: "tech@northwind.test", password: "correct horse battery" };
// Per run (pid): two runs in one worktree must not wipe each other's state.
const PERSIST = path.join(ROOT, ".wrangler", `browser-test-state-${process.pid}`);

declare module "vitest" {
  export interface ProvidedContext {
    pod: { baseUrl: string; psaPort: number; integrationId: string; apiKey: string; user: { email: string; password: string } };
    demo: DemoStackInfo;
    workspace: WorkspaceStackInfo;
  }
}

/** Same format as src/services/pod/passwords.ts (PBKDF2-SHA256, 100,000 iterations). */
function passwordHash(password: string): string {
  const salt = randomBytes(16);
  const hash = pbkdf2Sync(password, salt, 100_000, 32, "sha256");
  return `pbkdf2-sha256$100000$${salt.toString("base64")}$${hash.toString("base64")}`;
}

function seed(psaPort: number): void {
  const keyHash = createHash("sha256").update(DEMO_API_KEY).digest("hex");
  const statements = seedStatements(buildDemoTenant(new Date(), keyHash));
  statements.push(
    upsertStatement("psa_integrations", {
      id: "psi_browser",
      tenant_id: "tnt_demo",
      kind: "connectwise",
      status: "active",
      api_base_url: `http://127.0.0.1:${psaPort}${API_PATH}`,
      site_origin: `http://localhost:${psaPort}`,
      web_origins: JSON.stringify([`http://localhost:${psaPort}`]),
      login_company_id: CW_COMPANY,
      client_id: CW_CLIENT_ID,
      credentials: "v1.unused.unused",
    }),
    upsertStatement("tenant_users", { id: "usr_browser", tenant_id: "tnt_demo", email: USER.email, display_name: "Tess Tech", password_hash: passwordHash(USER.password), created_by: "test" }),
  );
  const file = path.join(PERSIST, "seed.sql");
  writeFileSync(file, `${statements.join("\n")}\n`);
  runWrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", PERSIST]);
  runWrangler(["d1", "execute", "DB", "--local", "--persist-to", PERSIST, `--file=${file}`]);
}

const t0 = Date.now();
const step = (what: string) => console.log(`[browser setup] ${what} after ${Date.now() - t0} ms`);

export default async function setup(project: TestProject) {
  rmSync(PERSIST, { recursive: true, force: true });
  mkdirSync(PERSIST, { recursive: true });
  const psa = await startFakePsa();
  seed(psa.port);
  const ui = path.join(PERSIST, "ui");
  if (!existsSync(path.join(ROOT, "dist", "ui", "index.html"))) throw new Error("dist/ui is not built: run `npm run build:ui` first");
  cpSync(path.join(ROOT, "dist", "ui"), ui, { recursive: true });
  step("migrated and seeded");
  // Started now, awaited after the phase-1 Worker is up: the two wrangler starts overlap.
  const demoStarting = startDemoStack(ui);
  demoStarting.catch(() => undefined); // awaited below; avoids an unhandled rejection while the other stack starts
  const workspaceStarting = startWorkspaceStack(ui);
  workspaceStarting.catch(() => undefined);
  const vars = ["OPERATOR_TOKEN:browser-test-operator-token", "ENCRYPTION_KEY:YnJvd3Nlci10ZXN0LWVuY3J5cHRpb24ta2V5LTMyYnk=", "ALLOW_INSECURE_ORIGINS:true", "TRUEUP_ENV:development"];
  const closePsa = () => new Promise<void>((resolve) => psa.server.close(() => resolve()));
  let stopPod = closePsa;
  let baseUrl = "";
  let demo: Awaited<typeof demoStarting>;
  let workspace: Awaited<typeof workspaceStarting>;
  try {
    const podStack = await startWranglerStack({ label: "pod stack", persist: PERSIST, uiDir: ui, vars, cleanUp: closePsa });
    stopPod = podStack.stop;
    baseUrl = podStack.baseUrl;
    await fetch(`${baseUrl}/pod/connectwise/psi_browser`); // warm up the isolate and the asset router
    step(`wrangler dev ready on ${baseUrl}`);
    demo = await demoStarting;
    step(`demo stack ready: host ${demo.info.cwOrigin}/demo, pod ${demo.info.podOrigin}`);
    workspace = await workspaceStarting;
    step(`workspace stack ready: ${workspace.info.baseUrl}/app/${workspace.info.tenantId}/`);
  } catch (error) {
    // No stack may outlive a failed setup.
    await stopPod();
    await demoStarting.then((d) => d.stop(), () => undefined);
    await workspaceStarting.then((w) => w.stop(), () => undefined);
    throw error;
  }
  project.provide("pod", { baseUrl, psaPort: psa.port, integrationId: "psi_browser", apiKey: DEMO_API_KEY, user: USER });
  project.provide("demo", demo.info);
  project.provide("workspace", workspace.info);

  return async () => {
    await stopPod();
    await demo.stop();
    await workspace.stop();
    rmSync(PERSIST, { recursive: true, force: true });
    step("stopped");
  };
}
