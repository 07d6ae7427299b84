/**
 * Money on a row, from exact prices. ConnectWise unit prices and costs carry
 * more than two decimals ($1.995); they stay exact (big.js) from the sync on,
 * and every figure multiplies exactly and converts to the currency's minor
 * units once, at the end, rounding half away from zero — so an under-billing
 * and the matching over-billing have equal magnitude.
 *
 * Billed units: ConnectWise bills max(0, quantity − lessIncluded) of an
 * addition (the included units are free), so money follows the change in
 * *billed* units while the vendor count compares with the quantity:
 * quantity 12 with 10 included going to 8 saves 2 units, not 4.
 */
import Big from "big.js";
import { divideRounded, formatDecimal, roundHalfAwayFromZero, scaledIntegerOf, scaledIntegerOfText, toBig } from "../shared/decimal.ts";
import { monthsPerCycle } from "../shared/dates.ts";
import { minorDigits } from "../usage/money.ts";
import type { BillingCycle, CatalogEntry, LineInput } from "./types.ts";

export interface ExactPrice {
  unitPrice: Big;
  unitCost: Big;
  /** The same as canonical decimal strings ("1.995"). */
  priceText: string;
  costText: string;
  /**
   * The same price and cost as whole minor units when they are exactly that
   * (no digits beyond the currency's): money then takes the integer path,
   * which gives the same figures without big.js (speed at 20,000 rows).
   */
  minor: { price: number; cost: number } | null;
}

const SCALES = new Map<number, Big>();

function scaleOf(currency: string): Big {
  const digits = minorDigits(currency);
  let scale = SCALES.get(digits);
  if (!scale) SCALES.set(digits, (scale = new Big(10).pow(digits)));
  return scale;
}

/** Lines are read many times per run (row price, line list, money): their exact price is worked out once. */
const EXACT = new WeakMap<object, ExactPrice>();

/** The line's exact price and cost in major units (from minor units when the PSA gave no more digits). */
export function exactPrice(line: Pick<LineInput, "unitPrice" | "unitCost" | "unitPriceMinor" | "unitCostMinor" | "currency">): ExactPrice {
  const cached = EXACT.get(line);
  if (cached) return cached;
  const digits = minorDigits(line.currency);
  const exact = line.unitPrice === undefined && line.unitCost === undefined ? minorPrice(line.unitPriceMinor, line.unitCostMinor, digits) : decimalPrice(line, scaleOf(line.currency));
  EXACT.set(line, exact);
  return exact;
}

/** Prices known only in minor units: exact as they are; big.js values made only if asked for. */
function minorPrice(priceMinor: number, costMinor: number, digits: number): ExactPrice {
  return new MinorPrice(priceMinor, costMinor, digits);
}

