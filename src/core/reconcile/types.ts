/**
 * Plain-data contract of the reconciliation engine.
 *
 * Everything here is serialisable data: the engine receives it from the
 * services layer (which loads it from D1) and returns rows the API and the
 * pod render. Quantities are exact decimal strings (never binary floats);
 * money is integer minor units (cents) with an ISO-4217 currency code.
 * Dates are UTC calendar dates `YYYY-MM-DD`; instants are ISO-8601 strings.
 */
import type { SourceCalendar } from "./calendar.ts";
import type { CountRule } from "./count-rules.ts";

/** An exact decimal number as a canonical string, e.g. "12", "0.5", "-3.25". */
export type DecimalString = string;

/** How often an agreement bills; unit prices are per cycle. */
export type { BillingCycle } from "../../shared/dates.ts";
import type { BillingCycle } from "../../shared/dates.ts";

/** ConnectWise `billCustomer` values; Autotask services are always `Billable`. */
export type BillCustomer = "Billable" | "DoNotBill" | "NoCharge";

export type ServiceCategory = "seat" | "consumption";

export type SourceKind = "push" | "vendor-api" | "import" | "pull" | "seed";

export const RECON_STATUSES = [
  "match",
  "increase",
  "decrease",
  "unmapped-account",
  "unmapped-service",
  "missing-line",
  "no-usage",
  "stale",
  "suspect",
  "flat-rate",
  "waiting",
] as const;
export type ReconStatus = (typeof RECON_STATUSES)[number];

export interface CompanyInput {
  id: string;
  name: string;
}

export interface AgreementInput {
  id: string;
  companyId: string;
  name: string;
  /** Agreement type name as the PSA shows it (e.g. "Managed Services"). */
  type: string;
  /** PSA status; only "active" counts. */
  status: string;
  cancelled: boolean;
  billingCycle: BillingCycle;
  startDate: string | null;
  endDate: string | null;
  /** Tagged flat-rate: shown for sanity, never proposed for change. */
  flatRate: boolean;
  currency: string;
  /** Which PSA the agreement lives in (decides how a change is written; see write-timing.ts). */
  psa?: "connectwise" | "autotask" | "demo";
  /** ConnectWise prorateFlag: a change may carry an effective date and is prorated from it. */
  prorates?: boolean;
}

export interface LineInput {
  id: string;
  agreementId: string;
  /** PSA product identifier (ConnectWise product.identifier, Autotask serviceID). */
  productKey: string;
  productName: string;
  quantity: DecimalString;
  /** ConnectWise bills max(0, quantity − lessIncluded) units of an addition. */
  lessIncluded: DecimalString;
  /** The price rounded to minor units (display, and the price when `unitPrice` is absent). */
  unitPriceMinor: number;
  unitCostMinor: number;
  /** The PSA's exact unit price and cost in major units ("1.995"); when absent, the minor units above are exact. */
  unitPrice?: DecimalString;
  unitCost?: DecimalString;
  currency: string;
  billCustomer: BillCustomer;
  effectiveDate: string | null;
  cancelledDate: string | null;
}

export interface VendorAccountInput {
  id: string;
  integrationId: string;
  externalId: string;
  name: string;
}

export interface VendorServiceInput {
  id: string;
  integrationId: string;
  externalId: string;
  name: string;
  category: ServiceCategory;
}

export interface AccountMappingInput {
  accountId: string;
  companyId: string;
  /** Optional pin: usage of this account reconciles against this agreement only. */
  agreementId: string | null;
}

export interface ServiceMappingInput {
  serviceId: string;
  productKey: string;
  /** How the mapped count becomes the billed count (count-rules.ts); absent = the count as it is. */
  rule?: CountRule;
}

export interface UsageCountInput {
  accountId: string;
  serviceId: string;
  /** Billing period `YYYY-MM`. */
  period: string;
  quantity: DecimalString;
  costMinor: number | null;
  costCurrency: string | null;
  /** When the vendor observed the quantity (ISO-8601 instant). */
  observedAt: string;
  sourceKind: SourceKind;
  sourceRef: string;
  /** Which measure of the service (count-rules.ts MEASURES); absent = "total". */
  measure?: string;
}

/**
 * A product's estimated price: its most common current price in the tenant
 * (ties → the lowest), with the cost most common among the lines at that
 * price (ties → lowest) and the billing cycle those prices are per.
 */
export interface CatalogEntry {
  productName: string;
  unitPrice: DecimalString;
  unitCost: DecimalString;
  currency: string;
  /** null when the lines' agreements bill on no cycle. */
  billingCycle: BillingCycle | null;
  /** How many current lines carry this price (the evidence shown with the estimate). */
  lineCount: number;
}

/**
 * The two tenant-wide facts a row can depend on. A reconciliation of one
 * company's slice of the tenant passes them in (the persisted path keeps them
 * in small aggregates); without them the engine derives them from its input,
 * which is then the whole tenant.
 */
export interface ReconAggregates {
  /** serviceId → accounts reporting it, only for services that are suspect. */
  suspect: ReadonlyMap<string, number>;
  /** productKey → the line its price is estimated from (only products that need one may be present). */
  catalog: ReadonlyMap<string, CatalogEntry>;
}

