/**
 * Short D1 leases that serialise PSA writes per agreement: taken with one
 * conditional upsert (a held, unexpired lease is never overwritten), released
 * only by their holder, and expiring on their own if a worker dies. The same
 * table holds once-only claims of cron slots per tenant (claimOnce: PSA
 * maintenance, nightly ingest), told apart from leases by their holder.
 */
import { and, eq, lt, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { psaLeases } from "../schema.ts";

/** The holder of every once-only claim (a lease's holder is a fresh id, never this). */
const CLAIM_HOLDER = "claim";

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

/**
 * Claims `resource` once (a cron slot of a tenant): true only for the first
 * caller; the claim is kept `keepMs`, and expired claims of the tenant are
 * deleted on the way.
 */
export async function claimOnce(db: Db, tenantId: string, resource: string, now: Date, keepMs: number): Promise<boolean> {
  const [, rows] = await db.batch([
    db.delete(psaLeases).where(and(eq(psaLeases.tenantId, tenantId), lt(psaLeases.expiresAt, now.toISOString()), eq(psaLeases.holder, CLAIM_HOLDER))),
    db
      .insert(psaLeases)
      .values({ id: `${tenantId}:${resource}`, tenantId, resource, holder: CLAIM_HOLDER, expiresAt: new Date(now.getTime() + keepMs).toISOString() })
      .onConflictDoNothing()
      .returning({ id: psaLeases.id }),
  ]);
  return rows.length > 0;
}

export async function releaseClaim(db: Db, tenantId: string, resource: string): Promise<void> {
  await db.delete(psaLeases).where(and(eq(psaLeases.tenantId, tenantId), eq(psaLeases.resource, resource)));
}

/** When `resource` was claimed by claimOnce with `keepMs` (its expiry minus keepMs), or null when it is not claimed. */
export async function claimedAt(db: Db, tenantId: string, resource: string, keepMs: number): Promise<string | null> {
  const rows = await db
    .select({ expiresAt: psaLeases.expiresAt })
    .from(psaLeases)
    .where(and(eq(psaLeases.tenantId, tenantId), eq(psaLeases.resource, resource), eq(psaLeases.holder, CLAIM_HOLDER)))
    .limit(1);
  return rows[0] ? new Date(Date.parse(rows[0].expiresAt) - keepMs).toISOString() : null;
}
