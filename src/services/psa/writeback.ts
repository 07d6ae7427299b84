/**
 * Executes one decision's write-back, exactly once:
 * - a D1 lease per agreement serialises writers, so two approvals of one
 *   line make one PSA write (the second re-reads and finds the target);
 * - in order: a decision superseded by a newer one on its line (psa-decisions
 *   repo) is never written, checked again before every round, so a retry
 *   that comes due late cannot overwrite the newer quantity;
 * - every round re-reads the line first, so a PSA that applied a change and
 *   then answered 500 or timed out is not changed twice;
 * - 4xx are final (the PSA's reason is kept); 429 waits for Retry-After
 *   (in-process when short, else the job is re-enqueued with that delay);
 *   5xx and timeouts are retried after a re-read, a few rounds in-process,
 *   then with backoff through the queue, up to MAX_ATTEMPTS.
 * The decision's end state, the attempt row and the audit row are written in
 * one batch; the agreement is then re-synced from the PSA.
 */
import { explainWritebackFailure, type PsaName } from "../../core/psa/writeback-errors.ts";
import { toIsoDate } from "../../core/shared/dates.ts";
import type { Db } from "../../db/client.ts";
import { findAgreement } from "../../db/repos/snapshot.ts";
import { auditStatement } from "../../db/repos/audit.ts";
import { type DecisionRow, findDecision, finishDecisionStatement, insertAttemptStatement, listAttempts, touchDecisionStatement } from "../../db/repos/psa-decisions.ts";
import { findConnectedIntegration } from "../../db/repos/psa-integrations.ts";
import { acquireLease, releaseLease } from "../../db/repos/psa-leases.ts";
import { findLine } from "../../db/repos/psa-records.ts";
import type { Env } from "../../env.ts";
import { newId } from "../secrets.ts";
import { openConnection } from "./connection.ts";
import { MAX_INLINE_WAIT_SECONDS, PacedError, PsaHttpError, sleep } from "./http.ts";
import { enqueueJob, type WritebackJob } from "./jobs.ts";
import { openWriteTarget, type WriteTarget } from "./writeback-target.ts";

const LEASE_TTL_MS = 120_000;
const LEASE_BUSY_RETRY_SECONDS = 2;
const INLINE_ROUNDS = 3;
export const MAX_ATTEMPTS = 8;
const MAX_STORED_RESPONSE = 2_000;

type Outcome = { done: true } | { done: false; retryInSeconds: number };

export async function runWritebackJob(env: Env, db: Db, job: WritebackJob, now: () => Date): Promise<void> {
  const decision = await findDecisionIfPending(db, job);
  if (!decision) return;
  const resource = `agreement:${decision.agreementId}`;
  const holder = newId("lease");
  if (!(await acquireLease(db, decision.tenantId, resource, holder, now(), LEASE_TTL_MS))) {
    await enqueueJob(env, job, LEASE_BUSY_RETRY_SECONDS);
    return;
  }
  try {
    const outcome = await writeUnderLease(env, db, decision, now);
    if (!outcome.done) {
      await touchDecisionStatement(db, decision.tenantId, decision.id, now().toISOString());
      await enqueueJob(env, job, outcome.retryInSeconds);
    }
  } finally {
    await releaseLease(db, decision.tenantId, resource, holder);
  }
}

async function findDecisionIfPending(db: Db, job: WritebackJob): Promise<DecisionRow | null> {
  const decision = await findDecision(db, job.tenantId, job.decisionId);
  return decision && decision.writebackState === "pending" ? decision : null;
}

async function writeUnderLease(env: Env, db: Db, decision: DecisionRow, now: () => Date): Promise<Outcome> {
  const [agreement, line] = await Promise.all([findAgreement(db, decision.tenantId, decision.agreementId), decision.lineId ? findLine(db, decision.tenantId, decision.lineId) : null]);
  const integration = agreement ? await findConnectedIntegration(db, decision.tenantId, agreement.psa) : null;
  // No lineId = a missing line to add (the write target finds or creates it).
  if (!agreement || (decision.lineId && !line) || !integration) return fail(db, decision, now(), "The agreement, its line or its PSA connection no longer exists", null);
  // A user's Retry starts a fresh count (attempts before it stay on record).
  const attempts = (await listAttempts(db, decision.tenantId, decision.id)).filter((a) => !decision.retriedAt || a.at >= decision.retriedAt);
  if (attempts.length >= MAX_ATTEMPTS) {
    const last = attempts.at(-1);
    return fail(db, decision, now(), explainWritebackFailure({ psa: psaOf(agreement.psa), status: last?.httpStatus ?? 0, body: parseStored(last?.response ?? null), attempts: attempts.length }), null);
  }
  const conn = await openConnection(env, db, integration);
  const target = await openWriteTarget(db, conn, decision, agreement, line, now());
  for (let round = 0; round < INLINE_ROUNDS; round++) {
    const step = await attemptOnce(db, decision, target, now);
    if (step.kind === "finished") {
      if (step.resync) await target.resync(stampFor(decision, integration.id, agreement.psa, now())).catch((e: unknown) => console.warn("re-sync after write-back failed", e));
      return { done: true };
    }
    if (step.kind === "wait" && step.seconds > MAX_INLINE_WAIT_SECONDS) return { done: false, retryInSeconds: step.seconds };
    await sleep(step.kind === "wait" ? step.seconds * 1000 : 250 * 2 ** round);
  }
  return { done: false, retryInSeconds: Math.min(300, 5 * 2 ** attempts.length) };
}

