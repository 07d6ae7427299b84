/**
 * Types shared by the Worker API and the pod UI (the UI imports nothing else
 * from src/). They describe JSON on the wire.
 */
export type {
  DecimalString,
  Proposal,
  ReconRow,
  ReconStatus,
  RowLine,
  RowSource,
} from "../core/reconcile/types.ts";
export { RECON_STATUSES } from "../core/reconcile/types.ts";

import type { ReconRow, ReconStatus } from "../core/reconcile/types.ts";

/** Money totals per currency: under-billed (increase) and over-billed (decrease) per month. */
export interface ReconTotals {
  currency: string;
  underBilledMonthlyMinor: number;
  overBilledMonthlyMinor: number;
}

/** A persisted row carries the time it was computed (its freshness). */
export type ReconRowView = ReconRow & { computedAt?: string };

/** One agreement's view (`GET /api/v1/agreements/:id/reconciliation`): every row, no paging. */
export interface ReconciliationResponse {
  generatedAt: string;
  /** Money per currency, dismissed rows excluded. */
  totals: ReconTotals[];
  /** Rows per status (dismissed rows included: they keep their status). */
  counts: Record<string, number>;
  /** Rows whose dismissal holds (they leave the totals and "need action"). */
  dismissed: number;
  rows: ReconRowView[];
}

/**
 * `GET /api/v1/reconciliation`: one page of rows in the engine's order;
 * totals and counts cover the whole filter. `nextCursor` fetches the next
 * page; `freshness.pendingScopes` counts companies whose rows are still being
 * recomputed after a large change (0 = every row is current).
 */
export interface ReconciliationPage extends ReconciliationResponse {
  nextCursor: string | null;
  freshness: { pendingScopes: number };
}

// ─── Decisions and write-back (POST/GET /api/v1/decisions) ──────────────────

export const DECISION_ACTIONS = ["approve", "adjust", "dismiss", "revert"] as const;
export type DecisionAction = (typeof DECISION_ACTIONS)[number];
/**
 * `superseded`: a newer decision on the same line replaced it before it was written (writebackError says which).
 * `scheduled`: held by Trueup and written on `writeOn` (the PSA cannot take the date); `cancelled`: cancelled before that.
 */
export type WritebackState = "scheduled" | "pending" | "applied" | "failed" | "not-required" | "superseded" | "cancelled";
/** How the PSA takes a decision: written at once, written with its effective date (the PSA prorates), or held and written on `writeOn`. */
export type WriteMode = "now" | "with-date" | "scheduled";

/**
 * `POST /api/v1/decisions` (tenant key or pod session), optional
 * `Idempotency-Key` header → `202 {decision}`.
 * - approve: write the row's proposal (or `quantity`) to `lineId` (default: the row's target line).
 * - adjust: write `quantity` (required) to `lineId`.
 * - dismiss: no write-back; the row stays dismissed for the billing cycle (`note` = reason).
 * - revert: restore the quantity from before the applied decision `revertsDecisionId`.
 */
export interface DecisionRequest {
  agreementId: string;
  lineId?: string;
  productKey?: string;
  action: DecisionAction;
  quantity?: string;
  effectiveDate?: string;
  note?: string;
  revertsDecisionId?: string;
}

export interface DecisionView {
  id: string;
  agreementId: string;
  lineId: string | null;
  productKey: string;
  action: DecisionAction;
  actor: string;
  oldQuantity: string | null;
  newQuantity: string | null;
  effectiveDate: string | null;
  note: string | null;
  revertsDecisionId: string | null;
  writebackState: WritebackState;
  /** The PSA's reason when write-back failed, in plain words with what to do. */
  writebackError: string | null;
  /** How the PSA takes it (null for a dismissal). */
  writeMode: WriteMode | null;
  /** The day a scheduled decision is written; null = written when approved. */
  writeOn: string | null;
  /** The first invoice that bills the new quantity in full. */
  firstBilledOn: string | null;
  createdAt: string;
  updatedAt: string;
}

/** `GET /api/v1/decisions/:id` → `{decision}`; `GET /api/v1/agreements/:id/decisions` → `{decisions}` (newest first). */
export interface DecisionResponse {
  decision: DecisionView;
}
export interface DecisionListResponse {
  decisions: DecisionView[];
}

// ─── Mapping (GET/POST /api/v1/mappings/…) ───────────────────────────────────

export interface CompanySuggestion {
  companyId: string;
  companyName: string;
  /** 0–100. */
  confidence: number;
}

