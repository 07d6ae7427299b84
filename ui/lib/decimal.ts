/**
 * Exact decimal strings in the browser (quantities never pass through binary
 * floats): parsing user input, comparing and subtracting via BigInt scaled
 * integers. Same canonical form as the API: no exponent, no leading zeros,
 * no trailing fraction zeros, no "-0".
 */

import { divideRoundHalfAway, formatScaled, type ScaledDecimal } from "../../src/shared/scaled-decimal.ts";

export { divideRoundHalfAway };

const DECIMAL = /^-?\d+(\.\d+)?$/;

export function isDecimal(text: string): boolean {
  return DECIMAL.test(text);
}

export function toScaled(text: string): ScaledDecimal {
  if (!DECIMAL.test(text)) throw new Error(`Not a decimal: "${text}"`);
  const negative = text.startsWith("-");
  const [int = "0", frac = ""] = (negative ? text.slice(1) : text).split(".");
  const n = BigInt(int + frac);
  return { units: negative ? -n : n, scale: frac.length };
}

function align(a: ScaledDecimal, b: ScaledDecimal): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.units * 10n ** BigInt(scale - a.scale), b.units * 10n ** BigInt(scale - b.scale), scale];
}

export function canonical(text: string): string {
  return formatScaled(toScaled(text));
}

export function compareDecimals(a: string, b: string): -1 | 0 | 1 {
  const [x, y] = align(toScaled(a), toScaled(b));
  return x === y ? 0 : x < y ? -1 : 1;
}

export function subtractDecimals(a: string, b: string): string {
  const [x, y, scale] = align(toScaled(a), toScaled(b));
  return formatScaled({ units: x - y, scale });
}

/** A quantity typed by a technician: a non-negative decimal, at most 6 fraction digits; null when invalid. */
export function parseQuantityInput(text: string): string | null {
  const trimmed = text.trim();
  if (!/^\d{1,12}(\.\d{1,6})?$/.test(trimmed)) return null;
  return canonical(trimmed);
}
