/**
 * Datasets for the ConnectWise simulator: a dataset handed in by the caller
 * (the demo tenant's PSA side comes from src/db/seed/demo-psa.ts, which the
 * simulator itself never imports), a synthetic tenant for the sync
 * benchmark (companies × agreements × lines) and one for the
 * reconciliation-at-scale benchmark (every line a distinct product of its
 * company, so each line meets exactly one vendor count).
 */
import type { CwSimState } from "./state.ts";

export interface CwDataset {
  companies: Array<Parameters<CwSimState["addCompany"]>[0]>;
  agreements: Array<Parameters<CwSimState["addAgreement"]>[0]>;
  additions: Array<Parameters<CwSimState["addAddition"]>[0]>;
}

export function seedDemo(state: CwSimState, data: CwDataset) {
  for (const c of data.companies) state.addCompany(c);
  for (const a of data.agreements) state.addAgreement(a);
  // The product catalog holds every product an agreement carries, at the price of its first addition.
  const seen = new Set<string>();
  for (const l of data.additions) {
    if (seen.has(l.identifier)) continue;
    seen.add(l.identifier);
    state.addCatalogItem({ identifier: l.identifier, description: l.description, price: l.unitPrice, cost: l.unitCost });
  }
  for (const l of data.additions) state.addAddition(l);
  return { companies: data.companies.length, agreements: data.agreements.length, additions: data.additions.length };
}

const PRODUCTS = [
  ["M365-BP", "Microsoft 365 Business Premium", 26, 22],
  ["M365-E3", "Microsoft 365 E3", 42, 36],
  ["EXO-P1", "Exchange Online (Plan 1)", 5, 4],
  ["EDR-S1", "SentinelOne Complete EDR", 6, 3.5],
  ["BKP-SAAS", "Datto SaaS Protection for M365", 3, 1.8],
  ["FW-MGMT", "Managed Firewall", 99, 25],
  ["AZURE-CONS", "Azure Consumption (per USD)", 1.15, 1],
] as const;

export function seedBench(state: CwSimState, companies: number, agreementsPerCompany: number, linesPerAgreement: number) {
  let agreementId = 10_000;
  let additionId = 500_000;
  for (let c = 1; c <= companies; c++) {
    state.addCompany({ id: c, identifier: `CUST${c}`, name: `Customer ${String(c).padStart(4, "0")}` });
    for (let a = 0; a < agreementsPerCompany; a++) {
      const id = agreementId++;
      state.addAgreement({ id, companyId: c, name: `Customer ${c} — Agreement ${a + 1}` });
      for (let l = 0; l < linesPerAgreement; l++) {
        const [identifier, description, price, cost] = PRODUCTS[(c + a + l) % PRODUCTS.length] ?? PRODUCTS[0];
        state.addAddition({ id: additionId++, agreementId: id, identifier, description, quantity: 1 + ((c * 7 + a * 3 + l) % 40), unitPrice: price, unitCost: cost });
      }
    }
  }
  return { companies, agreements: companies * agreementsPerCompany, additions: companies * agreementsPerCompany * linesPerAgreement };
}

/** Product identifier of line `l` (0-based) of every company in seedScale. */
export function scaleProduct(l: number): string {
  return `SCALE-${String(l + 1).padStart(2, "0")}`;
}

/** PSA quantity of company `c`'s line `l` in seedScale (the bench derives vendor counts from it). */
export function scaleQuantity(c: number, l: number): number {
  return 1 + ((c * 7 + l * 3) % 40);
}

/**
 * `companies` customers with `agreements` agreements spread evenly over them
 * (1,000 and 1,250: every fourth customer has two) and `linesPerCompany`
 * lines per customer, each a distinct product, dealt round-robin over the
 * customer's agreements.
 */
export function seedScale(state: CwSimState, companies: number, agreements: number, linesPerCompany: number) {
  let agreementId = 20_000;
  let additionId = 700_000;
  for (let c = 1; c <= companies; c++) {
    state.addCompany({ id: c, identifier: `CUST${c}`, name: `Customer ${String(c).padStart(4, "0")}` });
    const count = Math.floor((c * agreements) / companies) - Math.floor(((c - 1) * agreements) / companies);
    const ids = Array.from({ length: count }, (_, a) => state.addAgreement({ id: agreementId++, companyId: c, name: `Customer ${c} — Agreement ${a + 1}` }).id);
    for (let l = 0; l < linesPerCompany; l++) {
      const [, description, price, cost] = PRODUCTS[l % PRODUCTS.length] ?? PRODUCTS[0];
      const agreement = ids[l % ids.length] as number;
      state.addAddition({ id: additionId++, agreementId: agreement, identifier: scaleProduct(l), description: `${description} (${scaleProduct(l)})`, quantity: scaleQuantity(c, l), unitPrice: price, unitCost: cost });
    }
  }
  return { companies, agreements, additions: companies * linesPerCompany };
}
