/**
 * Money for counts: a decimal amount in a currency becomes integer minor
 * units, rounded once, half away from zero, after any summation (so a sum of
 * thousands of sub-cent Azure lines is rounded once, not per line).
 */
import { err, ok, type Result } from "../shared/result.ts";
import { roundToMinor, type ScaledDecimal } from "./exact-sum.ts";

/** ISO 4217 currencies whose minor unit is not the cent. */
const MINOR_DIGITS: Record<string, number> = {
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, ISK: 0, JPY: 0, KMF: 0, KRW: 0, PYG: 0, RWF: 0, UGX: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0,
  BHD: 3, IQD: 3, JOD: 3, KWD: 3, LYD: 3, OMR: 3, TND: 3,
};

export const CURRENCY_PATTERN = /^[A-Z]{3}$/;

export function minorDigits(currency: string): number {
  return MINOR_DIGITS[currency] ?? 2;
}

/** Normalises "usd " → "USD"; null when it is not a three-letter code. */
export function normalizeCurrency(text: string): string | null {
  const code = text.trim().toUpperCase();
  return CURRENCY_PATTERN.test(code) ? code : null;
}

/** Minor units of an exact amount; fails beyond the safe-integer range. */
export function toMinorUnits(amount: ScaledDecimal, currency: string): Result<number, string> {
  const minor = roundToMinor(amount, minorDigits(currency));
  const limit = BigInt(Number.MAX_SAFE_INTEGER);
  if (minor > limit || minor < -limit) return err(`amount too large for ${currency}`);
  return ok(Number(minor));
}
