/**
 * Decisions API: record a decision and its audit row in one batch and queue
 * its write-back (`psa.writeback`); dismissals need none; a decision the PSA
 * can only take on its date is stored `scheduled` and released on the day
 * (decision-lifecycle.ts). An Idempotency-Key
 * makes a resubmitted decision return the first one; a new write on a line
 * supersedes older pending and scheduled ones there (write-backs in order); a different body with the same key is a 409. The audit row keeps who, when, old and new
 * quantity, and the vendor counts behind the decision.
 */
import type { Db } from "../../db/client.ts";
import { auditStatement } from "../../db/repos/audit.ts";
import { agreementDecisionsQuery, type DecisionRow, findDecision, findDecisionByIdempotencyKey, insertDecisionStatement, supersedeOlderOnLineStatement } from "../../db/repos/psa-decisions.ts";
import { findConnectedIntegration } from "../../db/repos/psa-integrations.ts";
import { agreementQuery, findAgreement } from "../../db/repos/snapshot.ts";
import type { Env, TenantPrincipal } from "../../env.ts";
import { AppError } from "../../errors.ts";
import type { DecisionAction, DecisionRequest, DecisionView, WriteMode, WritebackState } from "../../shared/api-types.ts";
import { newId } from "../secrets.ts";
import { assertLineCanBeAdded } from "./add-line-check.ts";
import { resolveTarget, timingOf } from "./decision-target.ts";
import { enqueueJob } from "./jobs.ts";

