/**
 * Exact decimal arithmetic for quantities (DecimalString) on top of big.js.
 *
 * Quantities travel as canonical strings so they never pass through binary
 * floats: no exponent, no leading zeros, no trailing fraction zeros, and no
 * negative zero. Parsing is strict on purpose: a malformed vendor quantity
 * must surface as an error, never be coerced to 0 (which would look like a
 * real "customer uses nothing" count and propose a bogus decrease).
 */
import Big from "big.js";
import type { DecimalString } from "../reconcile/types.ts";
import { err, ok, type Result } from "./result.ts";

/** Upper bound on significant digits, matching common DECIMAL(38) storage. */
export const MAX_SIGNIFICANT_DIGITS = 38;

const DECIMAL_PATTERN = /^-?\d+(\.\d+)?$/;

/**
 * A private constructor whose division rounds straight to an integer, half
 * away from zero. big.js computes one guard digit past DP and rounds once, so
 * `x.div(y)` with DP = 0 is the exactly rounded quotient (no double rounding
 * through a 20-place intermediate).
 */
const BigToInteger = Big();
BigToInteger.DP = 0;
BigToInteger.RM = Big.roundHalfUp;

/** Parses user or vendor input into a canonical DecimalString. */
export function parseDecimal(input: string | number): Result<DecimalString, string> {
  let text: string;
  if (typeof input === "number") {
    if (!Number.isFinite(input)) return err(`Not a finite number: ${String(input)}`);
    text = String(input);
    if (/e/i.test(text)) return err(`Number needs exponent notation: ${text}`);
  } else {
    text = input.trim();
  }
  if (!DECIMAL_PATTERN.test(text)) return err(`Not a decimal number: "${String(input)}"`);
  const digits = countSignificantDigits(text);
  if (digits > MAX_SIGNIFICANT_DIGITS) {
    return err(`Too many significant digits (${digits} > ${MAX_SIGNIFICANT_DIGITS}): "${text}"`);
  }
  return ok(formatDecimal(new Big(text)));
}

/**
 * Digits from the first non-zero digit to the end, ignoring trailing fraction
 * zeros ("1000" → 4, "0.0250" → 2). Integer zeros count because they carry
 * magnitude, which is what the storage bound is about.
 */
function countSignificantDigits(text: string): number {
  const unsigned = text.startsWith("-") ? text.slice(1) : text;
  const [intPart = "", fracPart = ""] = unsigned.split(".");
  const intDigits = intPart.replace(/^0+/, "");
  const frac = fracPart.replace(/0+$/, "");
  if (intDigits.length > 0) return intDigits.length + frac.length;
  return frac.replace(/^0+/, "").length;
}

/** Canonical string of a Big: normal notation, and "-0" folded to "0". */
export function formatDecimal(value: Big): DecimalString {
  if (value.c[0] === 0) return "0";
  return value.toFixed();
}

/**
 * Big from a DecimalString already in the system. Malformed data here is a
 * broken invariant (everything is validated on the way in), so it throws.
 */
export function toBig(value: DecimalString): Big {
  if (!DECIMAL_PATTERN.test(value)) throw new Error(`Invalid decimal string in data: "${value}"`);
  return new Big(value);
}

export function addDecimal(a: DecimalString, b: DecimalString): DecimalString {
  return formatDecimal(toBig(a).plus(toBig(b)));
}

export function subDecimal(a: DecimalString, b: DecimalString): DecimalString {
  return formatDecimal(toBig(a).minus(toBig(b)));
}

export function mulDecimal(a: DecimalString, b: DecimalString): DecimalString {
  return formatDecimal(toBig(a).times(toBig(b)));
}

/** -1, 0 or 1, like a sort comparator. */
export function compareDecimal(a: DecimalString, b: DecimalString): -1 | 0 | 1 {
  return toBig(a).cmp(toBig(b));
}

export function isZeroDecimal(value: DecimalString): boolean {
  return toBig(value).c[0] === 0;
}

export function absDecimal(value: DecimalString): DecimalString {
  return formatDecimal(toBig(value).abs());
}

export function sumDecimals(values: readonly DecimalString[]): DecimalString {
  let total = new Big(0);
  for (const value of values) total = total.plus(toBig(value));
  return formatDecimal(total);
}

