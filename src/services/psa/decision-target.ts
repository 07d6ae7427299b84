/**
 * Resolves what a decision writes: the line, the target quantity and the
 * effective date, from the request and — for an approval without a quantity
 * — the reconciliation engine's proposal for the row (core/reconcile
 * proposeChange, the same function the engine uses). Rules:
 * - approve: `quantity` or the proposal's toQuantity; the line is `lineId`
 *   or the row's target line; none (a missing line) = the line is added;
 * - adjust: `quantity` is required; same line rule;
 * - revert: the quantity the PSA held before the applied decision
 *   `revertsDecisionId`, on that decision's line;
 * - dismiss: nothing is written; reverting a dismissal undoes it (nothing written either).
 * Effective date: ConnectWise applies immediately unless a date is chosen
 * (null = immediately); Autotask defaults to the 1st of next month.
 */
import { proposeChange } from "../../core/reconcile/engine.ts";
import type { BillingCycle, ReconRow } from "../../core/reconcile/types.ts";
import { planWriteTiming, type WriteTiming } from "../../core/reconcile/write-timing.ts";
import { firstOfNextMonth, parseIsoDate, toIsoDate } from "../../core/shared/dates.ts";
import { compareDecimal, parseDecimal } from "../../core/shared/decimal.ts";
import type { Db } from "../../db/client.ts";
import { findDecision } from "../../db/repos/psa-decisions.ts";
import { findAgreementState, findLine } from "../../db/repos/psa-records.ts";
import type { agreements } from "../../db/schema.ts";
import { AppError } from "../../errors.ts";
import type { DecisionRequest } from "../../shared/api-types.ts";
import { readRow } from "../../db/repos/recon-rows.ts";
import { ensureScopeFresh } from "../recon/recompute.ts";

type Agreement = typeof agreements.$inferSelect;
type Line = NonNullable<Awaited<ReturnType<typeof findLine>>>;

export interface ResolvedTarget {
  line: Line | null;
  productKey: string;
  newQuantity: string | null;
  effectiveDate: string | null;
  row: ReconRow | null;
  /** Whether the decision writes to the PSA (a dismissal and undoing one don't). */
  writes: boolean;
}

/**
 * How the PSA takes a write on this agreement at `effectiveDate` — the one
 * rule, core/reconcile/write-timing.ts, fed with the agreement's facts
 * (PSA, prorateFlag as synced, billing cycle, start date).
 */
export async function timingOf(db: Db, tenantId: string, agreement: Agreement, effectiveDate: string, now: Date): Promise<WriteTiming> {
  const state = await findAgreementState(db, tenantId, agreement.id);
  const facts = { psa: agreement.psa as "connectwise" | "autotask" | "demo", prorates: state?.allowsEffectiveDate ?? false, billingCycle: agreement.billingCycle as BillingCycle, startDate: agreement.startDate };
  return planWriteTiming(facts, effectiveDate, firstOfNextMonth(now));
}

async function lineOf(db: Db, tenantId: string, agreementId: string, lineId: string): Promise<Line> {
  const line = await findLine(db, tenantId, lineId);
  if (!line || line.agreementId !== agreementId) throw new AppError("validation_failed", "body.lineId: not a line of this agreement");
  return line;
}

function quantityOf(text: string): string {
  const parsed = parseDecimal(text);
  if (!parsed.ok) throw new AppError("validation_failed", `body.quantity: ${parsed.error}`);
  if (compareDecimal(parsed.value, "0") < 0) throw new AppError("validation_failed", "body.quantity: must not be negative");
  return parsed.value;
}

/**
 * The pod and this API default to the same date: the proposal's, the next
 * invoice's (the 1st of next month). How the PSA takes it (at once, with the
 * date, or scheduled) is core/reconcile/write-timing.ts.
 */
function effectiveDateOf(req: DecisionRequest, now: Date): string {
  if (req.effectiveDate !== undefined) {
    const parsed = parseIsoDate(req.effectiveDate);
    if (!parsed.ok) throw new AppError("validation_failed", `body.effectiveDate: ${parsed.error}`);
    if (parsed.value < toIsoDate(now)) throw new AppError("validation_failed", "body.effectiveDate: must not be in the past");
    return parsed.value;
  }
  return firstOfNextMonth(now);
}

