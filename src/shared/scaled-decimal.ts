/**
 * Exact decimals as scaled BigInts (units × 10^-scale), with no dependency:
 * shared by the import path (src/core/usage, where a million cells are
 * summed) and the pod (ui/, within its payload budget). The engine uses
 * big.js (src/core/shared/decimal.ts); all print the same canonical form.
 */

/** units × 10^-scale, scale ≥ 0. */
export interface ScaledDecimal {
  units: bigint;
  scale: number;
}

/** Canonical decimal string: no exponent, no trailing fraction zeros, no "-0". */
export function formatScaled(value: ScaledDecimal): string {
  let { units, scale } = value;
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n;
    scale -= 1;
  }
  if (units === 0n) return "0";
  const negative = units < 0n;
  const digits = (negative ? -units : units).toString().padStart(scale + 1, "0");
  const text = scale === 0 ? digits : `${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
  return negative ? `-${text}` : text;
}

/** numerator ÷ denominator rounded once, half away from zero (like the engine's divideRounded). */
export function divideRoundHalfAway(numerator: bigint, denominator: bigint): bigint {
  if (denominator === 0n) throw new Error("division by zero");
  const negative = numerator < 0n !== denominator < 0n;
  const a = numerator < 0n ? -numerator : numerator;
  const d = denominator < 0n ? -denominator : denominator;
  let q = a / d;
  if ((a % d) * 2n >= d) q += 1n;
  return negative ? -q : q;
}