/** Rounds to an integer, half away from zero; throws outside the safe-integer range. */
export function roundHalfAwayFromZero(value: Big): number {
  return toSafeInteger(value.round(0, Big.roundHalfUp));
}

/** Below 2^52, quotient × divisor (≤ numerator + divisor) stays exact in a double. */
const FAST_LIMIT = 2 ** 52;

/**
 * numerator ÷ divisor rounded once, half away from zero, to an integer.
 * Money formulas multiply first and divide last through this so the only
 * rounding is the final one. Small integers (the common case: whole
 * quantities times prices in cents) take an exact integer fast path.
 */
export function divideRounded(numerator: Big | number, divisor: number): number {
  if (!Number.isFinite(divisor) || divisor === 0) throw new Error(`Invalid divisor: ${divisor}`);
  const small = typeof numerator === "number" ? numerator : smallIntegerOf(numerator);
  const fast = small !== null && Number.isSafeInteger(small) && Number.isSafeInteger(divisor);
  if (fast && Math.abs(small) < FAST_LIMIT && Math.abs(divisor) < FAST_LIMIT) {
    return divideSmallIntegers(small, divisor);
  }
  return toSafeInteger(new BigToInteger(numerator).div(divisor));
}

function divideSmallIntegers(numerator: number, divisor: number): number {
  const sign = Math.sign(numerator) * Math.sign(divisor);
  const a = Math.abs(numerator);
  const d = Math.abs(divisor);
  let quotient = Math.floor(a / d);
  let remainder = a - quotient * d;
  // The float division may be off by one near the limit; settle it exactly.
  if (remainder < 0) [quotient, remainder] = [quotient - 1, remainder + d];
  else if (remainder >= d) [quotient, remainder] = [quotient + 1, remainder - d];
  if (remainder * 2 >= d) quotient += 1;
  return sign * quotient === 0 ? 0 : sign * quotient;
}

/** The value as a number when it is an integer of at most 15 digits, else null. */
export function smallIntegerOf(value: Big): number | null {
  const digits = value.c;
  if (digits[0] === 0) return 0;
  if (value.e < 0 || value.e > 14 || digits.length > value.e + 1) return null;
  let result = 0;
  for (let i = 0; i <= value.e; i++) result = result * 10 + (digits[i] ?? 0);
  return value.s < 0 ? -result : result;
}

/**
 * A short decimal as an integer and a power of ten: 2.5 → { units: 25, places: 1 }.
 * Null beyond 15 significant digits or `maxPlaces` decimals (then big.js
 * does the arithmetic): within them the integer is exact in a double.
 */
export function scaledIntegerOf(value: Big, maxPlaces: number): { units: number; places: number } | null {
  const digits = value.c;
  const places = Math.max(0, digits.length - 1 - value.e);
  if (digits.length > 15 || places > maxPlaces || value.e > 14) return null;
  let units = 0;
  for (let i = 0; i < digits.length; i++) units = units * 10 + (digits[i] ?? 0);
  for (let i = digits.length - 1; i < value.e; i++) units *= 10;
  return { units: value.s < 0 && units !== 0 ? -units : units, places };
}

/** scaledIntegerOf straight from a DecimalString ("-12.50" → { units: -1250, places: 2 }); null when it isn't a plain decimal within those bounds. */
export function scaledIntegerOfText(text: string, maxPlaces: number): { units: number; places: number } | null {
  const start = text.charCodeAt(0) === 45 ? 1 : 0; // "-"
  let units = 0;
  let places = 0;
  let point = false;
  for (let i = start; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 46 && !point && i > start && i < text.length - 1) {
      point = true;
      continue;
    }
    if (code < 48 || code > 57) return null;
    units = units * 10 + (code - 48);
    if (point) places += 1;
    if (units > 999_999_999_999_999 || places > maxPlaces) return null;
  }
  if (text.length === start) return null;
  return { units: start === 1 && units !== 0 ? -units : units, places };
}

function toSafeInteger(value: Big): number {
  const small = smallIntegerOf(value);
  if (small !== null) return small;
  const result = Number(value.toFixed(0));
  if (!Number.isSafeInteger(result) || !new Big(result).eq(value)) throw new Error(`Not a safe integer: ${value.toFixed()}`);
  return result;
}
