/**
 * The workspace stack for the workspace-* browser tests: its own local D1
 * (the demo tenant seeded as `npm run dev` does), its own PSA simulators and
 * `wrangler dev` on free ports, the demo tenant connected to the ConnectWise
 * simulator and synced (scripts/demo-bootstrap.ts), and one workspace user
 * per role created through the operator API. Separate from the demo stack,
 * so approving rows here never changes what demo-loop.test.ts expects.
 */
import path from "node:path";
import { DEMO_API_KEY, DEMO_TENANT_ID } from "../../src/db/seed/demo-tenant.ts";
import { ROOT } from "../../scripts/wrangler.ts";
import { startSyncedDemo } from "./synced-demo.ts";

// Per run (pid): two runs in one worktree must not wipe each other's state.
const PERSIST = path.join(ROOT, ".wrangler", `browser-workspace-state-${process.pid}`);
export const WS_OPERATOR_TOKEN = "browser-workspace-operator-token";

export interface WorkspaceUserInfo {
  email: string;
  password: string;
  role: "admin" | "approver" | "viewer";
}

export interface WorkspaceStackInfo {
  baseUrl: string;
  cwOrigin: string;
  atOrigin: string;
  tenantId: string;
  apiKey: string;
  operatorToken: string;
  integrationId: string;
  users: Record<"admin" | "approver" | "viewer", WorkspaceUserInfo>;
}

export const WS_USERS: WorkspaceStackInfo["users"] = {
  admin: { email: "ada.admin@northwind.test", password: "admin password 1234", role: "admin" },
  approver: { email: "abe.approver@northwind.test", password: "approver password 1234", role: "approver" },
  viewer: { email: "vic.viewer@northwind.test", password: "viewer password 1234", role: "viewer" },
};

/** Creates a workspace user through the operator API (POST /api/admin/tenants/:tenantId/users). */
export async function createUser(baseUrl: string, tenantId: string, user: WorkspaceUserInfo): Promise<void> {
  const res = await fetch(`${baseUrl}/api/admin/tenants/${tenantId}/users`, {
    method: "POST",
    headers: { authorization: `Bearer ${WS_OPERATOR_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ email: user.email, password: user.password, role: user.role, displayName: user.email.split("@")[0] }),
  });
  if (!res.ok) throw new Error(`creating ${user.email} → ${res.status} ${await res.text()}`);
}

export function startWorkspaceStack(uiDir: string): Promise<{ info: WorkspaceStackInfo; stop: () => Promise<void> }> {
  const options = { label: "workspace stack", persist: PERSIST, uiDir, operatorToken: WS_OPERATOR_TOKEN, encryptionKey: "YnJvd3Nlci13b3Jrc3BhY2Uta2V5LTMyLWJ5dGVzLSE=" };
  return startSyncedDemo(options, async ({ baseUrl, sims, integrationId }) => {
    for (const user of Object.values(WS_USERS)) await createUser(baseUrl, DEMO_TENANT_ID, user);
    return { baseUrl, cwOrigin: sims.cwOrigin, atOrigin: sims.atOrigin, tenantId: DEMO_TENANT_ID, apiKey: DEMO_API_KEY, operatorToken: WS_OPERATOR_TOKEN, integrationId, users: WS_USERS };
  });
}
