/**
 * The price estimate for a row without a line of its own ("catalog-estimate"):
 * per product, the tenant's most common current price (engine.ts states the
 * rule). Whole-tenant runs work it out here, lazily per product; scoped runs
 * get it from the per-product aggregates (recon-input.ts → chooseEstimate).
 */
import Big from "big.js";
import { scaledIntegerOfText } from "../shared/decimal.ts";
import { minorDigits } from "../usage/money.ts";
import { dateOnly, isLineBillable } from "./counting.ts";
import { exactPrice, formatMinor } from "./money.ts";
import type { AgreementInput, BillingCycle, CatalogEntry, LineInput } from "./types.ts";

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
  prices: PriceKey[];
}

/** Current lines (billable, not cancelled as of today) and their price keys per product, in input order. */
function currentPricesByProduct(lines: readonly LineInput[], today: string): Map<string, CurrentPrices> {
  const byProduct = new Map<string, CurrentPrices>();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as LineInput;
    if (!isLineBillable(line) || (line.cancelledDate !== null && dateOnly(line.cancelledDate) <= today)) continue;
    const price = priceKeyOf(line);
    const current = byProduct.get(line.productKey);
    if (current) {
      current.lines.push(line);
      current.prices.push(price);
    } else byProduct.set(line.productKey, { lines: [line], prices: [price] });
  }
  return byProduct;
}

/** chooseEstimate over lines: only the lines at the chosen price become PricePoints (a product has hundreds of lines). */
function estimateOf(lines: readonly LineInput[], prices: readonly PriceKey[], agreements: ReadonlyMap<string, AgreementInput>): CatalogEntry {
  const key = mostCommon(prices, comparePriceKeys);
  const unitPrice = textOfPriceKey(key.value);
  const atPrice: PricePoint[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (prices[i] !== key.value) continue;
    const line = lines[i] as LineInput;
    const cycle = agreements.get(line.agreementId)?.billingCycle;
    atPrice.push({ productName: line.productName, unitPrice, unitCost: exactPrice(line).costText, currency: line.currency, billingCycle: cycle && cycle !== "none" ? cycle : null });
  }
  return estimateAtPrice({ value: unitPrice, count: key.count }, atPrice);
}

/**
 * A unit price as the estimate counts it: its value × 100 when that is a safe
 * whole number (nearly every price), else its canonical text (more than two
 * decimals, so never equal to a number key). Equal prices get equal keys, and
 * a line priced in whole minor units needs neither its exact price nor a
 * string: a whole-tenant run counts 20,000 of them.
 */
type PriceKey = number | string;

function priceKeyOf(line: LineInput): PriceKey {
  if (line.unitPrice === undefined) {
    // Without a decimal price the exact price is unitPriceMinor in the currency's minor units (money.ts).
    const digits = minorDigits(line.currency);
    // Integer factors (not 10 ** n, a double): small integer keys stay small integers, cheap to hash and count.
    const key = digits <= 2 ? line.unitPriceMinor * (POWERS_OF_TEN[2 - digits] as number) : line.unitPriceMinor / 10 ** (digits - 2);
    if (Number.isSafeInteger(key)) return key;
  }
  const text = exactPrice(line).priceText;
  const scaled = scaledIntegerOfText(text, 2);
  const key = scaled === null ? null : scaled.units * (POWERS_OF_TEN[2 - scaled.places] as number);
  return key !== null && Number.isSafeInteger(key) ? key : text;
}

const POWERS_OF_TEN = [1, 10, 100];

function textOfPriceKey(key: PriceKey): string {
  return typeof key === "number" ? formatMinor(key, 2) : key;
}

function comparePriceKeys(a: PriceKey, b: PriceKey): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  return compareDecimalStrings(textOfPriceKey(a), textOfPriceKey(b));
}

/** buildCatalog's rule, estimating only the products asked for (most rows have a line of their own); lines are grouped once, on first use. */
export function lazyCatalog(lines: readonly LineInput[], agreements: ReadonlyMap<string, AgreementInput>, today: string): Pick<ReadonlyMap<string, CatalogEntry>, "get"> {
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

function mostCommon<T extends string | number>(values: readonly T[], compare: (a: T, b: T) => number): { value: T; count: number } {
  const counts = new Map<T, number>();
  let bestCount = 0;
  for (const v of values) {
    const count = (counts.get(v) ?? 0) + 1;
    counts.set(v, count);
    if (count > bestCount) bestCount = count;
  }
  // Only values at the top count can win, so only they are compared (prices are mostly unique:
  // comparing every one cost more than counting them); of equal ones the first stays.
  let bestValue: T | null = null;
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

