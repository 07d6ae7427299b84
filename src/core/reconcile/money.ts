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
import { roundHalfAwayFromZero, toBig } from "../shared/decimal.ts";
import { monthsPerCycle } from "../shared/dates.ts";
import { minorDigits } from "../usage/money.ts";
import type { BillingCycle, CatalogEntry, LineInput } from "./types.ts";

export interface ExactPrice {
  unitPrice: Big;
  unitCost: Big;
}

/** The line's exact price and cost in major units (from minor units when the PSA gave no more digits). */
export function exactPrice(line: Pick<LineInput, "unitPrice" | "unitCost" | "unitPriceMinor" | "unitCostMinor" | "currency">): ExactPrice {
  const scale = new Big(10).pow(minorDigits(line.currency));
  return {
    unitPrice: line.unitPrice !== undefined ? toBig(line.unitPrice) : new Big(line.unitPriceMinor).div(scale),
    unitCost: line.unitCost !== undefined ? toBig(line.unitCost) : new Big(line.unitCostMinor).div(scale),
  };
}

/** An exact amount in major units → minor units, rounded once, half away from zero. */
export function toMinor(amount: Big, currency: string): number {
  return roundHalfAwayFromZero(amount.times(new Big(10).pow(minorDigits(currency))));
}

export interface RowPrice {
  unitPrice: Big | null;
  unitCost: Big | null;
  currency: string | null;
  priceSource: "line" | "catalog-estimate" | null;
  productName: string | null;
}

const NO_PRICE: RowPrice = { unitPrice: null, unitCost: null, currency: null, priceSource: null, productName: null };

/** The target line's price, else the product's estimate. */
export function resolvePrice(target: LineInput | null, estimate: CatalogEntry | undefined): RowPrice {
  if (target) return { ...exactPrice(target), currency: target.currency, priceSource: "line", productName: target.productName };
  if (!estimate) return NO_PRICE;
  return { unitPrice: toBig(estimate.unitPrice), unitCost: toBig(estimate.unitCost), currency: estimate.currency, priceSource: "catalog-estimate", productName: estimate.productName };
}

/** Units ConnectWise invoices for a quantity: max(0, quantity − lessIncluded). */
export function billedUnits(quantity: Big, lessIncluded: Big): Big {
  const billed = quantity.minus(lessIncluded);
  return billed.s < 0 || billed.eq(0) ? new Big(0) : billed;
}

/** A change in billed units of one line at that line's price. */
export interface BilledChange {
  billedDelta: Big;
  unitPrice: Big;
}

/** Σ Δbilled × price per month (prices are per cycle), in minor units, rounded once. */
export function computeMonthlyImpact(changes: readonly BilledChange[] | null, currency: string | null, cycle: BillingCycle): number | null {
  if (changes === null || currency === null) return null;
  let total = new Big(0);
  for (const c of changes) total = total.plus(c.billedDelta.times(c.unitPrice));
  return toMinor(total.div(monthsPerCycle(cycle)), currency);
}

export interface Margin {
  unitMarginMinor: number | null;
  marginPct: string | null;
}

/** marginPct = (price − cost) / price × 100 to one decimal, half away from zero ("42.5"); null for a zero price. */
export function computeMargin(price: RowPrice): Margin {
  if (price.unitPrice === null || price.unitCost === null || price.currency === null) return { unitMarginMinor: null, marginPct: null };
  const margin = price.unitPrice.minus(price.unitCost);
  const unitMarginMinor = toMinor(margin, price.currency);
  if (price.unitPrice.eq(0)) return { unitMarginMinor, marginPct: null };
  const tenths = roundHalfAwayFromZero(margin.times(1000).div(price.unitPrice));
  const magnitude = Math.abs(tenths);
  const sign = tenths < 0 ? "-" : "";
  return { unitMarginMinor, marginPct: `${sign}${Math.floor(magnitude / 10)}.${magnitude % 10}` };
}

