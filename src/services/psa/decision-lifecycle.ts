/**
 * A decision's life after it is recorded, besides its write-back:
 * - scheduled → pending on its `write_on` day: the quarter-hour cron releases
 *   the due ones tenant by tenant and queues their write-back (ConnectWise
 *   applies a quantity at once, so a later date on a non-prorating agreement
 *   is kept by writing on that day — core/reconcile/write-timing.ts);
 * - scheduled → cancelled by the user until then (409 once released);
 * - failed → pending again by the user's retry, with the same line, quantity
 *   and effective date; refused when a newer decision on the line stands
 *   (it would overwrite it — write-backs in order).
 * Each move is conditional on the state it leaves, so a cancel racing the
 * release (or two retries) change the decision once; each is audited.
 */
import { toIsoDate } from "../../core/shared/dates.ts";
import type { Db } from "../../db/client.ts";
import { auditDecisionMoveStatement } from "../../db/repos/audit.ts";
import { type DecisionRow, findDecision, findNewerOnLine, listDueScheduledDecisions, moveDecisionStatement } from "../../db/repos/psa-decisions.ts";
import type { Env, TenantPrincipal } from "../../env.ts";
import { AppError } from "../../errors.ts";
import { enqueueJob } from "./jobs.ts";

async function decisionOf(db: Db, tenantId: string, id: string): Promise<DecisionRow> {
  const row = await findDecision(db, tenantId, id);
  if (!row) throw new AppError("not_found", "Decision not found");
  return row;
}

function changed(result: unknown): boolean {
  return ((result as { meta?: { changes?: number } }).meta?.changes ?? 0) > 0;
}

export async function cancelDecision(db: Db, who: TenantPrincipal, id: string, now: Date): Promise<DecisionRow> {
  const row = await decisionOf(db, who.tenantId, id);
  if (row.writebackState === "cancelled") return row;
  if (row.writebackState !== "scheduled") {
    throw new AppError("conflict", `Only a scheduled change can be cancelled; this one is ${row.writebackState}${row.writebackState === "pending" ? " (its write to the PSA has started)" : ""}`);
  }
  const at = now.toISOString();
  const [moved] = await db.batch([
    moveDecisionStatement(db, who.tenantId, id, "scheduled", "cancelled", at),
    auditDecisionMoveStatement(db, { tenantId: who.tenantId, at, actor: who.actor, action: "decision.cancelled", entityType: "decision", entityId: id, details: { agreementId: row.agreementId, lineId: row.lineId, new: row.newQuantity, writeOn: row.writeOn } }, "cancelled"),
  ]);
  const after = await decisionOf(db, who.tenantId, id);
  // The cron released it between our read and our write (no audit row was written then).
  if (!changed(moved) || after.writebackState !== "cancelled") throw new AppError("conflict", "The change is no longer scheduled: its write to the PSA has started");
  return after;
}

export async function retryDecision(env: Env, db: Db, who: TenantPrincipal, id: string, now: Date): Promise<DecisionRow> {
  const row = await decisionOf(db, who.tenantId, id);
  if (row.writebackState !== "failed") throw new AppError("conflict", `Only a failed write-back can be retried; this one is ${row.writebackState}`);
  const newer = await findNewerOnLine(db, who.tenantId, row);
  if (newer) throw new AppError("conflict", `A newer decision (${newer.id}, quantity ${newer.newQuantity ?? "none"}) stands on this line; retrying would overwrite it`);
  const at = now.toISOString();
  const [moved] = await db.batch([
    moveDecisionStatement(db, who.tenantId, id, "failed", "pending", at, { writebackError: null, retriedAt: at }),
    auditDecisionMoveStatement(db, { tenantId: who.tenantId, at, actor: who.actor, action: "decision.retried", entityType: "decision", entityId: id, details: { agreementId: row.agreementId, lineId: row.lineId, new: row.newQuantity, effectiveDate: row.effectiveDate, previousError: row.writebackError } }, "pending"),
  ]);
  if (changed(moved)) await enqueueJob(env, { kind: "psa.writeback", id: `${id}:retry:${at}`, tenantId: who.tenantId, decisionId: id }).catch((e: unknown) => console.error("enqueue failed", e));
  return decisionOf(db, who.tenantId, id);
}

/** The cron's part: scheduled decisions whose day has come (UTC) become pending and their write-back is queued. */
export async function releaseDueScheduled(env: Env, db: Db, tenantId: string, now: Date): Promise<number> {
  const at = now.toISOString();
  let released = 0;
  for (const d of await listDueScheduledDecisions(db, tenantId, toIsoDate(now))) {
    const [moved] = await db.batch([
      moveDecisionStatement(db, tenantId, d.id, "scheduled", "pending", at),
      auditDecisionMoveStatement(db, { tenantId, at, actor: "system:scheduler", action: "decision.released", entityType: "decision", entityId: d.id, details: { agreementId: d.agreementId, lineId: d.lineId, new: d.newQuantity, writeOn: d.writeOn } }, "pending"),
    ]);
    if (!changed(moved)) continue;
    released++;
    // A lost message is recovered by the stale-pending sweep (maintenance.ts).
    await enqueueJob(env, { kind: "psa.writeback", id: d.id, tenantId, decisionId: d.id }).catch((e: unknown) => console.error("enqueue failed", e));
  }
  return released;
}
