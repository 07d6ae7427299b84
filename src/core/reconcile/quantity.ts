/**
 * Engine-internal quantity arithmetic: exact like big.js, but whole numbers
 * (nearly every seat and license count) stay plain JS numbers as long as they
 * are safe integers, where + − and comparison are exact. Anything fractional
 * or large switches to big.js. This keeps a 20,000-line tenant well inside
 * its time budget without ever trading exactness for speed.
 */
import Big from "big.js";
import { formatDecimal, smallIntegerOf, toBig } from "../shared/decimal.ts";
import type { DecimalString } from "./types.ts";

/** A safe integer, or a Big for everything else. */
export type Quantity = number | Big;

/** Up to 15 digits fits a double exactly, with room for sums of many of them. */
const MAX_FAST_DIGITS = 15;

export function parseQuantity(text: DecimalString): Quantity {
  const start = text.charCodeAt(0) === 45 ? 1 : 0; // "-"
  const digits = text.length - start;
  if (digits < 1 || digits > MAX_FAST_DIGITS) return toBig(text);
  for (let i = start; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return toBig(text);
  }
  const value = Number(text);
  return value === 0 ? 0 : value; // fold "-0"
}

export function addQuantities(a: Quantity, b: Quantity): Quantity {
  if (typeof a === "number" && typeof b === "number") {
    const sum = a + b;
    if (Number.isSafeInteger(sum)) return sum;
  }
  return normalize(new Big(a).plus(b));
}

export function subtractQuantities(a: Quantity, b: Quantity): Quantity {
  if (typeof a === "number" && typeof b === "number") {
    const difference = a - b;
    if (Number.isSafeInteger(difference)) return difference;
  }
  return normalize(new Big(a).minus(b));
}

export function compareQuantities(a: Quantity, b: Quantity): number {
  if (typeof a === "number" && typeof b === "number") return a === b ? 0 : a < b ? -1 : 1;
  return new Big(a).cmp(b);
}

export function signOfQuantity(value: Quantity): number {
  if (typeof value === "number") return Math.sign(value);
  return value.c[0] === 0 ? 0 : value.s;
}

export function isOne(value: Quantity): boolean {
  return typeof value === "number" ? value === 1 : value.eq(1);
}

export function formatQuantity(value: Quantity): DecimalString {
  return typeof value === "number" ? String(value) : formatDecimal(value);
}

/** value × an integer factor, as a safe-integer number when exact, else a Big. */
export function multiplyExact(value: Quantity, factor: number): Quantity {
  if (typeof value === "number" && Number.isSafeInteger(factor)) {
    const product = value * factor;
    if (Number.isSafeInteger(product)) return product;
  }
  return normalize(new Big(value).times(factor));
}

/** Back to a plain number when a Big result is a small integer again. */
function normalize(value: Big): Quantity {
  return smallIntegerOf(value) ?? value;
}
