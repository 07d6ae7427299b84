/**
 * The demo's Autotask side, for `npm run dev`: one customer (Tailspin Toys)
 * with an active Recurring Service contract in the Autotask simulator, the
 * demo tenant connected to that simulator through the real API (zone lookup,
 * webhook, full sync), and a vendor count for the customer pushed through the
 * batch API and mapped — so an Autotask-connected customer shows on the
 * workspace board and in the standalone pod
 * (/pod/standalone/tnt_demo?contractId=5500). Idempotent on every run.
 */
import { SIM_AT_DEFAULTS } from "../test/sim/autotask/app.ts";
import type { AtSimState } from "../test/sim/autotask/state.ts";
import { type Api, waitFor } from "./demo-bootstrap.ts";

export const DEMO_AT = { companyId: 19500, contractId: 5500, company: "Tailspin Toys", m365: 5001, backup: 5002 } as const;

/** Seeds the simulator (contract type 7 = Recurring Service, status 1 = Active, period type 1 = Monthly). */
export function seedAutotaskDemo(state: AtSimState, now: Date): void {
  const year = now.getUTCFullYear();
  state.services.set(DEMO_AT.m365, { id: DEMO_AT.m365, name: "Microsoft 365 Business Premium" });
  state.services.set(DEMO_AT.backup, { id: DEMO_AT.backup, name: "Datto SaaS Protection" });
  state.companies.set(DEMO_AT.companyId, { id: DEMO_AT.companyId, companyName: DEMO_AT.company, companyNumber: "TAILSPIN", companyType: 1 });
  state.contracts.set(DEMO_AT.contractId, {
    id: DEMO_AT.contractId,
    companyID: DEMO_AT.companyId,
    contractName: "Tailspin — Managed Services",
    contractType: 7,
    status: 1,
    startDate: `${year - 1}-01-01T00:00:00Z`,
    endDate: `${year + 3}-12-31T00:00:00Z`,
    contractPeriodType: 1,
  });
  state.addContractService({ id: 55001, contractID: DEMO_AT.contractId, serviceID: DEMO_AT.m365, unitPrice: 22, unitCost: 18.5, units: 22 });
  state.addContractService({ id: 55002, contractID: DEMO_AT.contractId, serviceID: DEMO_AT.backup, unitPrice: 4, unitCost: 2.2, units: 22 });
}

interface Integration {
  id: string;
  kind: string;
  status: string;
}

/** Connects the demo tenant to the Autotask simulator (replacing an earlier connection), syncs, pushes and maps usage. */
export async function bootstrapAutotaskDemo(api: Api, atOrigin: string): Promise<void> {
  const { integrations } = await api<{ integrations: Integration[] }>("GET", "/api/v1/psa/integrations");
  for (const old of integrations.filter((i) => i.kind === "autotask" && i.status !== "disconnected")) await api("DELETE", `/api/v1/psa/integrations/${old.id}`);
  const connected = await api<{ syncRunId: string }>("POST", "/api/v1/psa/autotask", { ...SIM_AT_DEFAULTS, zoneLookupOrigin: atOrigin });
  const syncDone = async () => (await api<{ run: { state: string } }>("GET", `/api/v1/psa/sync-runs/${connected.syncRunId}`)).run.state === "done";
  await waitFor(syncDone, "the Autotask demo's first sync");

  const period = new Date().toISOString().slice(0, 7);
  const account = { id: "tailspintoys.onmicrosoft.com", name: DEMO_AT.company, description: "tailspintoys.com" };
  await api("POST", "/api/v1/usage", {
    counts: [
      { account, service: { id: "tailspin-m365-bp", name: "Microsoft 365 Business Premium", category: "seat", unit: "user" }, quantity: "27", period },
      { account, service: { id: "tailspin-datto-saas", name: "Datto SaaS Protection", category: "seat", unit: "user" }, quantity: "22", period },
    ],
  });
  const { companies } = await api<{ companies: Array<{ companyId: string; name: string }> }>("GET", "/api/v1/companies");
  const found = companies.find((c) => c.name === DEMO_AT.company);
  if (!found) throw new Error("the Autotask sync brought no Tailspin Toys company");
  const company = { id: found.companyId };
  const unmapped = await api<{ accounts: Array<{ accountId: string; externalId: string }>; services: Array<{ serviceId: string; externalId: string }> }>("GET", "/api/v1/mappings/unmapped");
  for (const a of unmapped.accounts.filter((x) => x.externalId === account.id)) await api("POST", "/api/v1/mappings/accounts", { accountId: a.accountId, companyId: company.id });
  const after = await api<{ services: Array<{ serviceId: string; externalId: string }> }>("GET", `/api/v1/mappings/unmapped?companyId=${company.id}`);
  const products: Record<string, number> = { "tailspin-m365-bp": DEMO_AT.m365, "tailspin-datto-saas": DEMO_AT.backup };
  for (const s of after.services.filter((x) => products[x.externalId] !== undefined)) {
    await api("POST", "/api/v1/mappings/services", { serviceId: s.serviceId, productKey: String(products[s.externalId]) });
  }
}