/** A dismissal decision that was not undone (the engine decides whether it still holds). */
export interface DismissalInput {
  decisionId: string;
  agreementId: string;
  productKey: string;
  actor: string;
  reason: string | null;
  /** ISO instant of the decision. */
  at: string;
  /** The vendor figure it was made against. */
  vendorQuantity: DecimalString | null;
}

export interface ReconcileInput {
  /** The clock, passed in: the engine never reads the time itself. */
  now: Date;
  /** A row whose newest count is older than this is `stale`. */
  staleAfterHours: number;
  companies: readonly CompanyInput[];
  agreements: readonly AgreementInput[];
  lines: readonly LineInput[];
  accounts: readonly VendorAccountInput[];
  services: readonly VendorServiceInput[];
  accountMappings: readonly AccountMappingInput[];
  serviceMappings: readonly ServiceMappingInput[];
  counts: readonly UsageCountInput[];
  /** Arrears calendars by vendor integration id (absent: every source reports the current month). */
  calendars?: ReadonlyMap<string, SourceCalendar>;
  /** Dismissals of rows (absent = none). */
  dismissals?: readonly DismissalInput[];
  /** Tenant-wide facts for a slice of the tenant (see ReconAggregates); derived from the input when absent. */
  aggregates?: ReconAggregates;
}

export interface RowLine {
  lineId: string;
  quantity: DecimalString;
  unitPriceMinor: number;
  /** Exact unit price in major units. */
  unitPrice: DecimalString;
  lessIncluded: DecimalString;
}

/** A line of the row's product that is not in effect on the billing date but starts or ends around it. */
export interface UpcomingLine {
  lineId: string;
  quantity: DecimalString;
  /** "starts": effective after the billing date; "ends": cancelled on or after today. */
  change: "starts" | "ends";
  date: string;
}

export interface RowSource {
  /** Under a count rule: the raw count and how it became `quantity` ("23 assigned → min 25 → 25"). */
  rawQuantity?: DecimalString;
  rule?: string;
  accountId: string;
  accountName: string;
  serviceId: string;
  serviceName: string;
  integrationId: string;
  quantity: DecimalString;
  period: string;
  observedAt: string;
  sourceKind: SourceKind;
  sourceRef: string;
}

export interface Proposal {
  /** The line the change is written to (null for a missing line: a line must be added). */
  targetLineId: string | null;
  fromQuantity: DecimalString;
  toQuantity: DecimalString;
  /** Defaults to the 1st of next month (UTC): the next invoice's date. */
  effectiveDate: string;
  /**
   * How the PSA takes it: "now" (written at once, first billed by the next
   * invoice), "with-date" (written now with the effective date; the PSA
   * prorates), "scheduled" (held by Trueup and written on the date).
   */
  writeMode: "now" | "with-date" | "scheduled";
  /** The day a scheduled write reaches the PSA; null = written when approved. */
  writeOn: string | null;
  /** The first invoice date that bills the new quantity in full. */
  firstBilledOn: string;
  /** What the PSA bills for the rest of its period holding the date; null when it doesn't prorate or the date starts a period. */
  prorationMinor: number | null;
  remainingDays: number;
  periodDays: number;
  /**
   * Whether Trueup can write it: false for a missing line with no agreement
   * to add it to (a `co:` row); `reason` says why in plain words.
   */
  canApply: boolean;
  reason: string | null;
}

export interface ReconRow {
  /** Stable key of the row: agreement+product, or account+service for unmapped usage. */
  key: string;
  status: ReconStatus;
  companyId: string | null;
  companyName: string | null;
  agreementId: string | null;
  agreementName: string | null;
  productKey: string | null;
  productName: string | null;
  psaQuantity: DecimalString;
  vendorQuantity: DecimalString | null;
  variance: DecimalString | null;
  unitPriceMinor: number | null;
  unitCostMinor: number | null;
  /** Exact unit price and cost in major units ("1.995"); money is computed from these and rounded once per figure. */
  unitPrice: DecimalString | null;
  unitCost: DecimalString | null;
  /** Where the unit price came from: the target line, or an estimate (the product's most common price in the tenant). */
  priceSource: "line" | "catalog-estimate" | null;
  currency: string | null;
  monthlyImpactMinor: number | null;
  unitMarginMinor: number | null;
  /** Margin as a percentage of price, one decimal ("42.5"); null when the price is 0. */
  marginPct: string | null;
  lines: RowLine[];
  targetLineId: string | null;
  sources: RowSource[];
  /** Oldest observedAt among the sources (the figure is at least this fresh). */
  asOf: string | null;
  /** The date the comparison is for: the next invoice's (the default effective date). Lines count when in effect on it. */
  billingDate: string;
  /** Lines of the product that start after the billing date or end around it: shown, not counted. */
  upcoming: UpcomingLine[];
  /**
   * When a company carries the product on several agreements, usage is compared
   * company-wide: the rows' variances add up to vendor − PSA for the company and
   * only the target agreement's row carries the proposal.
   */
  pooled: { agreements: number; vendorTotal: DecimalString; psaTotal: DecimalString; targetAgreementId: string } | null;
  proposal: Proposal | null;
  /**
   * Set while a dismissal holds: the row keeps its status but leaves the money
   * totals and "need action" until the vendor count changes or the billing
   * period it was dismissed in ends.
   */
  dismissed: { decisionId: string; by: string; at: string; reason: string | null } | null;
  /** Human-readable explanations (why stale, why suspect, why no proposal). */
  reasons: string[];
}