function stampFor(decision: DecisionRow, integrationId: string, psa: string, at: Date) {
  return { tenantId: decision.tenantId, integrationId, psa: psa as "connectwise" | "autotask", at: at.toISOString(), today: toIsoDate(at) };
}

type Step = { kind: "finished"; resync: boolean } | { kind: "wait"; seconds: number } | { kind: "retry" };

async function attemptOnce(db: Db, decision: DecisionRow, target: WriteTarget, now: () => Date): Promise<Step> {
  let current: string | null = null;
  // A newer decision on the line may have superseded this one while it waited (Retry-After, backoff).
  if ((await findDecision(db, decision.tenantId, decision.id))?.writebackState !== "pending") return { kind: "finished", resync: false };
  try {
    current = await target.read();
    if (current === null) return finished(await fail(db, decision, now(), explainWritebackFailure({ psa: target.psa, status: 404, body: null }), null), false);
    const plan = target.plan(current);
    if (plan.kind === "refuse") return finished(await fail(db, decision, now(), plan.reason, current), false);
    if (plan.kind === "noop") return finished(await apply(db, decision, now(), current, "already-applied", null, null), true);
    const sent = await target.send(plan);
    return finished(await apply(db, decision, now(), current, "applied", sent.request, sent.result.json), true);
  } catch (error) {
    if (!(error instanceof PsaHttpError)) throw error;
    // Our own pacing held the call back: nothing reached the PSA, so it is no attempt.
    if (error instanceof PacedError) return { kind: "wait", seconds: error.retryAfterSeconds ?? 1 };
    await recordFailure(db, decision, now(), current, error);
    if (error.failure === "rejected") return finished(await fail(db, decision, now(), explainWritebackFailure({ psa: target.psa, status: error.status, body: error.body ?? error.message }), current), false);
    if (error.failure === "throttled") return { kind: "wait", seconds: error.retryAfterSeconds ?? 30 };
    return { kind: "retry" };
  }
}

function finished(_: Outcome, resync: boolean): Step {
  return { kind: "finished", resync };
}

function psaOf(psa: string): PsaName {
  return psa === "autotask" ? "autotask" : "connectwise";
}

/** A stored response back to the body it was (JSON), or the text itself. */
function parseStored(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function clip(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > MAX_STORED_RESPONSE ? `${text.slice(0, MAX_STORED_RESPONSE)}…` : text;
}

async function recordFailure(db: Db, d: DecisionRow, at: Date, current: string | null, error: PsaHttpError): Promise<void> {
  const outcome = error.failure === "rejected" ? "rejected" : error.failure === "throttled" ? "throttled" : "uncertain";
  await insertAttemptStatement(db, {
    id: newId("wba"),
    tenantId: d.tenantId,
    decisionId: d.id,
    at: at.toISOString(),
    outcome,
    psaQuantityBefore: current,
    targetQuantity: d.newQuantity,
    httpStatus: error.status,
    response: clip(error.body ?? error.message),
  });
}

async function apply(db: Db, d: DecisionRow, at: Date, before: string, outcome: "applied" | "already-applied", request: unknown, response: unknown): Promise<Outcome> {
  const iso = at.toISOString();
  await db.batch([
    insertAttemptStatement(db, { id: newId("wba"), tenantId: d.tenantId, decisionId: d.id, at: iso, outcome, psaQuantityBefore: before, targetQuantity: d.newQuantity, httpStatus: outcome === "applied" ? 200 : null, request: clip(request), response: clip(response) }),
    finishDecisionStatement(db, d.tenantId, d.id, { writebackState: "applied", writebackError: null, oldQuantity: outcome === "applied" ? before : d.oldQuantity, at: iso }),
    auditStatement(db, {
      tenantId: d.tenantId,
      at: iso,
      actor: d.actor,
      action: outcome === "applied" ? "decision.applied" : "decision.already-applied",
      entityType: "decision",
      entityId: d.id,
      details: { agreementId: d.agreementId, lineId: d.lineId, old: before, new: d.newQuantity, effectiveDate: d.effectiveDate, request, psaResponse: clip(response) },
    }),
  ]);
  return { done: true };
}

async function fail(db: Db, d: DecisionRow, at: Date, reason: string, current: string | null): Promise<Outcome> {
  const iso = at.toISOString();
  await db.batch([
    finishDecisionStatement(db, d.tenantId, d.id, { writebackState: "failed", writebackError: reason, at: iso }),
    auditStatement(db, {
      tenantId: d.tenantId,
      at: iso,
      actor: d.actor,
      action: "decision.failed",
      entityType: "decision",
      entityId: d.id,
      details: { agreementId: d.agreementId, lineId: d.lineId, psaQuantity: current, target: d.newQuantity, reason },
    }),
  ]);
  return { done: true };
}
