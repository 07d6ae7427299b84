/**
 * The demo bootstrap, shared by `npm run dev` (scripts/dev.ts) and the browser
 * tests (test/browser/demo-setup.ts): through the real tenant API, and
 * idempotent on every run — the demo tenant's previous ConnectWise
 * connections are disconnected, it is connected to the (fresh) ConnectWise
 * simulator at `site`, and the first full sync is awaited, so its agreements
 * come from the simulator. Because the simulator also serves the demo host
 * page (scripts/demo-host.ts) on that same origin, the integration's derived
 * web origins (connectWiseWebOrigins: a loopback site is its own web origin)
 * already allow the host to frame the pod: no extra configuration.
 */
import { SIM_CW_DEFAULTS } from "../test/sim/connectwise/app.ts";

export interface DemoBootstrapInput {
  /** The Worker, e.g. http://127.0.0.1:8787 (also the origin ConnectWise's callbacks are sent to). */
  base: string;
  apiKey: string;
  /** The ConnectWise simulator's origin, e.g. http://127.0.0.1:8788. */
  site: string;
}

export interface DemoBootstrapResult {
  integrationId: string;
  syncRunId: string;
}

export type Api = <T>(method: string, route: string, body?: unknown) => Promise<T>;

export function tenantApi(base: string, apiKey: string): Api {
  const headers = { authorization: `Bearer ${apiKey}`, "content-type": "application/json" };
  return async <T>(method: string, route: string, body?: unknown): Promise<T> => {
    const res = await fetch(`${base}${route}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    if (!res.ok) throw new Error(`${method} ${route} → ${res.status} ${await res.text()}`);
    return (await res.json()) as T;
  };
}

/** Polls `check` every 300 ms until it is true (errors count as false). */
export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export async function bootstrapDemo(input: DemoBootstrapInput): Promise<DemoBootstrapResult> {
  const api = tenantApi(input.base, input.apiKey);
  const { integrations } = await api<{ integrations: Array<{ id: string; kind: string; status: string }> }>("GET", "/api/v1/psa/integrations");
  for (const old of integrations.filter((i) => i.kind === "connectwise" && i.status !== "disconnected")) {
    await api("DELETE", `/api/v1/psa/integrations/${old.id}`);
  }
  const connected = await api<DemoBootstrapResult>("POST", "/api/v1/psa/connectwise", {
    site: input.site,
    companyId: SIM_CW_DEFAULTS.companyId,
    publicKey: SIM_CW_DEFAULTS.publicKey,
    privateKey: SIM_CW_DEFAULTS.privateKey,
    clientId: SIM_CW_DEFAULTS.clientId,
  });
  const syncDone = async () => (await api<{ run: { state: string } }>("GET", `/api/v1/psa/sync-runs/${connected.syncRunId}`)).run.state === "done";
  await waitFor(syncDone, "the demo's first sync");
  return { integrationId: connected.integrationId, syncRunId: connected.syncRunId };
}

/** The demo's workspace admin (README documents it). Local demo data only. */
export const DEMO_ADMIN = { email: "admin@northwind.example", password: "trueup-demo-admin", displayName: "Demo Admin" } as const;

/**
 * Creates the demo tenant's workspace admin through the operator API, or — on
 * later runs — resets it to the documented password, role and enabled state
 * through the tenant API, so the printed credentials always work.
 */
export async function ensureDemoAdmin(base: string, operatorToken: string, apiKey: string, tenantId: string): Promise<void> {
  const res = await fetch(`${base}/api/admin/tenants/${tenantId}/users`, {
    method: "POST",
    headers: { authorization: `Bearer ${operatorToken}`, "content-type": "application/json" },
    body: JSON.stringify({ ...DEMO_ADMIN, role: "admin" }),
  });
  if (res.status === 201) return;
  if (res.status !== 409) throw new Error(`creating the demo admin → ${res.status} ${await res.text()}`);
  const api = tenantApi(base, apiKey);
  const { users } = await api<{ users: Array<{ id: string; email: string }> }>("GET", "/api/v1/users");
  const admin = users.find((u) => u.email === DEMO_ADMIN.email);
  if (!admin) throw new Error("the demo admin exists but is not listed");
  await api("PATCH", `/api/v1/users/${admin.id}`, { role: "admin", disabled: false, password: DEMO_ADMIN.password });
}
