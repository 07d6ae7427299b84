/**
 * Whether a dismissal still holds. A dismissed row leaves the totals and
 * "need action" (issue 9) until either the vendor count changes — the figure
 * it was dismissed against no longer stands — or the agreement's billing
 * period it was dismissed in ends: each period starts from a clean slate
 * (Gradient: a card dismissed "won't reappear for the month", §7.1).
 */
import { billingPeriodContaining } from "../shared/dates.ts";
import { compareStrings } from "./order.ts";
import type { AgreementInput, DismissalInput, ReconRow } from "./types.ts";

/** (agreement, product) → its latest dismissal (by time, then decision id). */
export function indexDismissals(dismissals: readonly DismissalInput[] | undefined): Map<string, DismissalInput> {
  const latest = new Map<string, DismissalInput>();
  for (const d of dismissals ?? []) {
    const key = `${d.agreementId}\u0000${d.productKey}`;
    const current = latest.get(key);
    if (!current || compareStrings(d.at, current.at) > 0 || (d.at === current.at && compareStrings(d.decisionId, current.decisionId) > 0)) latest.set(key, d);
  }
  return latest;
}

export function findDismissal(
  row: Pick<ReconRow, "productKey" | "vendorQuantity">,
  agreement: AgreementInput | null,
  dismissals: ReadonlyMap<string, DismissalInput>,
  today: string,
): ReconRow["dismissed"] {
  if (!agreement || row.productKey === null || agreement.billingCycle === "none") return null;
  const d = dismissals.get(`${agreement.id}\u0000${row.productKey}`);
  if (!d || d.vendorQuantity !== row.vendorQuantity) return null;
  const period = billingPeriodContaining(today, agreement.billingCycle);
  if (d.at.slice(0, 10) < period.start) return null;
  return { decisionId: d.decisionId, by: d.actor, at: d.at, reason: d.reason };
}