/** A class, not a literal with getters: one shape for 20,000 lines, so reading it stays cheap. */
class MinorPrice implements ExactPrice {
  readonly priceText: string;
  readonly costText: string;
  readonly minor: { price: number; cost: number };
  #price: Big | null = null;
  #cost: Big | null = null;
  constructor(priceMinor: number, costMinor: number, digits: number) {
    this.priceText = formatMinor(priceMinor, digits);
    this.costText = formatMinor(costMinor, digits);
    this.minor = { price: priceMinor, cost: costMinor };
  }
  get unitPrice(): Big {
    return (this.#price ??= toBig(this.priceText));
  }
  get unitCost(): Big {
    return (this.#cost ??= toBig(this.costText));
  }
}

function decimalPrice(line: Pick<LineInput, "unitPrice" | "unitCost" | "unitPriceMinor" | "unitCostMinor">, scale: Big): ExactPrice {
  const unitPrice = line.unitPrice !== undefined ? toBig(line.unitPrice) : new Big(line.unitPriceMinor).div(scale);
  const unitCost = line.unitCost !== undefined ? toBig(line.unitCost) : new Big(line.unitCostMinor).div(scale);
  const price = wholeMinor(unitPrice, scale, line.unitPrice === undefined ? line.unitPriceMinor : null);
  const cost = wholeMinor(unitCost, scale, line.unitCost === undefined ? line.unitCostMinor : null);
  return { unitPrice, unitCost, priceText: formatDecimal(unitPrice), costText: formatDecimal(unitCost), minor: price !== null && cost !== null ? { price, cost } : null };
}

/** Whole minor units as a canonical decimal string: 2650 (2 digits) → "26.5", 200 → "2", -5 → "-0.05". */
export function formatMinor(minor: number, digits: number): string {
  if (digits === 0) return String(minor);
  const sign = minor < 0 ? "-" : "";
  const text = String(Math.abs(minor)).padStart(digits + 1, "0");
  const whole = text.slice(0, -digits);
  const fraction = text.slice(-digits).replace(/0+$/, "");
  return fraction ? `${sign}${whole}.${fraction}` : `${sign}${whole}`;
}

function wholeMinor(amount: Big, scale: Big, known: number | null): number | null {
  if (known !== null) return known;
  const minor = amount.times(scale);
  return minor.round(0, Big.roundDown).eq(minor) && minor.abs().lt(2 ** 52) ? minor.toNumber() : null;
}

/** An exact amount in major units → minor units, rounded once, half away from zero. */
export function toMinor(amount: Big, currency: string): number {
  return roundHalfAwayFromZero(amount.times(scaleOf(currency)));
}

export interface RowPrice {
  unitPrice: Big | null;
  unitCost: Big | null;
  priceText: string | null;
  costText: string | null;
  /** Whole minor units when exact (see ExactPrice). */
  minor: { price: number; cost: number } | null;
  currency: string | null;
  priceSource: "line" | "catalog-estimate" | null;
  productName: string | null;
  /** Worked out on first use (computeMargin): every row priced by the same line shares it. */
  margin: Margin | null;
}

const NO_PRICE: RowPrice = { unitPrice: null, unitCost: null, priceText: null, costText: null, minor: null, currency: null, priceSource: null, productName: null, margin: null };

/** The target line's price, else the product's estimate. */
export function resolvePrice(target: LineInput | null, estimate: CatalogEntry | undefined): RowPrice {
  if (target) return linePriceOf(target);
  if (!estimate) return NO_PRICE;
  let made = ESTIMATE_PRICES.get(estimate);
  if (!made) ESTIMATE_PRICES.set(estimate, (made = estimatePrice(estimate)));
  return made;
}

/** Many rows share one product's estimate: its RowPrice is made once. */
const ESTIMATE_PRICES = new WeakMap<object, RowPrice>();

/**
 * A line's price for a row, with everything a row reads about it (texts,
 * minor units, currency, name, margin) in one object made with it: 20,000 rows
 * each read one, so one lookup and adjacent memory beat a chain of objects.
 * big.js values only if a caller asks (a class: one shape for every line).
 */
class LinePrice implements RowPrice {
  readonly priceText: string;
  readonly costText: string;
  readonly minor: { price: number; cost: number } | null;
  readonly currency: string;
  readonly priceSource = "line" as const;
  readonly productName: string;
  margin: Margin | null = null;
  readonly #exact: ExactPrice;
  constructor(line: LineInput, exact: ExactPrice) {
    this.#exact = exact;
    this.priceText = exact.priceText;
    this.costText = exact.costText;
    this.minor = exact.minor ? { price: exact.minor.price, cost: exact.minor.cost } : null;
    this.currency = line.currency;
    this.productName = line.productName;
    this.margin = computeMargin(this);
  }
  get unitPrice(): Big {
    return this.#exact.unitPrice;
  }
  get unitCost(): Big {
    return this.#exact.unitCost;
  }
}

/** A line's RowPrice never changes: made once per line. */
const LINE_PRICES = new WeakMap<LineInput, LinePrice>();

export function linePriceOf(line: LineInput): RowPrice {
  let price = LINE_PRICES.get(line);
  if (!price) LINE_PRICES.set(line, (price = new LinePrice(line, exactPrice(line))));
  return price;
}

function estimatePrice(estimate: CatalogEntry): RowPrice {
  const unitPrice = toBig(estimate.unitPrice);
  const unitCost = toBig(estimate.unitCost);
  const scale = scaleOf(estimate.currency);
  const price = wholeMinor(unitPrice, scale, null);
  const cost = wholeMinor(unitCost, scale, null);
  return {
    unitPrice,
    unitCost,
    priceText: estimate.unitPrice,
    costText: estimate.unitCost,
    minor: price !== null && cost !== null ? { price, cost } : null,
    currency: estimate.currency,
    priceSource: "catalog-estimate",
    productName: estimate.productName,
    margin: null,
  };
}

/** A price as minor units for display: exact when whole, else rounded once. */
export function displayMinor(price: RowPrice, which: "price" | "cost"): number | null {
  if (price.currency === null) return null;
  if (price.minor) return price.minor[which];
  const amount = which === "price" ? price.unitPrice : price.unitCost;
  return amount === null ? null : toMinor(amount, price.currency);
}

/** Units ConnectWise invoices for a quantity: max(0, quantity − lessIncluded). */
export function billedUnits(quantity: Big, lessIncluded: Big): Big {
  const billed = quantity.minus(lessIncluded);
  return billed.s < 0 || billed.eq(0) ? new Big(0) : billed;
}

/**
 * The monthly impact when the whole variance lands on one line (quantity
 * `from`, nothing included) at a whole minor-unit price: Δbilled = variance,
 * so the impact is variance × price ÷ months, worked in integers (a decimal
 * variance scaled by its power of ten) — the figure computeMonthlyImpact
 * gives, without big.js. Undefined when that shortcut doesn't apply.
 */
export function oneLineImpact(from: number | Big, variance: number | Big, minorPrice: number, cycle: BillingCycle): number | undefined {
  if (typeof from !== "number") return undefined;
  if (typeof variance === "number") {
    // As the integer path always took it (from + variance ≥ 0 is only asked of a decrease).
    if (variance < 0 && from + variance < 0) return undefined;
    const product = variance * minorPrice;
    return Number.isSafeInteger(product) ? divideRounded(product, monthsPerCycle(cycle)) : undefined;
  }
  // Up to 6 decimals: big.js divides to 20 places before rounding, and the exact quotient (a fraction over at most
  // 10^6 × 12) is then either exactly a half or too far from one for those 20 places to round it differently.
  const scaled = scaledIntegerOf(variance, 6);
  if (scaled === null || from < 0) return undefined;
  const scale = 10 ** scaled.places;
  const fromScaled = from * scale;
  const product = scaled.units * minorPrice;
  if (!Number.isSafeInteger(fromScaled) || fromScaled + scaled.units < 0 || !Number.isSafeInteger(product)) return undefined;
  return divideRounded(product, monthsPerCycle(cycle) * scale);
}

/**
 * remainingDays × Δbilled × price ÷ periodDays in minor units, rounded once
 * (the proration rule), for a whole billed change and a price of at most 6
 * decimals: one division of exact integers, which rounds as big.js's
 * 20-place quotient does (see oneLineImpact). Undefined otherwise.
 */
export function wholeProration(billedChange: number, remainingDays: number, priceText: string, periodDays: number, currency: string): number | undefined {
  const price = scaledIntegerOfText(priceText, 6);
  if (price === null) return undefined;
  const numerator = billedChange * remainingDays * price.units * 10 ** minorDigits(currency);
  const divisor = periodDays * 10 ** price.places;
  return Number.isSafeInteger(numerator) && Number.isSafeInteger(divisor) ? divideRounded(numerator, divisor) : undefined;
}

/** A change in billed units of one line at that line's price (`minorPrice`: the price in whole minor units, when exact). */
export interface BilledChange {
  billedDelta: Big;
  unitPrice: Big;
  minorPrice?: number | null;
  /** billedDelta as a safe integer when it is one (skips big.js on the integer path). */
  delta?: number;
}

/** Σ Δbilled × price per month (prices are per cycle), in minor units, rounded once. */
export function computeMonthlyImpact(changes: readonly BilledChange[] | null, currency: string | null, cycle: BillingCycle): number | null {
  if (changes === null || currency === null) return null;
  const months = monthsPerCycle(cycle);
  // Whole billed units at whole minor-unit prices: exact in integers, one rounded division (same figure as below).
  let integer = 0;
  let exact = true;
  for (const c of changes) {
    const delta = c.delta ?? (c.billedDelta.e < 15 && c.billedDelta.round(0, Big.roundDown).eq(c.billedDelta) ? c.billedDelta.toNumber() : null);
    const product = delta === null || c.minorPrice == null ? null : delta * c.minorPrice;
    if (product === null || !Number.isSafeInteger(product) || !Number.isSafeInteger(integer + product)) {
      exact = false;
      break;
    }
    integer += product;
  }
  if (exact) return divideRounded(integer, months);
  let total = new Big(0);
  for (const c of changes) total = total.plus(c.billedDelta.times(c.unitPrice));
  return toMinor(total.div(months), currency);
}

export interface Margin {
  unitMarginMinor: number | null;
  marginPct: string | null;
}

/**
 * marginPct = (price − cost) / price × 100 to one decimal, half away from zero ("42.5"); null for a zero price.
 * A line's margin is the same on every row that uses its price: kept on its RowPrice.
 */
export function computeMargin(price: RowPrice): Margin {
  if (price.margin) return price.margin;
  const margin = price.minor ? integerMargin(price.minor.price, price.minor.cost) : exactMargin(price);
  if (price !== NO_PRICE) price.margin = margin;
  return margin;
}

function exactMargin(price: RowPrice): Margin {
  if (price.unitPrice === null || price.unitCost === null || price.currency === null) return { unitMarginMinor: null, marginPct: null };
  const margin = price.unitPrice.minus(price.unitCost);
  const unitMarginMinor = toMinor(margin, price.currency);
  if (price.unitPrice.eq(0)) return { unitMarginMinor, marginPct: null };
  const tenths = roundHalfAwayFromZero(margin.times(1000).div(price.unitPrice));
  const magnitude = Math.abs(tenths);
  const sign = tenths < 0 ? "-" : "";
  return { unitMarginMinor, marginPct: `${sign}${Math.floor(magnitude / 10)}.${magnitude % 10}` };
}

/** The same rule in whole minor units (exact: price and cost are whole minor units). */
function integerMargin(priceMinor: number, costMinor: number): Margin {
  const unitMarginMinor = priceMinor - costMinor;
  if (priceMinor === 0) return { unitMarginMinor, marginPct: null };
  const scaled = unitMarginMinor * 1000;
  const tenths = divideRounded(Number.isSafeInteger(scaled) ? scaled : new Big(unitMarginMinor).times(1000), priceMinor);
  const magnitude = Math.abs(tenths);
  const sign = tenths < 0 ? "-" : "";
  return { unitMarginMinor, marginPct: `${sign}${Math.floor(magnitude / 10)}.${magnitude % 10}` };
}
