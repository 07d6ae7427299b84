/**
 * What the nightly cron starts for ingestion, fanned out per tenant like the
 * PSA maintenance (services/psa/maintenance.ts): the cron only enqueues one
 * `ingest.nightly` message per tenant with a connected Pax8/Liongard
 * integration or an unmapped vendor account (enqueueNightlyIngest: one D1
 * query per database, sendBatch in chunks of 100), so a slow tenant delays
 * nobody and no invocation walks every integration. The queue consumer does
 * one tenant's part (runTenantNightlyIngest): a pull run for every connected
 * pull integration whose sync day is the slot's day (UTC; a day past the
 * month's end means its last day), and an auto-match job when the tenant has
 * unmapped vendor accounts (new PSA companies may now match them). Each
 * (tenant, day) runs once: the consumer claims it in D1 first, so a second
 * cron firing or a redelivered message does nothing; run ids are derived from
 * the date as a second guard.
 */
import { daysInMonth, toIsoDate } from "../../core/shared/dates.ts";
import type { Db } from "../../db/client.ts";
import { hasUnmappedAccounts, listPullIntegrations, listTenantsForNightlyIngest } from "../../db/repos/ingest-pulls.ts";
import { claimOnce, releaseClaim } from "../../db/repos/psa-leases.ts";
import { allDatabases, tenantBinding } from "../../db/tenant-db.ts";
import type { Env } from "../../env.ts";
import { sendInBatches } from "../queue-batches.ts";
import { parsePullConfig } from "./integration-config.ts";
import { queueRun } from "./pulls.ts";

export const AUTOMAP_JOB = "ingest.automap";
export const NIGHTLY_JOB = "ingest.nightly";

/** One tenant's nightly ingest for a UTC day (`slot`, YYYY-MM-DD); `at` is the cron's scheduled time. */
export interface NightlyIngestJob {
  kind: typeof NIGHTLY_JOB;
  id: string;
  tenantId: string;
  slot: string;
  at: string;
  [field: string]: unknown;
}

/** How long a (tenant, day) claim is kept: longer than any redelivery of the day's message. */
const CLAIM_KEEP_MS = 2 * 24 * 60 * 60_000;

export function isSyncDay(now: Date, syncDay: number): boolean {
  const last = daysInMonth(now.getUTCFullYear(), now.getUTCMonth() + 1);
  return now.getUTCDate() === Math.min(syncDay, last);
}

/** The cron's part: one message per tenant with nightly ingest work, in every database that holds tenants. */
export async function enqueueNightlyIngest(env: Env, at: Date): Promise<number> {
  const slot = toIsoDate(at);
  const jobs: NightlyIngestJob[] = [];
  for (const { binding, db } of allDatabases(env)) {
    for (const tenantId of await listTenantsForNightlyIngest(db)) {
      // A row left behind in a database that no longer holds the tenant is not scheduled (db/tenant-db.ts).
      if (tenantBinding(env, tenantId) !== binding) continue;
      jobs.push({ kind: NIGHTLY_JOB, id: `ingest-nightly:${slot}:${tenantId}`, tenantId, slot, at: at.toISOString() });
    }
  }
  await sendInBatches(env.JOBS, jobs);
  return jobs.length;
}

/** The consumer's part: one tenant's pulls due on the slot's day and its auto-match, once per (tenant, day). */
export async function runTenantNightlyIngest(env: Env, db: Db, job: NightlyIngestJob, now: Date): Promise<{ pulls: number; automap: boolean }> {
  const resource = `ingest-nightly:${job.slot}`;
  if (!(await claimOnce(db, job.tenantId, resource, now, CLAIM_KEEP_MS))) return { pulls: 0, automap: false };
  try {
    // The slot's day decides, not the delivery time: a message delivered after midnight still pulls for its own day.
    const day = new Date(`${job.slot}T00:00:00Z`);
    let pulls = 0;
    for (const integration of await listPullIntegrations(db, job.tenantId)) {
      const config = parsePullConfig(integration.config);
      if (!config || !isSyncDay(day, config.syncDay)) continue;
      const runId = `run_${integration.id}_${job.slot.replaceAll("-", "")}`;
      await queueRun(db, env, { tenantId: job.tenantId, integrationId: integration.id, runId, trigger: "cron", triggerKey: job.slot, at: job.at });
      pulls += 1;
    }
    const automap = await hasUnmappedAccounts(db, job.tenantId);
    if (automap) await env.JOBS.send({ kind: AUTOMAP_JOB, id: `automap_${job.tenantId}_${job.slot}`, tenantId: job.tenantId });
    return { pulls, automap };
  } catch (error) {
    // Give the day back so the queue's retry can do the work (queued runs are idempotent on their date-derived id).
    await releaseClaim(db, job.tenantId, resource);
    throw error;
  }
}
