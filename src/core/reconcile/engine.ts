/**
 * The reconciliation engine: compares what the PSA bills (agreement lines)
 * with what vendors count, and proposes line changes. Pure: the clock is
 * `input.now`, there is no I/O, and the same input always gives the same rows.
 *
 * Rules (today = the UTC calendar date of `input.now`):
 *
 * Counting
 * - An agreement counts iff status is "active" (case-insensitive), it is not
 *   cancelled, billingCycle ≠ "none", startDate is null or ≤ today and endDate
 *   is null or ≥ today.
 * - A line counts iff its agreement counts, billCustomer = "Billable" and
 *   cancelledDate is null or > today (a future effectiveDate still counts).
 *   Everything that doesn't count is ignored entirely.
 *
 * Latest usage
 * - Per (account, service) only the latest count is used: greatest period,
 *   then greatest observedAt (then greatest sourceRef, for determinism).
 *
 * Mapping and allocation (a source = one latest count)
 * - No account mapping → `unmapped-account` row `acct:{account}:{service}`
 *   (wins over an unmapped service); mapped account but unmapped service →
 *   `unmapped-service` row `svc:{account}:{service}` with the company set.
 * - A service mapped to several products feeds each of them in full.
 * - Each (source, product) goes to: the account's pinned agreement if it
 *   counts and belongs to the mapped company (even without the product); else
 *   the company's counting agreement with the most counted quantity of the
 *   product (ties → smallest id); else the company's only counting agreement;
 *   else no agreement (row `co:{company}:{product}`). Sources landing on the
 *   same (agreement, product) are summed.
 *
 * Rows (`agr:{agreement}:{product}`, one per pair with counted lines or usage)
 * - psaQuantity = Σ counted lines' quantity (lessIncluded is informational);
 *   vendorQuantity = Σ allocated sources (null if none); variance = vendor − psa.
 * - Target line = largest quantity (ties → smallest line id). Price, cost and
 *   currency come from it ("line"); with no counted line, from the tenant's
 *   line of the product with the smallest id ("catalog-estimate"), else null.
 * - monthlyImpactMinor = variance × unit price ÷ months per cycle (1/3/6/12),
 *   rounded once, half away from zero. Margin = price − cost; marginPct to one
 *   decimal, null for a zero price. asOf = oldest observedAt of the sources.
 * - Status, first that applies: flat-rate, no-usage, suspect (a consumption
 *   service whose ≥ 2 reporting accounts all show exactly 1), stale (a source
 *   older than staleAfterHours), missing-line (no counted line and usage > 0;
 *   usage 0 with no line is a match), then match/increase/decrease.
 * - Proposal for increase, decrease and missing-line (see proposal.ts): target
 *   line from → from + variance, effective the 1st of next month, prorated
 *   when mid-period; none (with a reason) when the result would be negative.
 *
 *   Proration = remainingDays × variance × price ÷ periodDays of the calendar
 *   period (month, Jan/Apr/Jul/Oct quarter, Jan/Jul half, year) holding the
 *   date, rounded once; null when the date starts a period.
 *
 * Order: company name, agreement name, product name (or key), key; names
 * compare case-insensitively, missing names last; unmapped rows last by key.
 *
 * Details the rules leave open, settled here:
 * - "Smallest id": all-digit ids compare as numbers ("9" < "10"), others by
 *   code point.
 * - Unmapped rows have no PSA side: psaQuantity "0", variance, price and
 *   impact null (they never count towards money totals).
 * - A `co:` row has no agreement, so its impact uses the billing cycle of the
 *   agreement its estimated price came from (monthly if none).
 * - Stale/suspect warnings are listed in reasons even when another status
 *   wins (e.g. a stale flat-rate row).
 * - Malformed quantity strings in the input throw: they are validated on the
 *   way in, and reading them as 0 would invent usage changes.
 */
import { toIsoDate } from "../shared/dates.ts";
import { draftRows } from "./allocate.ts";
import { buildRow, buildUnmappedRow, type RowContext } from "./build-row.ts";
import { findSuspectServices, selectLatestCounts } from "./latest-counts.ts";
import { compareStrings, nameSortKey } from "./order.ts";
import { indexTenant } from "./tenant-index.ts";
import type { ReconcileInput, ReconRow } from "./types.ts";

export { previewProration, proposeChange } from "./proposal.ts";
export type { ProposeOptions, ProrationInput, ProrationPreview } from "./proposal.ts";

export function reconcile(input: ReconcileInput): ReconRow[] {
  const index = indexTenant(input, toIsoDate(input.now));
  const latest = selectLatestCounts(input);
  const ctx: RowContext = {
    index,
    now: input.now,
    nowMs: input.now.getTime(),
    staleAfterHours: input.staleAfterHours,
    suspect: input.aggregates?.suspect ?? findSuspectServices(input, latest),
  };
  const drafts = draftRows(index, latest);
  const mapped = drafts.rows.map((draft) => buildRow(draft, ctx));
  const unmapped = drafts.unmapped.map((draft) => buildUnmappedRow(draft, ctx));
  return [...sortMappedRows(mapped), ...unmapped.sort((a, b) => compareStrings(a.key, b.key))];
}

/** Decorate once, then sort: folding names inside the comparator would allocate per comparison. */
function sortMappedRows(rows: readonly ReconRow[]): ReconRow[] {
  // Names repeat across rows (a company has many), so fold each distinct name once.
  const keys = new Map<string | null, string>();
  const keyOf = (name: string | null): string => {
    let key = keys.get(name);
    if (key === undefined) keys.set(name, (key = nameSortKey(name)));
    return key;
  };
  const decorated = rows.map((row) => ({
    row,
    company: keyOf(row.companyName),
    agreement: keyOf(row.agreementName),
    product: keyOf(row.productName ?? row.productKey),
  }));
  decorated.sort(
    (a, b) =>
      compareStrings(a.company, b.company) ||
      compareStrings(a.agreement, b.agreement) ||
      compareStrings(a.product, b.product) ||
      compareStrings(a.row.key, b.row.key),
  );
  return decorated.map((d) => d.row);
}
