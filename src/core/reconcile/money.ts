/**
 * Money on a row: which unit price applies, the monthly impact of a variance
 * and the unit margin. Money is integer minor units; every formula multiplies
 * exactly and divides once, rounding half away from zero only at the end, so
 * an under-billing and the matching over-billing have equal magnitude.
 */
import Big from "big.js";
import { divideRounded } from "../shared/decimal.ts";
import { monthsPerCycle } from "../shared/dates.ts";
import { multiplyExact, type Quantity } from "./quantity.ts";
import type { BillingCycle, LineInput } from "./types.ts";

export interface RowPrice {
  unitPriceMinor: number | null;
  unitCostMinor: number | null;
  currency: string | null;
  priceSource: "line" | "catalog-estimate" | null;
  /** The line the price was read from. */
  priceLine: LineInput | null;
}

const NO_PRICE: RowPrice = { unitPriceMinor: null, unitCostMinor: null, currency: null, priceSource: null, priceLine: null };

/** The target line's price, else an estimate from another line of the product. */
export function resolvePrice(target: LineInput | null, catalogLine: LineInput | undefined): RowPrice {
  const line = target ?? catalogLine;
  if (!line) return NO_PRICE;
  return {
    unitPriceMinor: line.unitPriceMinor,
    unitCostMinor: line.unitCostMinor,
    currency: line.currency,
    priceSource: target ? "line" : "catalog-estimate",
    priceLine: line,
  };
}

/** Unit prices are per billing cycle; the impact is per month. */
export function computeMonthlyImpact(variance: Quantity | null, unitPriceMinor: number | null, cycle: BillingCycle): number | null {
  if (variance === null || unitPriceMinor === null) return null;
  return divideRounded(multiplyExact(variance, unitPriceMinor), monthsPerCycle(cycle));
}

export interface Margin {
  unitMarginMinor: number | null;
  marginPct: string | null;
}

/** marginPct = (price − cost) / price × 100 to one decimal ("42.5"); null for a zero price. */
export function computeMargin(unitPriceMinor: number | null, unitCostMinor: number | null): Margin {
  if (unitPriceMinor === null || unitCostMinor === null) return { unitMarginMinor: null, marginPct: null };
  const unitMarginMinor = unitPriceMinor - unitCostMinor;
  if (unitPriceMinor === 0) return { unitMarginMinor, marginPct: null };
  const scaled = unitMarginMinor * 1000;
  const tenths = divideRounded(Number.isSafeInteger(scaled) ? scaled : new Big(unitMarginMinor).times(1000), unitPriceMinor);
  const magnitude = Math.abs(tenths);
  const sign = tenths < 0 ? "-" : "";
  return { unitMarginMinor, marginPct: `${sign}${Math.floor(magnitude / 10)}.${magnitude % 10}` };
}
