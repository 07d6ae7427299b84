/**
 * The webhook inbox: raw deliveries deduped by a UNIQUE key, so the same
 * callback delivered three times is one row and one job. A row kept as
 * `unverified` (signing key unreachable) is upgraded in place when a
 * verified copy arrives or the replay verifies it.
 */
import { and, asc, eq, lt, sql } from "drizzle-orm";
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
      set: { state: "received", payload: row.payload, receivedAt: row.receivedAt, error: null },
      setWhere: sql`${psaWebhookInbox.state} = 'unverified'`,
    })
    .returning({ id: psaWebhookInbox.id });
  return rows[0]?.id ?? null;
}

/** Keeps a payload whose signature could not be checked yet; a duplicate is ignored. */
export async function recordUnverifiedDelivery(db: Db, row: NewInboxRow): Promise<void> {
  await db.insert(psaWebhookInbox).values({ ...row, state: "unverified" }).onConflictDoNothing();
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
    .set({ state: "received", error: null })
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
