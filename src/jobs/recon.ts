/** `recon.*` messages: recompute a chunk of a tenant's dirty reconciliation scopes (services/recon/settle.ts). */
import { tenantDb } from "../db/tenant-db.ts";
import type { Env } from "../env.ts";
import { runRecomputeJob } from "../services/recon/settle.ts";
import type { JobOutcome } from "./messages.ts";
import type { JobMessage } from "./messages.ts";

export async function handleReconJob(message: JobMessage, env: Env): Promise<JobOutcome> {
  if (message.kind !== "recon.recompute") return { ok: false, retryable: false, error: `unknown job kind ${message.kind}` };
  await runRecomputeJob(env, tenantDb(env, message.tenantId), message.tenantId, new Date());
  return { ok: true };
}
