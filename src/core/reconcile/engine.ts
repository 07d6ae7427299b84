/**
 * The reconciliation engine: compares what the PSA will invoice (agreement
 * lines) with what vendors count, and proposes line changes. Pure: the clock
 * is `input.now`, there is no I/O, and the same input always gives the same
 * rows, whatever order it lists things in. This header is the one statement
 * of the rules; tests cite the PSA documentation behind each.
 *
 * Dates (UTC): today = the calendar date of `input.now`; the billing date =
 * the date the next invoice covers = the default effective date of a
 * proposal = the 1st of next month (agreements bill in advance).
 *
 * Counting
 * - An agreement counts iff status is "active" (case-insensitive), it is not
 *   cancelled, billingCycle ≠ "none", startDate is null or ≤ today and endDate
 *   is null or ≥ today.
 * - A line counts iff its agreement counts, billCustomer = "Billable" and it
 *   is in effect on the billing date: effectiveDate null or ≤ it, cancelledDate
 *   null or > it (ConnectWise bills an addition from its effective date until
 *   its cancelled date). Billable lines starting after the billing date, or
 *   ending from today on, are listed in the row's `upcoming`, never counted.
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
 *   counts and belongs to the mapped company (even without the product); else,
 *   when the company's counting agreements carry the product, the company-wide
 *   pool of that product; else the company's only counting agreement; else no
 *   agreement (row `co:{company}:{product}`). Sources landing on the same
 *   (agreement, product) are summed.
 * - A pool is compared with the company's PSA total: one carrier takes it all;
 *   with several, the target is the agreement holding the product's largest
 *   line (ties → smallest line id), every other carrier is allocated what it
 *   bills and the target the rest, so variances add up to exactly
 *   vendor − PSA for the company; usage below what the others bill leaves the
 *   target at 0 and comes off the others, largest first. Only the target's row
 *   carries a proposal. Carriers that got pinned usage stay out of the pool
 *   (when all did, the pool joins the one with the largest line).
 *
 * Rows (`agr:{agreement}:{product}`, one per pair with counted lines or usage)
 * - psaQuantity = Σ counted lines' quantity; vendorQuantity = the allocated
 *   usage (null if none); variance = vendor − psa.
 * - Target line = largest quantity (ties → smallest line id). Price, cost and
 *   currency come from it ("line"); with no counted line, from the product's
 *   estimate ("catalog-estimate"): its most common current price in the tenant
 *   (billable lines not cancelled as of today), ties → the lowest; the cost
 *   most common at that price (ties → lowest); else null.
 * - Prices stay exact (major-unit decimals). Money follows *billed* units:
 *   ConnectWise bills max(0, quantity − lessIncluded) of a line. The variance
 *   lands on the target line (a decrease larger than it continues on the next
 *   largest lines); monthlyImpactMinor = Σ Δbilled × line price ÷ months per
 *   cycle (1/3/6/12), converted to minor units once, half away from zero.
 *   unitPriceMinor/unitCostMinor/unitMarginMinor are the exact figures rounded
 *   the same way; marginPct = (price − cost) ÷ price to one decimal, null for
 *   a zero price. asOf = oldest observedAt of the sources.
 * - Status, first that applies: flat-rate, no-usage, suspect (a consumption
 *   service whose ≥ 2 reporting accounts all show exactly 1), waiting (an
 *   arrears source — calendar.ts — whose newest count is older than the month
 *   it should have delivered by now), stale (a source older than
 *   staleAfterHours), missing-line (no counted line and usage > 0;
 *   usage 0 with no line is a match), then match/increase/decrease.
 * - Proposal for increase, decrease and missing-line (see proposal.ts): target
 *   line from → from + variance, effective the billing date, prorated when
 *   mid-period; none (with a reason) when the result would be negative.
 *
 *   Proration = remainingDays × Δbilled × price ÷ periodDays of the calendar
 *   period (month, Jan/Apr/Jul/Oct quarter, Jan/Jul half, year) holding the
 *   date, rounded once; null when the date starts a period.
 *
 * Dismissals: a row of an agreement is `dismissed` (status kept; it leaves
 *   the money totals and "need action") while its latest dismissal was made
 *   against the row's current vendor figure and within the agreement's
 *   billing period holding today; a changed count or a new period brings it
 *   back. Undoing a dismissal (a revert decision) removes it from the input.
 *
 * Order: company name, agreement name, product name (or key), key; names
 * compare case-insensitively, missing names last; unmapped rows last by key.
 *
 * Details the rules leave open, settled here:
 * - "Smallest id": all-digit ids compare as numbers ("9" < "10"), others by
 *   code point.
 * - Unmapped rows have no PSA side: psaQuantity "0", variance, price and
 *   impact null (they never count towards money totals).
 * - A `co:` row has no agreement, so its impact uses the billing cycle of its
 *   estimated price (monthly if none).
 * - Stale/suspect warnings are listed in reasons even when another status
 *   wins (e.g. a stale flat-rate row).
 * - Malformed quantity strings in the input throw: they are validated on the
 *   way in, and reading them as 0 would invent usage changes.
 * - A slice of the tenant (one company) reconciles to the same rows given the
 *   tenant-wide suspect services and price estimates (`input.aggregates`).
 */
import { firstOfNextMonth, toIsoDate } from "../shared/dates.ts";
import { draftRows, type RowDraft } from "./allocate.ts";
import { buildRow, buildUnmappedRow, type RowContext } from "./build-row.ts";
import { findSuspectServices, selectLatestCounts } from "./latest-counts.ts";
import { compareStrings, RowOrder } from "./order.ts";
import { indexTenant } from "./tenant-index.ts";
import type { ReconcileInput, ReconRow } from "./types.ts";

export { previewProration, proposeChange } from "./proposal.ts";
export type { ProposeOptions, ProrationInput, ProrationPreview } from "./proposal.ts";

/**
 * The date the comparison is for: the next invoice's, which is also the
 * default effective date of a proposal — the 1st of next month (agreements
 * bill in advance; Gradient and the Autotask practice date approvals there:
 * reference §7.1, §3.3).
 */
export function billingDateOf(now: Date): string {
  return firstOfNextMonth(now);
}

export function reconcile(input: ReconcileInput): ReconRow[] {
  const index = indexTenant(input, toIsoDate(input.now), billingDateOf(input.now));
  const latest = selectLatestCounts(input);
  const ctx: RowContext = {
    index,
    now: input.now,
    nowMs: input.now.getTime(),
    staleAfterHours: input.staleAfterHours,
    suspect: input.aggregates?.suspect ?? findSuspectServices(input, latest),
    calendars: input.calendars ?? new Map(),
    categories: new Map(input.services.map((s) => [s.id, s.category])),
    timings: new Map(),
  };
  const drafts = draftRows(index, latest);
  const mapped = new RowOrder<ReconRow>(drafts.rows.length);
  for (let i = 0; i < drafts.rows.length; i++) mapped.add(buildRow(drafts.rows[i] as RowDraft, ctx));
  const unmapped = drafts.unmapped.map((draft) => buildUnmappedRow(draft, ctx));
  return [...mapped.sorted(), ...unmapped.sort((a, b) => compareStrings(a.key, b.key))];
}
