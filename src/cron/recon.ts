/**
 * The clock's part of incremental reconciliation: every quarter hour, scopes
 * whose rows time alone may have changed (a source turning stale, a date
 * boundary, a new month) are marked dirty, and one `recon.recompute` message
 * per tenant with dirty scopes does the work in the queue consumer.
 */
import { allDatabases } from "../db/tenant-db.ts";
import type { Env } from "../env.ts";
import { enqueueRecompute } from "../services/recon/settle.ts";
import { CRONS } from "./schedules.ts";

export async function runReconCron(cron: string, now: Date, env: Env): Promise<void> {
  if (cron !== CRONS.quarterHour) return;
  for (const { db } of allDatabases(env)) {
    const d1 = db.$client as D1Database;
    await d1.prepare("UPDATE recon_scopes SET dirty_seq = dirty_seq + 1 WHERE recheck_at <= ?1 AND dirty_seq = computed_seq").bind(now.toISOString()).run();
    const tenants = await d1.prepare("SELECT DISTINCT tenant_id AS tenantId FROM recon_scopes WHERE dirty_seq > computed_seq").all<{ tenantId: string }>();
    for (const { tenantId } of tenants.results) await enqueueRecompute(env, tenantId, now);
  }
}
