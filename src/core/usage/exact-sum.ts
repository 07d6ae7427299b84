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
import { divideRoundHalfAway, formatScaled, type ScaledDecimal } from "../../shared/scaled-decimal.ts";
import type { DecimalString } from "../reconcile/types.ts";

export { formatScaled, type ScaledDecimal };

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

/**
 * A cell read with the profile's declared decimal separator: with ",", `1,5`
 * is 1.5 and `1.234` is an error (a thousands separator or a misdeclared
 * file, never read as 1.234); with ".", a comma is an error.
 */
export function parseDecimalCellWith(cell: string, separator: "." | ","): ScaledDecimal | null {
  if (separator === ".") return parseDecimalCell(cell);
  return cell.includes(".") ? null : parseDecimalCell(cell.replace(",", "."));
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
  return divideRoundHalfAway(value.units, 10n ** BigInt(value.scale - digits));
}
