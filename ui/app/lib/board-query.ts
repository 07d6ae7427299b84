/**
 * The board's filter and the query it makes: one mapping onto
 * GET /api/v1/reconciliation, used for the page and for the CSV export of
 * the same rows. Money typed in major units becomes minor units exactly.
 */
import { isDecimal, toScaled } from "../../lib/decimal.ts";
import { currencyDigits } from "../../lib/format.ts";

export interface BoardFilter {
  status: string;
  integrationId: string;
  productKey: string;
  companyId: string;
  /** Major units as typed ("50", "12.5"); converted exactly to minor units. */
  minMoney: string;
  q: string;
  sort: "" | "impact";
}

export const EMPTY_FILTER: BoardFilter = { status: "action", integrationId: "", productKey: "", companyId: "", minMoney: "", q: "", sort: "" };

export const STATUS_GROUPS: Array<{ value: string; label: string; statuses: string }> = [
  { value: "action", label: "Needs action", statuses: "increase,decrease,missing-line" },
  { value: "increase", label: "Under-billed", statuses: "increase" },
  { value: "decrease", label: "Over-billed", statuses: "decrease" },
  { value: "missing-line", label: "Missing line", statuses: "missing-line" },
  { value: "look", label: "Needs a look (stale, suspect, unmapped)", statuses: "stale,suspect,unmapped-account,unmapped-service" },
  { value: "match", label: "Matching", statuses: "match" },
  { value: "", label: "All rows", statuses: "" },
];

/** Whole minor units from "12.5" in the currency's digits, exactly (no floats); null when not a non-negative amount. */
export function toMinor(text: string, currency = "USD"): number | null {
  const t = text.trim();
  if (t === "" || !isDecimal(t) || t.startsWith("-")) return null;
  const digits = currencyDigits(currency);
  const s = toScaled(t);
  if (s.scale > digits) return null;
  return Number(s.units * 10n ** BigInt(digits - s.scale));
}

/** The API query of a filter (without paging). */
export function filterQuery(f: BoardFilter): Record<string, string> {
  const q: Record<string, string> = {};
  const statuses = STATUS_GROUPS.find((g) => g.value === f.status)?.statuses ?? "";
  if (statuses) q.status = statuses;
  if (f.integrationId) q.integrationId = f.integrationId;
  if (f.productKey) q.productKey = f.productKey;
  if (f.companyId) q.companyId = f.companyId;
  const min = toMinor(f.minMoney);
  if (min !== null && min > 0) q.minImpactMinor = String(min);
  if (f.q.trim()) q.q = f.q.trim();
  if (f.sort) q.sort = f.sort;
  return q;
}


/** Rows per board page. */
export const BOARD_PAGE = 100;

/** The filter in the page's query string (`?status=&q=…`); unknown keys are ignored. */
export function filterFromSearch(search: string): BoardFilter {
  const p = new URLSearchParams(search);
  const f: Record<string, string> = { ...EMPTY_FILTER };
  for (const k of Object.keys(f)) {
    const v = p.get(k);
    if (v !== null) f[k] = v;
  }
  return f as unknown as BoardFilter;
}

/** The API path of a board page (the shell prefetches the first one while it checks the session). */
export function boardPagePath(f: BoardFilter, cursor?: string | null): string {
  const q = new URLSearchParams({ ...filterQuery(f), limit: String(BOARD_PAGE) });
  if (cursor) q.set("cursor", cursor);
  return `/api/v1/reconciliation?${q.toString()}`;
}