export function toDecisionView(row: DecisionRow): DecisionView {
  return {
    id: row.id,
    agreementId: row.agreementId,
    lineId: row.lineId,
    productKey: row.productKey,
    action: row.action as DecisionAction,
    actor: row.actor,
    oldQuantity: row.oldQuantity,
    newQuantity: row.newQuantity,
    effectiveDate: row.effectiveDate,
    note: row.note,
    revertsDecisionId: row.revertsDecisionId,
    writebackState: row.writebackState as WritebackState,
    writebackError: row.writebackError,
    writeMode: row.writeMode as WriteMode | null,
    writeOn: row.writeOn,
    firstBilledOn: row.firstBilledOn,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

/**
 * Whether a request replays the decision stored under its Idempotency-Key:
 * every field the request gave must match what the decision recorded —
 * agreement, action, line, product, quantity, effective date, note and the
 * reverted decision. A field the request left out matches what the first
 * request resolved it to (the same body resolves the same way); a field it
 * gives with another value is a different request → 409.
 */
function sameRequest(row: DecisionRow, req: DecisionRequest): boolean {
  const given = <T>(value: T | undefined, stored: T | null) => value === undefined || value === stored;
  return (
    row.agreementId === req.agreementId &&
    row.action === req.action &&
    given(req.lineId, row.lineId) &&
    given(req.productKey, row.productKey) &&
    given(req.quantity, row.newQuantity) &&
    // A dismissal records no date; a date given with one is not part of what was decided.
    (row.effectiveDate === null || given(req.effectiveDate, row.effectiveDate)) &&
    (req.note ?? null) === row.note &&
    (req.revertsDecisionId ?? null) === row.revertsDecisionId
  );
}

async function replayed(db: Db, tenantId: string, key: string | null, req: DecisionRequest): Promise<DecisionRow | null> {
  if (!key) return null;
  const existing = await findDecisionByIdempotencyKey(db, tenantId, key);
  if (existing && !sameRequest(existing, req)) throw new AppError("conflict", "Idempotency-Key was already used for a different decision");
  return existing;
}

export async function createDecision(env: Env, db: Db, who: TenantPrincipal, req: DecisionRequest, idempotencyKey: string | null, now: Date): Promise<DecisionRow> {
  const earlier = await replayed(db, who.tenantId, idempotencyKey, req);
  if (earlier) return earlier;
  const agreement = await findAgreement(db, who.tenantId, req.agreementId);
  if (!agreement) throw new AppError("not_found", "Agreement not found");
  const target = await resolveTarget(db, who.tenantId, req, agreement, now);
  const writes = target.writes;
  const integration = writes ? await findConnectedIntegration(db, who.tenantId, agreement.psa) : null;
  if (writes && !integration) {
    throw new AppError("conflict", `The agreement comes from "${agreement.psa}", which has no connected PSA to write back to`);
  }
  if (writes && integration && !target.line) await assertLineCanBeAdded(env, db, integration, target.productKey);
  // How the PSA takes it (one rule): a date it cannot take is held and written on the day.
  const timing = writes && target.effectiveDate ? await timingOf(db, who.tenantId, agreement, target.effectiveDate, now) : null;
  const at = now.toISOString();
  const row: DecisionRow = {
    id: newId("dec"),
    tenantId: who.tenantId,
    agreementId: agreement.id,
    lineId: target.line?.id ?? null,
    productKey: target.productKey,
    action: req.action,
    actor: who.actor,
    // A missing line to add starts from 0.
    oldQuantity: target.line?.quantity ?? (writes ? "0" : null),
    newQuantity: target.newQuantity,
    effectiveDate: target.effectiveDate,
    note: req.note ?? null,
    revertsDecisionId: req.revertsDecisionId ?? null,
    vendorQuantity: target.row?.vendorQuantity ?? null,
    writebackState: !writes ? "not-required" : timing?.mode === "scheduled" ? "scheduled" : "pending",
    writebackError: null,
    writeMode: timing?.mode ?? null,
    writeOn: timing?.writeOn ?? null,
    firstBilledOn: timing?.firstBilledOn ?? null,
    retriedAt: null,
    idempotencyKey,
    createdAt: at,
    updatedAt: at,
  };
  const evidence = target.row
    ? { status: target.row.status, psaQuantity: target.row.psaQuantity, vendorQuantity: target.row.vendorQuantity, sources: target.row.sources, proposal: target.row.proposal }
    : null;
  const supersede = writes && row.lineId ? [supersedeOlderOnLineStatement(db, who.tenantId, row.lineId, row, at)] : [];
  try {
    await db.batch([
      insertDecisionStatement(db, row),
      ...supersede,
      auditStatement(db, {
        tenantId: who.tenantId,
        at,
        actor: who.actor,
        action: `decision.${req.action}`,
        entityType: "decision",
        entityId: row.id,
        details: { agreementId: row.agreementId, lineId: row.lineId, productKey: row.productKey, old: row.oldQuantity, new: row.newQuantity, effectiveDate: row.effectiveDate, writeMode: row.writeMode, writeOn: row.writeOn, note: row.note, revertsDecisionId: row.revertsDecisionId, evidence },
      }),
    ]);
  } catch (error) {
    // Two requests with one Idempotency-Key raced: the loser answers with the winner's decision.
    const winner = idempotencyKey ? await findDecisionByIdempotencyKey(db, who.tenantId, idempotencyKey) : null;
    if (winner) return winner;
    throw error;
  }
  // A lost enqueue is recovered by the cron's sweep of stale pending decisions.
  if (row.writebackState === "pending") await enqueueJob(env, { kind: "psa.writeback", id: row.id, tenantId: row.tenantId, decisionId: row.id }).catch((e: unknown) => console.error("enqueue failed", e));
  return row;
}

export async function getDecision(db: Db, tenantId: string, id: string): Promise<DecisionRow> {
  const row = await findDecision(db, tenantId, id);
  if (!row) throw new AppError("not_found", "Decision not found");
  return row;
}

export async function listDecisions(db: Db, tenantId: string, agreementId: string): Promise<DecisionRow[]> {
  // One round trip (the pod waits for this list next to the rows): the agreement and its decisions in one batch.
  const [agreements, rows] = await db.batch([agreementQuery(db, tenantId, agreementId), agreementDecisionsQuery(db, tenantId, agreementId)]);
  if (!agreements[0]) throw new AppError("not_found", "Agreement not found");
  return rows;
}
