/**
 * Exact decimal cells and sums for imports: a cell is parsed once into a
 * scaled BigInt and summed without ever touching a binary float, so summing a
 * million `0.0131` cells gives exactly `13100`, not `13099.999999998`.
 *
 * Cells accept what real exports contain: a leading apostrophe (Excel's
 * "store as text" marker, seen in Partner Center files as `'12.30`) and
 * exponent notation (`1.5E-06`, which Excel writes when it re-saves small
 * Azure quantities). Both are converted exactly. Thousands separators,
 * decimal commas, currency signs and parenthesised negatives are rejected:
 * they are never guessed.
 */
import type { DecimalString } from "../reconcile/types.ts";

/** units × 10^-scale, scale ≥ 0. */
export interface ScaledDecimal {
  units: bigint;
  scale: number;
}

const CELL_PATTERN = /^([+-])?(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d{1,3}))?$/;
const MAX_DIGITS = 38;
const MAX_SCALE = 40;

/** Strips Excel's text marker and surrounding blanks. */
export function cleanNumericCell(cell: string): string {
  const trimmed = cell.trim();
  return trimmed.startsWith("'") ? trimmed.slice(1).trim() : trimmed;
}

/** The cell as a scaled integer, or null when it is not a plain decimal number. */
export function parseDecimalCell(cell: string): ScaledDecimal | null {
  const match = CELL_PATTERN.exec(cleanNumericCell(cell));
  if (!match) return null;
  const [, sign, intPart = "", fracPart = "", expPart] = match;
  const digits = (intPart + fracPart).replace(/^0+(?=\d)/, "");
  const exponent = expPart ? Number(expPart) : 0;
  if (digits.length > MAX_DIGITS || Math.abs(exponent) > MAX_SCALE) return null;
  let scale = fracPart.length - exponent;
  let units = BigInt(digits);
  if (scale < 0) {
    units *= 10n ** BigInt(-scale);
    scale = 0;
  }
  if (scale > MAX_SCALE) return null;
  return { units: sign === "-" ? -units : units, scale };
}

/** Canonical DecimalString (no exponent, no trailing fraction zeros, no "-0"). */
export function formatScaled(value: ScaledDecimal): DecimalString {
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

/** A running exact sum. */
export class ExactSum {
  units = 0n;
  scale = 0;

  add(value: ScaledDecimal): void {
    if (value.scale > this.scale) {
      this.units *= 10n ** BigInt(value.scale - this.scale);
      this.scale = value.scale;
    }
    this.units += value.scale === this.scale ? value.units : value.units * 10n ** BigInt(this.scale - value.scale);
  }

  isNegative(): boolean {
    return this.units < 0n;
  }

  toDecimal(): DecimalString {
    return formatScaled({ units: this.units, scale: this.scale });
  }
}

/** Rounds to `digits` decimals, half away from zero, and returns the scaled integer (e.g. cents). */
export function roundToMinor(value: ScaledDecimal, digits: number): bigint {
  if (value.scale <= digits) return value.units * 10n ** BigInt(digits - value.scale);
  const divisor = 10n ** BigInt(value.scale - digits);
  const negative = value.units < 0n;
  const magnitude = negative ? -value.units : value.units;
  let quotient = magnitude / divisor;
  if ((magnitude % divisor) * 2n >= divisor) quotient += 1n;
  return negative ? -quotient : quotient;
}
