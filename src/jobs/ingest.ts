/**
 * Background jobs of the usage-ingestion surface (`ingest.*`):
 * - `ingest.pull`    one Pax8/Liongard pull run (src/services/ingest/pulls.ts)
 * - `ingest.automap` auto-match a tenant's unmapped vendor accounts
 * Both are idempotent under redelivery: a run is claimed once; auto-matching
 * never replaces a mapping.
 */
import { tenantDb } from "../db/tenant-db.ts";
import type { Env } from "../env.ts";
import { autoMapAccounts } from "../services/ingest/auto-map.ts";
import { executePullRun, PULL_JOB, type PullJob } from "../services/ingest/pulls.ts";
import { AUTOMAP_JOB } from "../services/ingest/schedule.ts";
import type { JobMessage, JobOutcome } from "./messages.ts";

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
  return { ok: false, retryable: false, error: `unknown ingest job ${message.kind}` };
}
