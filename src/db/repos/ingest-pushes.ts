/** Push records (batch API and Gradient count calls): the Idempotency-Key store and the applied tally. */
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { ingestPushes } from "../schema.ts";
import { appliedCountSql, loggedCountSql } from "./ingest-ledger.ts";

export type PushRow = typeof ingestPushes.$inferSelect;

export function insertPushStatement(db: Db, push: typeof ingestPushes.$inferInsert) {
  return db.insert(ingestPushes).values(push);
}

export function tallyAppliedStatement(db: Db, tenantId: string, pushId: string) {
  return db
    .update(ingestPushes)
    .set({
      countsApplied: sql`${appliedCountSql(tenantId, pushId)}`,
      countsUnchanged: sql`${ingestPushes.countsReceived} - ${loggedCountSql(tenantId, pushId)}`,
    })
    .where(and(eq(ingestPushes.tenantId, tenantId), eq(ingestPushes.id, pushId)));
}

export async function findPushByKey(db: Db, tenantId: string, idempotencyKey: string): Promise<PushRow | null> {
  const rows = await db
    .select()
    .from(ingestPushes)
    .where(and(eq(ingestPushes.tenantId, tenantId), eq(ingestPushes.idempotencyKey, idempotencyKey)))
    .limit(1);
  return rows[0] ?? null;
}

export async function findPush(db: Db, tenantId: string, pushId: string): Promise<PushRow | null> {
  const rows = await db
    .select()
    .from(ingestPushes)
    .where(and(eq(ingestPushes.tenantId, tenantId), eq(ingestPushes.id, pushId)))
    .limit(1);
  return rows[0] ?? null;
}
