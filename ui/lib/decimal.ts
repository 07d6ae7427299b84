/**
 * Exact decimal strings in the browser (quantities never pass through binary
 * floats): parsing user input, comparing and subtracting via BigInt scaled
 * integers. Same canonical form as the API: no exponent, no leading zeros,
 * no trailing fraction zeros, no "-0".
 */

const DECIMAL = /^-?\d+(\.\d+)?$/;

export interface Scaled {
  n: bigint;
  scale: number;
}

export function isDecimal(text: string): boolean {
  return DECIMAL.test(text);
}

export function toScaled(text: string): Scaled {
  if (!DECIMAL.test(text)) throw new Error(`Not a decimal: "${text}"`);
  const negative = text.startsWith("-");
  const [int = "0", frac = ""] = (negative ? text.slice(1) : text).split(".");
  const n = BigInt(int + frac);
  return { n: negative ? -n : n, scale: frac.length };
}

function align(a: Scaled, b: Scaled): [bigint, bigint, number] {
  const scale = Math.max(a.scale, b.scale);
  return [a.n * 10n ** BigInt(scale - a.scale), b.n * 10n ** BigInt(scale - b.scale), scale];
}

export function fromScaled(n: bigint, scale: number): string {
  const negative = n < 0n;
  const digits = (negative ? -n : n).toString().padStart(scale + 1, "0");
  const int = digits.slice(0, digits.length - scale);
  const frac = digits.slice(digits.length - scale).replace(/0+$/, "");
  const body = frac ? `${int}.${frac}` : int;
  return negative && body !== "0" ? `-${body}` : body;
}

export function canonical(text: string): string {
  const { n, scale } = toScaled(text);
  return fromScaled(n, scale);
}

export function compareDecimals(a: string, b: string): -1 | 0 | 1 {
  const [x, y] = align(toScaled(a), toScaled(b));
  return x === y ? 0 : x < y ? -1 : 1;
}

export function subtractDecimals(a: string, b: string): string {
  const [x, y, scale] = align(toScaled(a), toScaled(b));
  return fromScaled(x - y, scale);
}

/** A quantity typed by a technician: a non-negative decimal, at most 6 fraction digits; null when invalid. */
export function parseQuantityInput(text: string): string | null {
  const trimmed = text.trim();
  if (!/^\d{1,12}(\.\d{1,6})?$/.test(trimmed)) return null;
  return canonical(trimmed);
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
