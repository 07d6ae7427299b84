/**
 * Background jobs of the usage-ingestion surface (`ingest.*`):
 * - `ingest.pull`    one Pax8/Liongard pull run (src/services/ingest/pulls.ts)
 * - `ingest.automap` auto-match a tenant's unmapped vendor accounts
 * - `ingest.nightly` one tenant's nightly schedule: queue its pulls due today
 *   and its auto-match (src/services/ingest/schedule.ts)
 * All are idempotent under redelivery: a run is claimed once, a tenant's
 * nightly day is claimed once, auto-matching never replaces a mapping.
 */
import { z } from "zod";
import { tenantDb } from "../db/tenant-db.ts";
import type { Env } from "../env.ts";
import { autoMapAccounts } from "../services/ingest/auto-map.ts";
import { executePullRun, PULL_JOB, type PullJob } from "../services/ingest/pulls.ts";
import { AUTOMAP_JOB, NIGHTLY_JOB, type NightlyIngestJob, runTenantNightlyIngest } from "../services/ingest/schedule.ts";
import type { JobMessage, JobOutcome } from "./messages.ts";

const nightlySchema = z.looseObject({
  kind: z.literal(NIGHTLY_JOB),
  id: z.string().min(1),
  tenantId: z.string().min(1),
  slot: z.iso.date(),
  at: z.iso.datetime(),
});

export async function handleIngestJob(message: JobMessage, env: Env): Promise<JobOutcome> {
  if (message.kind === PULL_JOB) {
    if (typeof message.runId !== "string" || typeof message.integrationId !== "string") {
      return { ok: false, retryable: false, error: "ingest.pull needs runId and integrationId" };
    }
    return executePullRun(message as PullJob, env);
  }
  if (message.kind === AUTOMAP_JOB) {
    await autoMapAccounts(tenantDb(env, message.tenantId), message.tenantId, new Date());
    return { ok: true };
  }
  if (message.kind === NIGHTLY_JOB) {
    const parsed = nightlySchema.safeParse(message);
    if (!parsed.success) return { ok: false, retryable: false, error: `malformed ${NIGHTLY_JOB} message: ${parsed.error.message}` };
    const job = parsed.data as NightlyIngestJob;
    await runTenantNightlyIngest(env, tenantDb(env, job.tenantId), job, new Date());
    return { ok: true };
  }
  return { ok: false, retryable: false, error: `unknown ingest job ${message.kind}` };
}
