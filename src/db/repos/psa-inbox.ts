/**
 * The webhook inbox: raw deliveries deduped by a UNIQUE key, so the same
 * callback delivered three times is one row and one job. A row kept as
 * `unverified` (signing key unreachable) is upgraded in place when a
 * verified copy arrives or the replay verifies it; until then it is capped
 * per integration, retried with backoff and expires (intake-cw.ts,
 * maintenance.ts).
 */
import { and, asc, eq, lt, lte, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { psaWebhookInbox } from "../schema.ts";

export type InboxRow = typeof psaWebhookInbox.$inferSelect;
export type NewInboxRow = typeof psaWebhookInbox.$inferInsert;

/**
 * Records a verified delivery. Returns the row id when this call created it
 * (or upgraded an unverified copy), null when it is a duplicate.
 */
export async function recordVerifiedDelivery(db: Db, row: NewInboxRow): Promise<string | null> {
  const rows = await db
    .insert(psaWebhookInbox)
    .values({ ...row, state: "received" })
    .onConflictDoUpdate({
      target: [psaWebhookInbox.tenantId, psaWebhookInbox.integrationId, psaWebhookInbox.dedupeKey],
      set: { state: "received", payload: row.payload, receivedAt: row.receivedAt, error: null, nextAttemptAt: null },
      setWhere: sql`${psaWebhookInbox.state} = 'unverified'`,
    })
    .returning({ id: psaWebhookInbox.id });
  return rows[0]?.id ?? null;
}

/**
 * Keeps a payload whose signature could not be checked yet, unless the
 * integration already holds `cap` unverified rows (checked in the same
 * statement, so concurrent junk cannot overshoot); a duplicate is ignored.
 * Returns whether it was kept.
 */
export async function recordUnverifiedDelivery(db: Db, row: NewInboxRow, cap: number): Promise<boolean> {
  const held = sql`(SELECT COUNT(*) FROM psa_webhook_inbox WHERE tenant_id = ${row.tenantId} AND integration_id = ${row.integrationId} AND state = 'unverified')`;
  const res = await db.run(sql`
    INSERT INTO psa_webhook_inbox (id, tenant_id, integration_id, source, dedupe_key, state, entity_type, record_id, action, payload, signature, received_at, error, attempts, next_attempt_at)
    SELECT ${row.id}, ${row.tenantId}, ${row.integrationId}, ${row.source}, ${row.dedupeKey}, 'unverified', ${row.entityType ?? null}, ${row.recordId ?? null}, ${row.action ?? null},
           ${row.payload}, ${row.signature ?? null}, ${row.receivedAt}, ${row.error ?? null}, 0, ${row.nextAttemptAt ?? null}
    WHERE ${held} < ${cap}
    ON CONFLICT DO NOTHING`);
  return (res.meta.changes ?? 0) > 0;
}

/** Unverified rows of an integration due for re-verification, fewest attempts first, then longest waiting. */
export async function listDueUnverified(db: Db, tenantId: string, integrationId: string, now: string, limit: number): Promise<InboxRow[]> {
  return db
    .select()
    .from(psaWebhookInbox)
    .where(
      and(
        eq(psaWebhookInbox.tenantId, tenantId),
        eq(psaWebhookInbox.integrationId, integrationId),
        eq(psaWebhookInbox.state, "unverified"),
        lte(psaWebhookInbox.nextAttemptAt, now),
      ),
    )
    .orderBy(asc(psaWebhookInbox.attempts), asc(psaWebhookInbox.nextAttemptAt))
    .limit(limit);
}

/** The key was still unreachable: count the attempt and schedule the next one. */
export function deferUnverifiedStatement(db: Db, row: InboxRow, nextAttemptAt: string, error: string) {
  return db
    .update(psaWebhookInbox)
    .set({ attempts: row.attempts + 1, nextAttemptAt, error })
    .where(and(eq(psaWebhookInbox.tenantId, row.tenantId), eq(psaWebhookInbox.id, row.id), eq(psaWebhookInbox.state, "unverified")));
}

/** Unverified rows received before `before` are never verified now: kept for inspection as `expired`. */
export function expireUnverifiedStatement(db: Db, tenantId: string, before: string, at: string) {
  return db
    .update(psaWebhookInbox)
    .set({ state: "expired", processedAt: at, nextAttemptAt: null, error: "signature never verified: the signing key stayed unreachable" })
    .where(and(eq(psaWebhookInbox.tenantId, tenantId), eq(psaWebhookInbox.state, "unverified"), lt(psaWebhookInbox.receivedAt, before)));
}

export async function findInboxRow(db: Db, tenantId: string, id: string): Promise<InboxRow | null> {
  const rows = await db
    .select()
    .from(psaWebhookInbox)
    .where(and(eq(psaWebhookInbox.tenantId, tenantId), eq(psaWebhookInbox.id, id)))
    .limit(1);
  return rows[0] ?? null;
}

export function markInboxStatement(db: Db, tenantId: string, id: string, state: string, at: string, error: string | null = null) {
  return db
    .update(psaWebhookInbox)
    .set({ state, processedAt: at, error })
    .where(and(eq(psaWebhookInbox.tenantId, tenantId), eq(psaWebhookInbox.id, id)));
}

/**
 * Deliveries about the same record received before `readStartedAt` are
 * answered by a re-read that started after them: they are marked processed
 * with it, so a burst of callbacks for one agreement costs one re-read.
 */
export function markCoveredStatement(db: Db, row: InboxRow, readStartedAt: string, at: string) {
  return db
    .update(psaWebhookInbox)
    .set({ state: "processed", processedAt: at, error: `covered by ${row.id}` })
    .where(
      and(
        eq(psaWebhookInbox.tenantId, row.tenantId),
        eq(psaWebhookInbox.integrationId, row.integrationId),
        eq(psaWebhookInbox.state, "received"),
        eq(psaWebhookInbox.entityType, row.entityType ?? ""),
        eq(psaWebhookInbox.recordId, row.recordId ?? ""),
        lt(psaWebhookInbox.receivedAt, readStartedAt),
      ),
    );
}

/** An unverified row whose signature now checks out becomes work to do. */
export function promoteVerifiedStatement(db: Db, tenantId: string, id: string) {
  return db
    .update(psaWebhookInbox)
    .set({ state: "received", error: null, nextAttemptAt: null })
    .where(and(eq(psaWebhookInbox.tenantId, tenantId), eq(psaWebhookInbox.id, id), eq(psaWebhookInbox.state, "unverified")));
}

/** Rows of a state received before `before`, oldest first (replay and re-enqueue). */
export async function listInboxByState(db: Db, tenantId: string, state: string, before: string, limit = 50): Promise<InboxRow[]> {
  return db
    .select()
    .from(psaWebhookInbox)
    .where(and(eq(psaWebhookInbox.tenantId, tenantId), eq(psaWebhookInbox.state, state), lt(psaWebhookInbox.receivedAt, before)))
    .orderBy(asc(psaWebhookInbox.receivedAt))
    .limit(limit);
}