export interface ProductSuggestion {
  productKey: string;
  productName: string;
  confidence: number;
}

/** `GET /api/v1/mappings/unmapped[?companyId=]` */
export interface UnmappedResponse {
  accounts: Array<{
    accountId: string;
    integrationId: string;
    integrationName: string;
    externalId: string;
    name: string;
    suggestions: CompanySuggestion[];
  }>;
  /** Services used by mapped accounts but mapped to no PSA product (filter: accounts of `companyId`). */
  services: Array<{
    serviceId: string;
    integrationId: string;
    integrationName: string;
    externalId: string;
    name: string;
    category: "seat" | "consumption";
    suggestions: ProductSuggestion[];
  }>;
}

/** `POST /api/v1/mappings/accounts` → 200; re-reconciles the affected agreements. */
export interface MapAccountRequest {
  accountId: string;
  companyId: string;
  agreementId?: string | null;
}

/**
 * A count rule as the API sends it (src/core/reconcile/count-rules.ts; docs/api-ingest.md "Count rules"):
 * basis → × multiplier → + offset → rounding to a step → minimum → maximum, decimals as strings.
 */
export interface CountRuleView {
  basis: "total" | "assigned" | "consumed" | "active";
  multiplier: string;
  offset: string;
  round: { mode: "none" | "up" | "down" | "nearest"; step: string };
  minimum: string | null;
  maximum: string | null;
  split?: { mode: "fixed"; quantity: string } | { mode: "remainder" } | { mode: "weight"; weight: string };
}

/** `POST /api/v1/mappings/services` → 201. `rule` absent: a new mapping bills the count as it is, an existing one keeps its rule. */
export interface MapServiceRequest {
  serviceId: string;
  productKey: string;
  rule?: Partial<Omit<CountRuleView, "round">> & { round?: Partial<CountRuleView["round"]> };
}

/** `GET /api/v1/mappings/services/:serviceId/:productKey` and each service of `GET /api/v1/mappings`. */
export interface ServiceMappingView {
  serviceId: string;
  serviceName: string;
  productKey: string;
  rule: CountRuleView;
  createdBy: string;
  createdAt: string;
}

/** `GET /api/v1/products` → PSA products known from agreement lines, for mapping pickers. */
export interface ProductListResponse {
  products: Array<{ productKey: string; productName: string }>;
}

/** `GET /api/v1/companies` */
export interface CompanyListResponse {
  companies: Array<{ companyId: string; name: string; identifier: string | null }>;
}

/**
 * Suggestions at or above this confidence are near-exact (equal domain, equal
 * normalised name, or the company identifier — see core/usage/name-match.ts)
 * and may be preselected in a picker; weaker ones are listed, never chosen.
 */
export const PRESELECT_CONFIDENCE = 90;

/** `POST /api/v1/mappings/accounts` → 200: the mapping set and the one it replaced (for Undo). */
export interface MapAccountResponse {
  mapping: { accountId: string; companyId: string; agreementId: string | null };
  previous: { companyId: string; agreementId: string | null } | null;
}

/** The figures of one row before or after a mapping. */
export interface PreviewFigures {
  status: ReconStatus;
  psaQuantity: string;
  vendorQuantity: string | null;
  variance: string | null;
  monthlyImpactMinor: number | null;
  currency: string | null;
  priceSource: "line" | "catalog-estimate" | null;
}

export interface MappingPreviewChange {
  key: string;
  change: "appears" | "changes" | "disappears";
  /** Product name, else the vendor service's. */
  title: string;
  companyName: string | null;
  agreementName: string | null;
  before: PreviewFigures | null;
  after: PreviewFigures | null;
}

/**
 * `POST /api/v1/mappings/preview` (body of POST /mappings/accounts or /mappings/services) → 200:
 * the rows the mapping would add, change or remove, and how the totals per month would move
 * (dismissed rows excluded, as in the totals). Nothing is saved.
 */
export interface MappingPreviewResponse {
  changes: MappingPreviewChange[];
  totals: Array<{ currency: string; underBilledDeltaMinor: number; overBilledDeltaMinor: number }>;
  /** More companies use the service than were previewed (the first 25 by id are). */
  truncated: boolean;
}

/** `GET /api/v1/mappings/ignored`: vendor accounts marked "Not a customer / ignore". */
export interface IgnoredAccountsResponse {
  accounts: Array<{ accountId: string; integrationId: string; integrationName: string; externalId: string; name: string; ignoredAt: string; ignoredBy: string }>;
}
