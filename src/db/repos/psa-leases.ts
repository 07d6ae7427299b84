/**
 * Short D1 leases that serialise PSA writes per agreement: taken with one
 * conditional upsert (a held, unexpired lease is never overwritten), released
 * only by their holder, and expiring on their own if a worker dies.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { psaLeases } from "../schema.ts";

export async function acquireLease(db: Db, tenantId: string, resource: string, holder: string, now: Date, ttlMs: number): Promise<boolean> {
  const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
  const rows = await db
    .insert(psaLeases)
    .values({ id: `${tenantId}:${resource}`, tenantId, resource, holder, expiresAt })
    .onConflictDoUpdate({
      target: [psaLeases.tenantId, psaLeases.resource],
      set: { holder, expiresAt },
      setWhere: sql`${psaLeases.expiresAt} < ${now.toISOString()} OR ${psaLeases.holder} = ${holder}`,
    })
    .returning({ holder: psaLeases.holder });
  return rows[0]?.holder === holder;
}

export async function releaseLease(db: Db, tenantId: string, resource: string, holder: string): Promise<void> {
  await db
    .delete(psaLeases)
    .where(and(eq(psaLeases.tenantId, tenantId), eq(psaLeases.resource, resource), eq(psaLeases.holder, holder)));
}
