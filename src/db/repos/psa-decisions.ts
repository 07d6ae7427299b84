/**
 * Decisions (approve / adjust / dismiss / revert) and their write-back
 * attempts. The decisions table is the write-back outbox: a `pending` row is
 * work to do until it is `applied`, `failed` or `superseded` (a newer
 * decision on the same line replaced it); a `scheduled` row waits for its
 * `write_on` day (then `pending`) unless `cancelled` first; a `failed` row
 * can be re-queued (`pending` again, `retried_at` set). State changes are
 * conditional on the row still being pending, so a redelivered job cannot
 * move a finished decision.
 */
import { and, asc, desc, eq, gt, inArray, isNotNull, isNull, lt, lte, ne, or, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { decisions, psaWritebackAttempts } from "../schema.ts";

export type DecisionRow = typeof decisions.$inferSelect;
export type NewDecisionRow = typeof decisions.$inferInsert;
export type AttemptRow = typeof psaWritebackAttempts.$inferSelect;

export function insertDecisionStatement(db: Db, row: NewDecisionRow) {
  return db.insert(decisions).values(row);
}

export async function findDecision(db: Db, tenantId: string, id: string): Promise<DecisionRow | null> {
  const rows = await db
    .select()
    .from(decisions)
    .where(and(eq(decisions.tenantId, tenantId), eq(decisions.id, id)))
    .limit(1);
  return rows[0] ?? null;
}

export async function findDecisionByIdempotencyKey(db: Db, tenantId: string, key: string): Promise<DecisionRow | null> {
  const rows = await db
    .select()
    .from(decisions)
    .where(and(eq(decisions.tenantId, tenantId), eq(decisions.idempotencyKey, key)))
    .limit(1);
  return rows[0] ?? null;
}

/** An agreement's decisions, newest first: a query, so a read can batch it (services/psa/decisions.ts listDecisions). */
export function agreementDecisionsQuery(db: Db, tenantId: string, agreementId: string) {
  return db
    .select()
    .from(decisions)
    .where(and(eq(decisions.tenantId, tenantId), eq(decisions.agreementId, agreementId)))
    .orderBy(desc(decisions.createdAt), desc(decisions.id));
}

export interface DecisionOutcome {
  writebackState: "applied" | "failed";
  writebackError: string | null;
  oldQuantity?: string | null;
  at: string;
}

/** Finishes a pending decision; a no-op when it is no longer pending. */
export function finishDecisionStatement(db: Db, tenantId: string, id: string, outcome: DecisionOutcome) {
  const set: Partial<NewDecisionRow> = { writebackState: outcome.writebackState, writebackError: outcome.writebackError, updatedAt: outcome.at };
  if (outcome.oldQuantity !== undefined) set.oldQuantity = outcome.oldQuantity;
  return db
    .update(decisions)
    .set(set)
    .where(and(eq(decisions.tenantId, tenantId), eq(decisions.id, id), eq(decisions.writebackState, "pending")));
}

/**
 * Write-backs in order: when a decision is recorded for a line, every older
 * pending decision on that line with another target — and every scheduled
 * one, whatever its target — is superseded in the same batch (D1 applies batches one at a time, so insertion order is the
 * line's sequence). A superseded decision is never written; one whose write
 * was already in flight is followed by the newer one, which re-reads first.
 */
export function supersedeOlderOnLineStatement(db: Db, tenantId: string, lineId: string, newer: { id: string; newQuantity: string | null }, at: string) {
  return db
    .update(decisions)
    .set({
      writebackState: "superseded",
      writebackError: `Superseded by decision ${newer.id} (quantity ${newer.newQuantity ?? "none"}) on the same line; not written`,
      updatedAt: at,
    })
    .where(
      and(
        eq(decisions.tenantId, tenantId),
        eq(decisions.lineId, lineId),
        ne(decisions.id, newer.id),
        or(
          eq(decisions.writebackState, "scheduled"),
          and(
            eq(decisions.writebackState, "pending"),
            newer.newQuantity === null ? isNotNull(decisions.newQuantity) : or(isNull(decisions.newQuantity), ne(decisions.newQuantity, newer.newQuantity)),
          ),
        ),
      ),
    );
}

/** Pending decisions not touched since `before` (their job was lost or dead-lettered). */
export async function listStalePendingDecisions(db: Db, tenantId: string, before: string, limit = 50): Promise<DecisionRow[]> {
  return db
    .select()
    .from(decisions)
    .where(and(eq(decisions.tenantId, tenantId), eq(decisions.writebackState, "pending"), lt(decisions.updatedAt, before)))
    .orderBy(asc(decisions.updatedAt))
    .limit(limit);
}

/** Marks a pending decision as looked at now (the stale sweep uses updated_at). */
export function touchDecisionStatement(db: Db, tenantId: string, id: string, at: string) {
  return db
    .update(decisions)
    .set({ updatedAt: at })
    .where(and(eq(decisions.tenantId, tenantId), eq(decisions.id, id), eq(decisions.writebackState, "pending")));
}

export async function listAttempts(db: Db, tenantId: string, decisionId: string): Promise<AttemptRow[]> {
  return db
    .select()
    .from(psaWritebackAttempts)
    .where(and(eq(psaWritebackAttempts.tenantId, tenantId), eq(psaWritebackAttempts.decisionId, decisionId)))
    .orderBy(asc(psaWritebackAttempts.attempt));
}

export type NewAttempt = Omit<typeof psaWritebackAttempts.$inferInsert, "attempt">;

/** Appends an attempt numbered after the existing ones (one statement, so numbering cannot collide silently). */
export function insertAttemptStatement(db: Db, row: NewAttempt) {
  const next = sql<number>`(SELECT COALESCE(MAX(attempt), 0) + 1 FROM psa_writeback_attempts WHERE tenant_id = ${row.tenantId} AND decision_id = ${row.decisionId})`;
  return db.insert(psaWritebackAttempts).values({ ...row, attempt: next });
}

/** Scheduled decisions whose day has come (`write_on` ≤ today, UTC). */
export async function listDueScheduledDecisions(db: Db, tenantId: string, today: string, limit = 200): Promise<DecisionRow[]> {
  return db
    .select()
    .from(decisions)
    .where(and(eq(decisions.tenantId, tenantId), eq(decisions.writebackState, "scheduled"), lte(decisions.writeOn, today)))
    .orderBy(asc(decisions.createdAt), asc(decisions.id))
    .limit(limit);
}

/**
 * Moves a decision from one state to another, only if it is still in `from`
 * (a cancel racing the cron's release: exactly one wins). Returns the
 * statement; D1 reports the changed row count in `meta.changes`.
 */
export function moveDecisionStatement(db: Db, tenantId: string, id: string, from: "scheduled" | "failed", to: "pending" | "cancelled", at: string, extra: Partial<NewDecisionRow> = {}) {
  return db
    .update(decisions)
    .set({ ...extra, writebackState: to, updatedAt: at })
    .where(and(eq(decisions.tenantId, tenantId), eq(decisions.id, id), eq(decisions.writebackState, from)));
}

/** A newer decision on the line that still stands (written, to be written, or held): retrying an older one would overwrite it. */
export async function findNewerOnLine(db: Db, tenantId: string, d: DecisionRow): Promise<DecisionRow | null> {
  if (!d.lineId) return null;
  const rows = await db
    .select()
    .from(decisions)
    .where(
      and(
        eq(decisions.tenantId, tenantId),
        eq(decisions.lineId, d.lineId),
        ne(decisions.id, d.id),
        gt(decisions.createdAt, d.createdAt),
        inArray(decisions.writebackState, ["pending", "scheduled", "applied"]),
      ),
    )
    .limit(1);
  return rows[0] ?? null;
}
