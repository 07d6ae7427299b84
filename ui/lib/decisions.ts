/**
 * A row's decision state from the agreement's decisions (newest first, from
 * GET /api/v1/agreements/:id/decisions): the latest decision on the row's
 * product says whether a change is pending, applied (revertable), failed, or
 * whether the row was dismissed — dismissals hold for the billing cycle they
 * were made in (the calendar month for monthly agreements; the cycle is read
 * from the row's proposal period, see proration.ts).
 */
import type { DecisionView } from "../../src/shared/api-types.ts";
import { compareDecimals } from "./decimal.ts";
import { formatDay, formatQuantity } from "./format.ts";
import { billingPeriod, type Cycle } from "./proration.ts";

export type RowDecisionState =
  | { kind: "none" }
  | { kind: "pending" | "scheduled" | "applied" | "failed" | "dismissed"; decision: DecisionView };

export const lineKey = (agreementId: string, productKey: string) => `${agreementId}|${productKey}`;

/** Latest decision per agreement line (agreement × product), from decisions newest first as the API answers. */
export function latestByLine(decisions: readonly DecisionView[]): Map<string, DecisionView> {
  const latest = new Map<string, DecisionView>();
  for (const d of decisions) {
    const key = lineKey(d.agreementId, d.productKey);
    if (!latest.has(key)) latest.set(key, d);
  }
  return latest;
}

export function decisionState(latest: DecisionView | undefined, now: Date, cycle: Cycle): RowDecisionState {
  if (!latest) return { kind: "none" };
  if (latest.action === "dismiss") {
    const today = now.toISOString().slice(0, 10);
    const made = latest.createdAt.slice(0, 10);
    return billingPeriod(made, cycle).start === billingPeriod(today, cycle).start ? { kind: "dismissed", decision: latest } : { kind: "none" };
  }
  if (latest.action === "revert" && latest.writebackState !== "pending" && latest.writebackState !== "failed") return { kind: "none" };
  // A cancelled or superseded decision was never written: the row is open again.
  if (latest.writebackState === "cancelled" || latest.writebackState === "superseded") return { kind: "none" };
  if (latest.writebackState === "scheduled") return { kind: "scheduled", decision: latest };
  if (latest.writebackState === "pending") return { kind: "pending", decision: latest };
  if (latest.writebackState === "failed") return { kind: "failed", decision: latest };
  return { kind: "applied", decision: latest };
}

/**
 * An applied approve/adjust that the PSA no longer shows: someone changed the
 * line in the PSA since (found in the demo loop — the row stayed "Applied"
 * with only Revert, and could never be approved again). The PSA's quantity
 * differs from the target, and either the change is already in effect — a
 * ConnectWise write-back replaces the quantity at once (`appliesAtOnce`) — or
 * the PSA holds neither the old nor the new quantity (an Autotask adjustment
 * dated next month leaves this period at the old quantity: not superseded).
 * Approving again is safe: write-back re-reads the PSA and does nothing when
 * it already holds the target.
 */
export function isSupersededByPsa(decision: DecisionView, psaQuantity: string, today: string, appliesAtOnce = false): boolean {
  if ((decision.action !== "approve" && decision.action !== "adjust") || decision.writebackState !== "applied" || decision.newQuantity === null) return false;
  if (compareDecimals(psaQuantity, decision.newQuantity) === 0) return false;
  const inEffect = appliesAtOnce || decision.effectiveDate === null || decision.effectiveDate <= today;
  return inEffect || decision.oldQuantity === null || compareDecimals(psaQuantity, decision.oldQuantity) !== 0;
}

/**
 * What a decision did or will do in the PSA, in the API's words for it
 * (writeMode, writeOn, firstBilledOn; issue 9 "say applies now only when it
 * does"). Only ConnectWise takes a change at once or has it scheduled (an
 * agreement without prorateFlag); the rest is written with its date.
 */
export function describeWrite(d: DecisionView): string {
  const name = "ConnectWise";
  const qty = formatQuantity(d.newQuantity ?? "0");
  const billed = d.firstBilledOn ? ` — first billed on the ${formatDay(d.firstBilledOn)} invoice` : "";
  if (d.writebackState === "scheduled") return `Scheduled for ${formatDay(d.writeOn ?? d.effectiveDate ?? "")}: ${qty} in ${name}${billed}`;
  if (d.writeMode === "now") return `Applied ${qty} now in ${name}${billed}`;
  if (d.writeMode === "scheduled") return `Applied ${qty} in ${name} on ${formatDay(d.writeOn ?? "")}${billed}`;
  return `Applied ${qty} from ${d.effectiveDate ? formatDay(d.effectiveDate) : "now"}`;
}

/** An applied approve/adjust of an existing line can be reverted (an added line has no line id on the decision; the API refuses it). */
export function isRevertable(decision: DecisionView): boolean {
  return (decision.action === "approve" || decision.action === "adjust") && decision.writebackState === "applied" && decision.lineId !== null;
}

/** 16 random bytes as hex: an Idempotency-Key (works outside secure contexts, unlike randomUUID). */
export function newIdempotencyKey(): string {
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Partly fixed: an applied approve/adjust the PSA now holds (its quantity is the
 * decision's), on a row that still has a variance — an adjust to less than the
 * vendor count, or usage that moved since. The row shows what remains and
 * offers its actions again (issue 9 §2 "Partly fixed rows").
 */
export function isPartlyFixed(decision: DecisionView, row: { psaQuantity: string; variance: string | null; status: string }): boolean {
  if ((decision.action !== "approve" && decision.action !== "adjust") || decision.writebackState !== "applied" || decision.newQuantity === null) return false;
  if (row.status !== "increase" && row.status !== "decrease" && row.status !== "missing-line") return false;
  return compareDecimals(row.psaQuantity, decision.newQuantity) === 0 && row.variance !== null && compareDecimals(row.variance, "0") !== 0;
}

/** A failed write-back in plain words, once, with what to do (the PSA's message as it said it). */
export function failureText(message: string): string {
  const reason = message.trim().replace(/\.+$/, "") || "no reason given";
  return `The PSA did not take the change: ${reason}. Check the line in the PSA, then try again.`;
}
