/**
 * What the nightly cron starts for ingestion: a pull run for every connected
 * Pax8/Liongard integration whose sync day is today (UTC; a day past the
 * month's end means its last day), and an auto-match job for every tenant
 * with unmapped vendor accounts (new PSA companies may now match them).
 * Run ids are derived from the date, so a repeated cron queues nothing twice.
 */
import { daysInMonth, toIsoDate } from "../../core/shared/dates.ts";
import { createDb } from "../../db/client.ts";
import { listAllPullIntegrations, listTenantsWithUnmappedAccounts } from "../../db/repos/ingest-pulls.ts";
import type { Env } from "../../env.ts";
import { parsePullConfig } from "./integration-config.ts";
import { queueRun } from "./pulls.ts";

export const AUTOMAP_JOB = "ingest.automap";

export function isSyncDay(now: Date, syncDay: number): boolean {
  const last = daysInMonth(now.getUTCFullYear(), now.getUTCMonth() + 1);
  return now.getUTCDate() === Math.min(syncDay, last);
}

export async function queueScheduledIngest(env: Env, now: Date): Promise<{ pulls: number; automaps: number }> {
  const db = createDb(env.DB);
  const date = toIsoDate(now);
  let pulls = 0;
  for (const integration of await listAllPullIntegrations(db)) {
    const config = parsePullConfig(integration.config);
    if (!config || !isSyncDay(now, config.syncDay)) continue;
    const runId = `run_${integration.id}_${date.replaceAll("-", "")}`;
    await queueRun(db, env, { tenantId: integration.tenantId, integrationId: integration.id, runId, trigger: "cron", triggerKey: date, at: now.toISOString() });
    pulls += 1;
  }
  const tenants = await listTenantsWithUnmappedAccounts(db);
  for (const tenantId of tenants) await env.JOBS.send({ kind: AUTOMAP_JOB, id: `automap_${tenantId}_${date}`, tenantId });
  return { pulls, automaps: tenants.length };
}
