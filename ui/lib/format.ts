/**
 * Display formatting: money from integer minor units with the currency's own
 * number of decimals, exact decimal quantities (the string goes to Intl as
 * is, never through a float), signed variances and impacts, and ages.
 * `locale` undefined means the browser's.
 */

const MINUS = "\u2212";
const cache = new Map<string, Intl.NumberFormat>();

function numberFormat(locale: string | undefined, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  const key = `${locale ?? ""}|${JSON.stringify(options)}`;
  let nf = cache.get(key);
  if (!nf) cache.set(key, (nf = new Intl.NumberFormat(locale, options)));
  return nf;
}

/** Fraction digits of a currency (2 for USD, 0 for JPY, 3 for KWD). */
export function currencyDigits(currency: string): number {
  return numberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** "$1,234.56"; with `signed`, "+$104.00" / "−$18.00" (and "$0.00" for zero). */
export function formatMoney(minor: number, currency: string, locale?: string, signed = false): string {
  const digits = currencyDigits(currency);
  const nf = numberFormat(locale, { style: "currency", currency, signDisplay: signed ? "exceptZero" : "auto" });
  return nf.format(minor / 10 ** digits).replace("-", MINUS);
}

/** Intl formats a decimal string exactly (ES2023 Intl.NumberFormat v3): "1843.27" → "1,843.27". */
export function formatQuantity(value: string, locale?: string, signed = false): string {
  const nf = numberFormat(locale, { maximumFractionDigits: 20, signDisplay: signed ? "exceptZero" : "auto" });
  return (nf.format as unknown as (v: string) => string)(value).replace("-", MINUS);
}

export function formatVariance(value: string | null, locale?: string): string {
  return value === null ? "—" : formatQuantity(value, locale, true);
}

/** "42.5 %" / "40.0 %" from the API's one-decimal string. */
export function formatPercent(pct: string | null, locale?: string): string {
  if (pct === null) return "—";
  const nf = numberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  return `${(nf.format as unknown as (v: string) => string)(pct).replace("-", MINUS)}\u00a0%`;
}

/** "just now", "5 min ago", "6 h ago", "12 days ago". */
export function formatAge(iso: string, now: Date): string {
  const ms = now.getTime() - Date.parse(iso);
  if (Number.isNaN(ms)) return "unknown time";
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

/** A calendar date `YYYY-MM-DD` as "Dec 1, 2026" (UTC: no time zone shifts the day). */
export function formatDay(date: string, locale?: string): string {
  const [y, m, d] = date.split("-").map(Number);
  const dtf = new Intl.DateTimeFormat(locale, { year: "numeric", month: "short", day: "numeric", timeZone: "UTC" });
  return dtf.format(new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)));
}

/** An instant as a short local date-time ("Dec 1, 10:42"). */
export function formatInstant(iso: string, locale?: string): string {
  const dtf = new Intl.DateTimeFormat(locale, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
  return dtf.format(new Date(iso));
}
