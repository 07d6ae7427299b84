/**
 * Indexes the tenant's PSA side once per run (Maps keyed by id) so the engine
 * stays linear in the size of the tenant: counting agreements, their counted
 * lines grouped by product, which agreement of a company carries a product,
 * and the per-product price catalog used to estimate missing lines.
 */
import { isAgreementCounting, isLineCounting } from "./counting.ts";
import { compareIds } from "./order.ts";
import { addQuantities, compareQuantities, parseQuantity, type Quantity } from "./quantity.ts";
import type { AccountMappingInput, AgreementInput, BillingCycle, CatalogEntry, CompanyInput, LineInput, ReconcileInput } from "./types.ts";

/** Counted lines of one product on one agreement. */
export interface ProductLines {
  productKey: string;
  lines: LineInput[];
  /** Parsed quantities, parallel to `lines` (parsed once per run). */
  quantities: Quantity[];
  total: Quantity;
}

export interface TenantIndex {
  today: string;
  companies: Map<string, CompanyInput>;
  agreements: Map<string, AgreementInput>;
  countingAgreements: Map<string, AgreementInput>;
  /** companyId → its counting agreements. */
  countingByCompany: Map<string, AgreementInput[]>;
  /** agreementId → productKey → counted lines. */
  productLines: Map<string, Map<string, ProductLines>>;
  /** companyId → productKey → the counting agreement carrying the most of it. */
  carriers: Map<string, Map<string, AgreementInput>>;
  /** productKey → the tenant's line of that product with the smallest id (counted or not). */
  catalog: ReadonlyMap<string, CatalogEntry>;
  accountMappings: Map<string, AccountMappingInput>;
  /** serviceId → mapped product keys (deduplicated). */
  serviceProducts: Map<string, string[]>;
}

export function indexTenant(input: ReconcileInput, today: string): TenantIndex {
  const agreements = new Map(input.agreements.map((a) => [a.id, a]));
  const countingAgreements = new Map(input.agreements.filter((a) => isAgreementCounting(a, today)).map((a) => [a.id, a]));
  const countingByCompany = new Map<string, AgreementInput[]>();
  for (const agreement of countingAgreements.values()) pushTo(countingByCompany, agreement.companyId, agreement);
  const productLines = groupCountedLines(input.lines, countingAgreements, today);
  return {
    today,
    companies: new Map(input.companies.map((c) => [c.id, c])),
    agreements,
    countingAgreements,
    countingByCompany,
    productLines,
    carriers: findCarriers(productLines, countingAgreements),
    catalog: input.aggregates?.catalog ?? buildCatalog(input.lines, agreements),
    accountMappings: new Map(input.accountMappings.map((m) => [m.accountId, m])),
    serviceProducts: groupServiceProducts(input),
  };
}

function groupCountedLines(
  lines: readonly LineInput[],
  countingAgreements: ReadonlyMap<string, AgreementInput>,
  today: string,
): Map<string, Map<string, ProductLines>> {
  const byAgreement = new Map<string, Map<string, ProductLines>>();
  for (const line of lines) {
    if (!countingAgreements.has(line.agreementId) || !isLineCounting(line, today)) continue;
    let products = byAgreement.get(line.agreementId);
    if (!products) byAgreement.set(line.agreementId, (products = new Map()));
    const group = products.get(line.productKey);
    const quantity = parseQuantity(line.quantity);
    if (group) {
      group.lines.push(line);
      group.quantities.push(quantity);
      group.total = addQuantities(group.total, quantity);
    } else {
      products.set(line.productKey, { productKey: line.productKey, lines: [line], quantities: [quantity], total: quantity });
    }
  }
  return byAgreement;
}

/** Most quantity of the product wins; ties go to the smallest agreement id. */
function findCarriers(
  productLines: ReadonlyMap<string, ReadonlyMap<string, ProductLines>>,
  countingAgreements: ReadonlyMap<string, AgreementInput>,
): Map<string, Map<string, AgreementInput>> {
  const carriers = new Map<string, Map<string, AgreementInput>>();
  for (const [agreementId, products] of productLines) {
    const agreement = countingAgreements.get(agreementId);
    if (!agreement) continue;
    let byProduct = carriers.get(agreement.companyId);
    if (!byProduct) carriers.set(agreement.companyId, (byProduct = new Map()));
    for (const group of products.values()) {
      const best = byProduct.get(group.productKey);
      const bestTotal = best ? productLines.get(best.id)?.get(group.productKey)?.total : undefined;
      const order = best && bestTotal !== undefined ? compareQuantities(group.total, bestTotal) || -compareIds(agreementId, best.id) : 1;
      if (order > 0) byProduct.set(group.productKey, agreement);
    }
  }
  return carriers;
}

/** Exported so the persisted path states the same rule in SQL terms (smallest id per product). */
export function buildCatalog(lines: readonly LineInput[], agreements: ReadonlyMap<string, AgreementInput>): Map<string, CatalogEntry> {
  const catalog = new Map<string, LineInput>();
  for (const line of lines) {
    const current = catalog.get(line.productKey);
    if (!current || compareIds(line.id, current.id) < 0) catalog.set(line.productKey, line);
  }
  const entries = new Map<string, CatalogEntry>();
  for (const [productKey, line] of catalog) entries.set(productKey, toCatalogEntry(line, agreements.get(line.agreementId)?.billingCycle));
  return entries;
}

/** The billing cycle an estimated price is per: its agreement's, when that bills at all. */
export function toCatalogEntry(line: LineInput, cycle: BillingCycle | undefined): CatalogEntry {
  return { line, billingCycle: cycle && cycle !== "none" ? cycle : null };
}

function groupServiceProducts(input: ReconcileInput): Map<string, string[]> {
  const products = new Map<string, string[]>();
  for (const mapping of input.serviceMappings) {
    const keys = products.get(mapping.serviceId);
    if (!keys) products.set(mapping.serviceId, [mapping.productKey]);
    else if (!keys.includes(mapping.productKey)) keys.push(mapping.productKey);
  }
  return products;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
