/**
 * Indexes the PSA side of the input once per run (Maps keyed by id) so the
 * engine stays linear in its size: counting agreements, their lines in effect
 * on the billing date grouped by product, lines starting or ending around it,
 * and the per-product price estimate for rows without a line of their own.
 */
import Big from "big.js";

import { dateOnly, isAgreementCounting, isLineBillable, isLineInEffect } from "./counting.ts";
import { exactPrice } from "./money.ts";
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

/**
 * The estimate rule: per product, the most common unit price among current
 * lines (billable, not cancelled as of today) of the tenant, ties → the
 * lowest price; then the most common cost at that price (ties → lowest), in
 * the price's most common currency and billing cycle. Never depends on ids.
 */
export function buildCatalog(lines: readonly LineInput[], agreements: ReadonlyMap<string, AgreementInput>, today: string): Map<string, CatalogEntry> {
  const catalog = new Map<string, CatalogEntry>();
  currentPricesByProduct(lines, today).forEach((current, productKey) => catalog.set(productKey, estimateOf(current.lines, current.prices, agreements)));
  return catalog;
}

interface CurrentPrices {
  lines: LineInput[];
  prices: string[];
}

/** Current lines (billable, not cancelled as of today) and their exact prices per product, in input order. */
function currentPricesByProduct(lines: readonly LineInput[], today: string): Map<string, CurrentPrices> {
  const byProduct = new Map<string, CurrentPrices>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as LineInput;
    if (!isLineBillable(line) || (line.cancelledDate !== null && dateOnly(line.cancelledDate) <= today)) continue;
    const price = exactPrice(line).priceText;
    const current = byProduct.get(line.productKey);
    if (current) {
      current.lines.push(line);
      current.prices.push(price);
    } else byProduct.set(line.productKey, { lines: [line], prices: [price] });
  }
  return byProduct;
}

/** chooseEstimate over lines: only the lines at the chosen price become PricePoints (a product has hundreds of lines). */
function estimateOf(lines: readonly LineInput[], prices: readonly string[], agreements: ReadonlyMap<string, AgreementInput>): CatalogEntry {
  const price = mostCommon(prices, compareDecimalStrings);
  const atPrice: PricePoint[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (prices[i] !== price.value) continue;
    const line = lines[i] as LineInput;
    const cycle = agreements.get(line.agreementId)?.billingCycle;
    atPrice.push({ productName: line.productName, unitPrice: price.value, unitCost: exactPrice(line).costText, currency: line.currency, billingCycle: cycle && cycle !== "none" ? cycle : null });
  }
  return estimateAtPrice(price, atPrice);
}

/** buildCatalog's rule, estimating only the products asked for (most rows have a line of their own); lines are grouped once, on first use. */
function lazyCatalog(lines: readonly LineInput[], agreements: ReadonlyMap<string, AgreementInput>, today: string): Pick<ReadonlyMap<string, CatalogEntry>, "get"> {
  let byProduct: Map<string, CurrentPrices> | null = null;
  const done = new Map<string, CatalogEntry | undefined>();
  return {
    get(productKey: string): CatalogEntry | undefined {
      if (done.has(productKey)) return done.get(productKey);
      const current = (byProduct ??= currentPricesByProduct(lines, today)).get(productKey);
      const entry = current ? estimateOf(current.lines, current.prices, agreements) : undefined;
      done.set(productKey, entry);
      return entry;
    },
  };
}

export interface PricePoint {
  productName: string;
  unitPrice: string;
  unitCost: string;
  currency: string;
  billingCycle: BillingCycle | null;
}

/** Most common price (ties → lowest), then within it the most common cost / currency / cycle (ties → lowest / first in order). */
export function chooseEstimate(points: readonly PricePoint[]): CatalogEntry {
  const price = mostCommon(points.map((p) => p.unitPrice), compareDecimalStrings);
  return estimateAtPrice(price, points.filter((p) => p.unitPrice === price.value));
}

function estimateAtPrice(price: { value: string; count: number }, atPrice: readonly PricePoint[]): CatalogEntry {
  const cost = mostCommon(atPrice.map((p) => p.unitCost), compareDecimalStrings);
  const currency = mostCommon(atPrice.map((p) => p.currency), compareText);
  const cycle = mostCommon(atPrice.map((p) => p.billingCycle ?? "~"), compareText);
  const name = mostCommon(atPrice.map((p) => p.productName), compareText);
  return {
    productName: name.value,
    unitPrice: price.value,
    unitCost: cost.value,
    currency: currency.value,
    billingCycle: cycle.value === "~" ? null : (cycle.value as BillingCycle),
    lineCount: price.count,
  };
}

function mostCommon(values: readonly string[], compare: (a: string, b: string) => number): { value: string; count: number } {
  const counts = new Map<string, number>();
  let bestCount = 0;
  for (const v of values) {
    const count = (counts.get(v) ?? 0) + 1;
    counts.set(v, count);
    if (count > bestCount) bestCount = count;
  }
  // Only values at the top count can win, so only they are compared (prices are mostly unique:
  // comparing every one cost more than counting them); of equal ones the first stays.
  let bestValue: string | null = null;
  counts.forEach((count, value) => {
    if (count === bestCount && (bestValue === null || compare(value, bestValue) < 0)) bestValue = value;
  });
  if (bestValue === null) throw new Error("mostCommon of nothing");
  return { value: bestValue, count: bestCount };
}

/**
 * Exact order of two decimal strings, for the values tied at the top count
 * (mostCommon; most prices are unique, so often many): plain decimals whose
 * doubles differ are ordered by them (rounding to a double never reverses an
 * order), only equal doubles need big.js.
 */
function compareDecimalStrings(a: string, b: string): number {
  if (isPlainDecimal(a) && isPlainDecimal(b)) {
    const x = Number(a);
    const y = Number(b);
    if (x < y) return -1;
    if (x > y) return 1;
  }
  return new Big(a).cmp(b);
}

/** Digits with at most one point and a leading minus: what big.js and Number read alike. */
function isPlainDecimal(text: string): boolean {
  let point = false;
  for (let i = text.charCodeAt(0) === 45 ? 1 : 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 46 && !point) point = true;
    else if (code < 48 || code > 57) return false;
  }
  return text.length > 0;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
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


