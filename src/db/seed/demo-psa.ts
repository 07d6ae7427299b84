/**
 * The demo tenant as `npm run dev` runs it: connected to the local
 * ConnectWise simulator, so its agreements arrive by a real sync. The seed
 * keeps everything from demo-tenant.ts except agreements and lines, and its
 * companies carry `psa = "connectwise"` with the simulator's company ids, so
 * the sync updates them in place and the vendor-account mappings stay valid.
 * The simulator's data is built from the same rows (demoConnectWiseData), so
 * the demo still shows every reconciliation status. Pure data.
 */
import { buildDemoTenant, DEMO_TENANT_ID } from "./demo-tenant.ts";
import type { SeedRow, SeedTable } from "./seed-sql.ts";

/** Demo rows for a tenant whose PSA side comes from the ConnectWise simulator. */
export function buildDemoTenantForPsaSync(now: Date, apiKeyHash: string): SeedTable[] {
  return buildDemoTenant(now, apiKeyHash)
    .filter((t) => t.table !== "agreements" && t.table !== "agreement_lines")
    .map((t) => (t.table === "psa_companies" ? { ...t, rows: t.rows.map((r) => ({ ...r, psa: "connectwise" })) } : t));
}

/** Agreements seeded directly by an earlier version of the dev seed are retired, not deleted (decisions and notes may point at them). */
export const RETIRE_SEEDED_AGREEMENTS_SQL = `UPDATE agreements SET cancelled = 1, status = 'Superseded by PSA sync' WHERE tenant_id = '${DEMO_TENANT_ID}' AND psa = 'demo' AND cancelled = 0;`;

export interface DemoCwCompany {
  id: number;
  identifier: string;
  name: string;
}

export interface DemoCwAgreement {
  id: number;
  companyId: number;
  name: string;
  typeName: string;
  billingCycle: string;
  status: string;
  cancelled: boolean;
  startDate: string;
}

export interface DemoCwAddition {
  id: number;
  agreementId: number;
  identifier: string;
  description: string;
  quantity: number;
  unitPrice: number;
  unitCost: number;
  effectiveDate: string;
}

const CYCLE_NAMES: Record<string, string> = { monthly: "Monthly", quarterly: "Quarterly", semiannual: "Semi-Annual", annual: "Annual", none: "None" };

function rowsOf(tables: SeedTable[], table: string): SeedRow[] {
  return tables.find((t) => t.table === table)?.rows ?? [];
}

/** The demo's PSA side in ConnectWise terms (ids are the demo rows' psa_id). */
export function demoConnectWiseData(now: Date): { companies: DemoCwCompany[]; agreements: DemoCwAgreement[]; additions: DemoCwAddition[] } {
  const tables = buildDemoTenant(now, "unused");
  const companyPsaId = new Map(rowsOf(tables, "psa_companies").map((c) => [String(c.id), Number(c.psa_id)]));
  const agreementPsaId = new Map(rowsOf(tables, "agreements").map((a) => [String(a.id), Number(a.psa_id)]));
  return {
    companies: rowsOf(tables, "psa_companies").map((c) => ({ id: Number(c.psa_id), identifier: String(c.identifier), name: String(c.name) })),
    agreements: rowsOf(tables, "agreements").map((a) => ({
      id: Number(a.psa_id),
      companyId: companyPsaId.get(String(a.company_id)) ?? 0,
      name: String(a.name),
      typeName: String(a.type),
      billingCycle: CYCLE_NAMES[String(a.billing_cycle)] ?? "Monthly",
      status: String(a.status),
      cancelled: a.cancelled === true,
      startDate: String(a.start_date),
    })),
    additions: rowsOf(tables, "agreement_lines").map((l) => ({
      id: Number(l.psa_id),
      agreementId: agreementPsaId.get(String(l.agreement_id)) ?? 0,
      identifier: String(l.product_key),
      description: String(l.product_name),
      quantity: Number(l.quantity),
      unitPrice: Number(l.unit_price_minor) / 100,
      unitCost: Number(l.unit_cost_minor) / 100,
      effectiveDate: String(l.effective_date),
    })),
  };
}
