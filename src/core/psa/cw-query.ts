/**
 * ConnectWise query strings: `conditions` and RFC 5988 `Link` paging
 * (psa-and-vendor-apis.md §2.2, CW-DevGuide "Conditions" / "Pagination").
 * Datetimes go in square brackets (`lastUpdated > [2016-08-20T18:04:26Z]`),
 * strings in double quotes, booleans bare; pageSize is at most 1000. Pure.
 */
import { assertSameOrigin } from "./listing-guard.ts";

export const CW_MAX_PAGE_SIZE = 1000;

/** `[YYYY-MM-DDTHH:MM:SSZ]` — ConnectWise datetimes have no fraction. */
export function formatCwDateTime(instant: Date): string {
  return `[${instant.toISOString().replace(/\.\d{3}Z$/, "Z")}]`;
}

export function cwString(value: string): string {
  return `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/** Joins clauses with AND, dropping empty ones. */
export function andConditions(...clauses: Array<string | null | undefined>): string {
  return clauses.filter((c): c is string => typeof c === "string" && c.length > 0).join(" AND ");
}

/** Agreements to list: every non-cancelled one (full), or everything changed since (incremental). */
export function agreementConditions(since: Date | null): string {
  return since ? andConditions(`lastUpdated > ${formatCwDateTime(since)}`) : andConditions("cancelledFlag = false");
}

/** A path plus query for a list call with the maximum page size (spaces as %20, not "+"). */
export function listPath(path: string, conditions: string | null, extra: Record<string, string> = {}): string {
  const params: Array<[string, string]> = [];
  if (conditions) params.push(["conditions", conditions]);
  params.push(["pageSize", String(CW_MAX_PAGE_SIZE)], ...Object.entries(extra));
  return `${path}?${params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&")}`;
}

/** Parses `<url>; rel="next", <url>; rel="last"` into rel → url. */
export function parseLinkHeader(header: string | null | undefined): Record<string, string> {
  const links: Record<string, string> = {};
  if (!header) return links;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>\s*;(.*)$/.exec(part);
    if (!match?.[1]) continue;
    const rel = /\brel\s*=\s*"?([^";]+)"?/i.exec(match[2] ?? "");
    for (const name of rel?.[1]?.trim().split(/\s+/) ?? []) links[name.toLowerCase()] = match[1];
  }
  return links;
}

/**
 * The next page to fetch, or null at the end. A Link header pointing to
 * another origin is an error (IncompleteListingError), never followed and
 * never a silent end of the listing.
 */
export function nextPageUrl(header: string | null | undefined, requestUrl: string): string | null {
  const next = parseLinkHeader(header).next;
  return next ? assertSameOrigin("ConnectWise", next, requestUrl) : null;
}
