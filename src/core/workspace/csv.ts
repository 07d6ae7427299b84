/**
 * CSV for the accountant's exports: RFC 4180 (fields with a comma, quote, CR
 * or LF are quoted, quotes doubled, CRLF line ends), UTF-8 with a BOM so Excel
 * reads it as UTF-8, and formula-safe — a cell starting with =, +, -, @, tab
 * or CR is prefixed with ' so a spreadsheet shows it as text instead of
 * running it (OWASP "CSV Injection"). Numbers we write ourselves (quantities,
 * money) are emitted as plain numbers; a negative number is a number, not a
 * formula, so numeric cells are exempt. Pure.
 */

export const BOM = "\uFEFF";

export type Cell = string | number | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;
/** A number we produced (quantity, money): "-12.50" stays a number. */
const PLAIN_NUMBER = /^-?\d+(?:\.\d+)?$/;

export function csvCell(value: Cell, numeric = false): string {
  if (value === null || value === undefined) return "";
  let text = typeof value === "number" ? String(value) : value;
  if (!(numeric && PLAIN_NUMBER.test(text)) && typeof value !== "number" && FORMULA_START.test(text)) text = `'${text}`;
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export interface Column<T> {
  header: string;
  value: (row: T) => Cell;
  /** The cell is one of our decimals (exempt from the formula prefix when it parses as a number). */
  numeric?: boolean;
}

export function csvHeader<T>(columns: readonly Column<T>[]): string {
  return `${columns.map((c) => csvCell(c.header)).join(",")}\r\n`;
}

export function csvLine<T>(columns: readonly Column<T>[], row: T): string {
  return `${columns.map((c) => csvCell(c.value(row), c.numeric)).join(",")}\r\n`;
}

/** Integer minor units as a fixed-point amount ("1234.50", "-0.05"; JPY "1234"). */
export function formatMinorAmount(minor: number, digits: number): string {
  const negative = minor < 0;
  const units = BigInt(Math.abs(minor)).toString().padStart(digits + 1, "0");
  const text = digits === 0 ? units : `${units.slice(0, units.length - digits)}.${units.slice(units.length - digits)}`;
  return negative ? `-${text}` : text;
}
