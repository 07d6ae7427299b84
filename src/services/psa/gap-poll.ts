/**
 * Gap-triggered polling for Autotask webhooks (reliability matrix row 11):
 * a delivery whose SequenceNumber skips numbers or comes in below the
 * highest seen (core/psa/webhook-sequence.ts) queues a `psa.gap-poll` for
 * its integration, keyed by integration and 5-minute window. The consumer
 * claims the window once (psa_leases) and starts an incremental sync at
 * once, which re-reads what the lost event was about. A window's poll
 * claimed after the gap covers it (a redelivered or second message of the
 * window does nothing); one claimed before it does not, and the gap is
 * polled at the start of the next window: every gap gets a poll that starts
 * after it, and an integration at most one poll per window. The event itself is still
 * recorded and re-read like any other, and the quarter-hour incremental
 * sync stays the backstop (maintenance.ts).
 */
import { gapPollWindow, judgeSequence, needsPoll, nextGapPollWindow, pollCoversGap, type SequenceVerdict, sequenceOf } from "../../core/psa/webhook-sequence.ts";
import type { AtWebhook } from "../../core/psa/webhook-payloads.ts";
import type { Db } from "../../db/client.ts";
import { claimedAt, claimOnce } from "../../db/repos/psa-leases.ts";
import { findIntegration, type PsaIntegration } from "../../db/repos/psa-integrations.ts";
import { noteSequence } from "../../db/repos/psa-webhook-sequences.ts";
import type { Env } from "../../env.ts";
import { enqueueJob, type GapPollJob } from "./jobs.ts";
import { startSyncRun } from "./sync-runs.ts";

/** Longer than any redelivery of a window's messages; expired claims are deleted by later claims. */
const CLAIM_KEEP_MS = 60 * 60_000;

function gapPollJob(integration: { tenantId: string; id: string }, window: string, gapAt: string, reason: string): GapPollJob {
  return { kind: "psa.gap-poll", id: `psa-gap:${integration.id}:${window}`, tenantId: integration.tenantId, integrationId: integration.id, window, gapAt, reason };
}

/** Notes the event's SequenceNumber and queues a poll on a gap or out-of-order delivery; returns the verdict. */
export async function checkSequence(env: Env, db: Db, integration: PsaIntegration, event: AtWebhook, now: Date): Promise<SequenceVerdict | null> {
  const sequence = sequenceOf(event.SequenceNumber);
  if (sequence === null) return null;
  const scope = { tenantId: integration.tenantId, integrationId: integration.id, webhookGuid: event.Guid };
  const verdict = judgeSequence(await noteSequence(db, scope, sequence, now.toISOString()), sequence);
  if (needsPoll(verdict)) await enqueueJob(env, gapPollJob(integration, gapPollWindow(now), now.toISOString(), `${verdict} at SequenceNumber ${sequence}`));
  return verdict;
}

/** The consumer's part: the window's one incremental sync, or the next window's when this one's is taken. */
export async function runGapPollJob(env: Env, db: Db, job: GapPollJob, now: Date): Promise<void> {
  if (!(await claimOnce(db, job.tenantId, job.id, now, CLAIM_KEEP_MS))) {
    if (pollCoversGap(await claimedAt(db, job.tenantId, job.id, CLAIM_KEEP_MS), job.gapAt)) return;
    const next = nextGapPollWindow(job.window);
    await enqueueJob(env, gapPollJob({ tenantId: job.tenantId, id: job.integrationId }, next, job.gapAt, job.reason), (Date.parse(next) - now.getTime()) / 1000);
    return;
  }
  const integration = await findIntegration(db, job.tenantId, job.integrationId);
  if (!integration || integration.status === "disconnected") return;
  await startSyncRun(env, db, integration, "incremental", now);
}
