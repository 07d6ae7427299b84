/**
 * Indexes the PSA side of the input once per run (Maps keyed by id) so the
 * engine stays linear in its size: counting agreements, their lines in effect
 * on the billing date grouped by product, lines starting or ending around it,
 * and the per-product price estimate for rows without a line of their own.
 */
import { dateOnly, isAgreementCounting, isLineBillable, isLineInEffect } from "./counting.ts";
import { lazyCatalog } from "./catalog.ts";
import { compareIds } from "./order.ts";
import { addQuantities, formatQuantity, parseQuantity, type Quantity } from "./quantity.ts";
import { type CountRule, DEFAULT_RULE } from "./count-rules.ts";
import { indexDismissals } from "./dismissal.ts";
import type { RowDraft } from "./allocate.ts";
import type { AccountMappingInput, AgreementInput, BillingCycle, CatalogEntry, CompanyInput, DismissalInput, LineInput, ReconcileInput, UpcomingLine } from "./types.ts";

/** Lines of one product on one agreement that are in effect on the billing date. */
export interface ProductLines {
  productKey: string;
  lines: LineInput[];
  /** Parsed quantities, parallel to `lines` (parsed once per run). */
  quantities: Quantity[];
  total: Quantity;
  /** The row draft of these lines, set by allocation (allocate.ts): finding it needs no table of its own. */
  draft: RowDraft | null;
}

export interface TenantIndex {
  today: string;
  /** The date the next invoice covers: lines count when in effect on it. */
  billingDate: string;
  companies: Map<string, CompanyInput>;
  agreements: Map<string, AgreementInput>;
  countingAgreements: Map<string, AgreementInput>;
  /** companyId → its counting agreements. */
  countingByCompany: Map<string, AgreementInput[]>;
  /** agreementId → productKey → lines in effect. */
  productLines: Map<string, Map<string, ProductLines>>;
  /** agreementId → productKey → lines starting after the billing date or ending from today on. */
  upcoming: Map<string, Map<string, UpcomingLine[]>>;
  /** productKey → its estimated price (only needed for rows without a line of their own; worked out on first use). */
  catalog: Pick<ReadonlyMap<string, CatalogEntry>, "get">;
  accountMappings: Map<string, AccountMappingInput>;
  /** serviceId → the products it is mapped to, each with its count rule (deduplicated by product). */
  serviceProducts: Map<string, ProductMapping[]>;
  /** (agreement, product) → its latest dismissal. */
  dismissals: Map<string, DismissalInput>;
}

export function indexTenant(input: ReconcileInput, today: string, billingDate: string): TenantIndex {
  const agreements = new Map(input.agreements.map((a) => [a.id, a]));
  const countingAgreements = new Map(input.agreements.filter((a) => isAgreementCounting(a, today)).map((a) => [a.id, a]));
  const countingByCompany = new Map<string, AgreementInput[]>();
  for (const agreement of countingAgreements.values()) pushTo(countingByCompany, agreement.companyId, agreement);
  return {
    today,
    billingDate,
    companies: new Map(input.companies.map((c) => [c.id, c])),
    agreements,
    countingAgreements,
    countingByCompany,
    productLines: groupLinesInEffect(input.lines, countingAgreements, billingDate),
    upcoming: groupUpcomingLines(input.lines, countingAgreements, today, billingDate),
    catalog: input.aggregates?.catalog ?? lazyCatalog(input.lines, agreements, today),
    accountMappings: new Map(input.accountMappings.map((m) => [m.accountId, m])),
    serviceProducts: groupServiceProducts(input),
    dismissals: indexDismissals(input.dismissals),
  };
}

function groupLinesInEffect(
  lines: readonly LineInput[],
  countingAgreements: ReadonlyMap<string, AgreementInput>,
  billingDate: string,
): Map<string, Map<string, ProductLines>> {
  const byAgreement = new Map<string, Map<string, ProductLines>>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as LineInput;
    if (!countingAgreements.has(line.agreementId) || !isLineInEffect(line, billingDate)) continue;
    let products = byAgreement.get(line.agreementId);
    if (!products) byAgreement.set(line.agreementId, (products = new Map()));
    const group = products.get(line.productKey);
    const quantity = parseQuantity(line.quantity);
    if (group) {
      group.lines.push(line);
      group.quantities.push(quantity);
      group.total = addQuantities(group.total, quantity);
    } else {
      products.set(line.productKey, { productKey: line.productKey, lines: [line], quantities: [quantity], total: quantity, draft: null });
    }
  }
  return byAgreement;
}

/** "+10 from Jan 14" and "−5 ends Dec 20": billable lines the next invoice won't carry as they are. */
function groupUpcomingLines(
  lines: readonly LineInput[],
  countingAgreements: ReadonlyMap<string, AgreementInput>,
  today: string,
  billingDate: string,
): Map<string, Map<string, UpcomingLine[]>> {
  const byAgreement = new Map<string, Map<string, UpcomingLine[]>>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as LineInput;
    if (!countingAgreements.has(line.agreementId) || !isLineBillable(line)) continue;
    const starts = line.effectiveDate !== null && dateOnly(line.effectiveDate) > billingDate ? dateOnly(line.effectiveDate) : null;
    const ends = line.cancelledDate !== null && dateOnly(line.cancelledDate) > today ? dateOnly(line.cancelledDate) : null;
    if (starts === null && ends === null) continue;
    const quantity = formatQuantity(parseQuantity(line.quantity));
    if (starts !== null && (ends === null || ends > starts)) add(byAgreement, line, { lineId: line.id, quantity, change: "starts", date: starts });
    if (ends !== null && (starts === null || ends > starts)) add(byAgreement, line, { lineId: line.id, quantity, change: "ends", date: ends });
  }
  for (const products of byAgreement.values()) {
    for (const list of products.values()) list.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : compareIds(a.lineId, b.lineId)));
  }
  return byAgreement;
}

function add(map: Map<string, Map<string, UpcomingLine[]>>, line: LineInput, item: UpcomingLine): void {
  let products = map.get(line.agreementId);
  if (!products) map.set(line.agreementId, (products = new Map()));
  const list = products.get(line.productKey);
  if (list) list.push(item);
  else products.set(line.productKey, [item]);
}

export interface ProductMapping {
  productKey: string;
  rule: CountRule;
}

function groupServiceProducts(input: ReconcileInput): Map<string, ProductMapping[]> {
  const products = new Map<string, ProductMapping[]>();
  for (const mapping of input.serviceMappings) {
    const entry = { productKey: mapping.productKey, rule: mapping.rule ?? DEFAULT_RULE };
    const list = products.get(mapping.serviceId);
    if (!list) products.set(mapping.serviceId, [entry]);
    else if (!list.some((m) => m.productKey === mapping.productKey)) list.push(entry);
  }
  return products;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}


