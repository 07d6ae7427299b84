/**
 * The shape every ingestion path produces before anything is written: one
 * count per vendor account × vendor service × billing period, named by the
 * vendor's own ids, with provenance. The storage layer appends these to the
 * count ledger and applies them from there.
 */
import type { DecimalString, ServiceCategory } from "../reconcile/types.ts";

export type CountSourceKind = "push" | "vendor-api" | "import" | "pull";

export interface CountDraft {
  accountExternalId: string;
  /** Null: the source did not name the account (keep the stored name). */
  accountName: string | null;
  /** Free text; Partner Center and CIPP put the tenant's domain here (used for auto-matching). */
  accountDescription: string | null;
  serviceExternalId: string;
  serviceName: string | null;
  serviceCategory: ServiceCategory | null;
  serviceUnit: string | null;
  period: string;
  quantity: DecimalString;
  costMinor: number | null;
  costCurrency: string | null;
  /** ISO-8601 instant in `toISOString()` form, so text comparison orders it. */
  observedAt: string;
  sourceRef: string;
  lineCount: number | null;
  /** observedAt was older than the late window on arrival (push-counts LATE_AFTER_DAYS): kept, applied, marked. */
  late?: boolean;
  /** Which measure of the service (core/reconcile/count-rules.ts MEASURES); absent = total. */
  measure?: string;
}

/** Key of a count: a second count with the same key replaces the first only when it is not older. */
export function countKey(draft: Pick<CountDraft, "accountExternalId" | "serviceExternalId" | "period" | "measure">): string {
  return `${draft.accountExternalId}\u0000${draft.serviceExternalId}\u0000${draft.period}\u0000${draft.measure ?? "total"}`;
}