/** The persisted row of (agreement, product), made current first: a company's worth of work, never the tenant's. */
async function rowOf(db: Db, tenantId: string, agreement: Agreement, productKey: string, now: Date): Promise<ReconRow | null> {
  await ensureScopeFresh(db, tenantId, agreement.companyId, now);
  return readRow(db, tenantId, `agr:${agreement.id}:${productKey}`);
}

export async function resolveTarget(db: Db, tenantId: string, req: DecisionRequest, agreement: Agreement, now: Date): Promise<ResolvedTarget> {
  if (req.action === "revert") return resolveRevert(db, tenantId, req, agreement, now);
  const given = req.lineId ? await lineOf(db, tenantId, agreement.id, req.lineId) : null;
  if (given && req.productKey !== undefined && req.productKey !== given.productKey) {
    throw new AppError("validation_failed", `body.productKey: line ${given.id} is product ${given.productKey}`);
  }
  const productKey = given?.productKey ?? req.productKey;
  if (!productKey) throw new AppError("validation_failed", "body.productKey: required when lineId is not given");
  const row = await rowOf(db, tenantId, agreement, productKey, now);
  if (req.action === "dismiss") return { line: given, productKey, newQuantity: null, effectiveDate: null, row, writes: false };
  let quantity = req.quantity === undefined ? null : quantityOf(req.quantity);
  let lineId = given?.id ?? row?.targetLineId ?? null;
  if (req.action === "adjust" && quantity === null) throw new AppError("validation_failed", "body.quantity: required for adjust");
  if (quantity === null) {
    if (!row) throw new AppError("conflict", `No reconciliation row for ${productKey} on this agreement`);
    const state = await findAgreementState(db, tenantId, agreement.id);
    const timing = { psa: agreement.psa as "connectwise" | "autotask" | "demo", prorates: state?.allowsEffectiveDate ?? false, startDate: agreement.startDate };
    const proposal = proposeChange(row, { now, billingCycle: agreement.billingCycle as BillingCycle, agreement: timing, lineId: given?.id, effectiveDate: req.effectiveDate });
    if (!proposal.ok) throw new AppError("conflict", proposal.error);
    quantity = proposal.value.toQuantity;
    lineId = proposal.value.targetLineId;
  }
  // No line: a missing line, added in the PSA by the write-back (after decisions.ts checked the PSA can).
  if (!lineId) {
    if (quantity !== null && compareDecimal(quantity, "0") <= 0) throw new AppError("validation_failed", "body.quantity: a new line needs a quantity above 0");
    return { line: null, productKey, newQuantity: quantity, effectiveDate: effectiveDateOf(req, now), row, writes: true };
  }
  const line = given ?? (await lineOf(db, tenantId, agreement.id, lineId));
  return { line, productKey, newQuantity: quantity, effectiveDate: effectiveDateOf(req, now), row, writes: true };
}

async function resolveRevert(db: Db, tenantId: string, req: DecisionRequest, agreement: Agreement, now: Date): Promise<ResolvedTarget> {
  if (!req.revertsDecisionId) throw new AppError("validation_failed", "body.revertsDecisionId: required for revert");
  const reverted = await findDecision(db, tenantId, req.revertsDecisionId);
  if (!reverted || reverted.agreementId !== agreement.id) throw new AppError("validation_failed", "body.revertsDecisionId: not a decision of this agreement");
  // Undoing a dismissal brings the row back; nothing is written to the PSA.
  if (reverted.action === "dismiss") {
    return { line: null, productKey: reverted.productKey, newQuantity: null, effectiveDate: null, row: await rowOf(db, tenantId, agreement, reverted.productKey, now), writes: false };
  }
  if (reverted.writebackState !== "applied" || !reverted.lineId || reverted.oldQuantity === null) {
    throw new AppError("conflict", "Only an applied write-back can be reverted");
  }
  const line = await lineOf(db, tenantId, agreement.id, reverted.lineId);
  return { line, productKey: line.productKey, newQuantity: reverted.oldQuantity, effectiveDate: effectiveDateOf(req, now), row: null, writes: true };
}
