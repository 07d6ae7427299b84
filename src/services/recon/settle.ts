/**
 * After something changed, bring the persisted rows up to date: a handful of
 * dirty scopes (one event: a count, a mapping, a decision) are recomputed
 * inline, so the caller's next read already shows it; more than that (an
 * import touching many companies, a full sync) goes to the queue as
 * `recon.recompute` messages that each take a company-sized chunk and hand
 * the rest on. Both are idempotent: a scope clean by the time it is reached
 * is skipped.
 */
import type { Db } from "../../db/client.ts";
import { countDirtyScopes, markDueScopes } from "../../db/repos/recon-rows.ts";
import type { Env } from "../../env.ts";
import { recomputeDirty } from "./recompute.ts";

/** At most this many scopes are recomputed inside a write request. */
export const INLINE_SCOPES = 20;
/**
 * A tenant-wide read settles up to this many: a small tenant (the demo, a
 * fresh seed) always reads exact rows; a big backlog is left to the queue and
 * the read states how much is pending.
 */
export const READ_SETTLE_SCOPES = 100;
/** Scopes one queue message recomputes before handing the rest on. */
export const SCOPES_PER_JOB = 100;

export type ReconJob = { kind: "recon.recompute"; id: string; tenantId: string };

export async function enqueueRecompute(env: Env, tenantId: string, now: Date): Promise<void> {
  // One message per tenant per second at most is enough: a duplicate finds nothing left to do.
  const job: ReconJob = { kind: "recon.recompute", id: `recon:${tenantId}:${Math.floor(now.getTime() / 1000)}`, tenantId };
  await env.JOBS.send(job);
}

/** Returns how many scopes are still pending after the inline part. */
export async function settleTenant(env: Env, db: Db, tenantId: string, now: Date, inline = INLINE_SCOPES): Promise<number> {
  const pending = await countDirtyScopes(db, tenantId);
  if (pending === 0) return 0;
  if (pending > inline) {
    await enqueueRecompute(env, tenantId, now);
    return pending;
  }
  const { more } = await recomputeDirty(db, tenantId, now, inline);
  return more ? countDirtyScopes(db, tenantId) : 0;
}

/** The settle that must never fail the request or job that caused it: rows stay dirty for the queue and the cron. */
export async function settleQuietly(env: Env, db: Db, tenantId: string, now: Date): Promise<void> {
  try {
    await settleTenant(env, db, tenantId, now);
  } catch (error) {
    console.error("recon settle failed", tenantId, error);
  }
}

/** The `recon.recompute` consumer: a chunk of dirty scopes, then hand on what is left. */
export async function runRecomputeJob(env: Env, db: Db, tenantId: string, now: Date): Promise<void> {
  const { more } = await recomputeDirty(db, tenantId, now, SCOPES_PER_JOB);
  if (more) await enqueueRecompute(env, tenantId, new Date(now.getTime() + 1000));
}

/** The clock's part: scopes whose rows time alone can have changed become dirty, then settle. */
export async function recheckTenant(env: Env, db: Db, tenantId: string, now: Date): Promise<void> {
  await markDueScopes(db, tenantId, now.toISOString());
  await settleTenant(env, db, tenantId, now);
}
