/**
 * Vendor pulls as queue jobs (`ingest.pull`). A run row is created first —
 * by "sync now" or by the nightly cron on the integration's sync day (one per
 * day: the run's trigger key is the date) — then the job claims it, fetches
 * from the vendor, and in one D1 batch appends the counts to the ledger,
 * applies them and records the outcome. Retryable failures (429 beyond the
 * in-run wait, 5xx, network) put the run back to `queued` for the queue's
 * retry; configuration failures (401, bad URL) fail it for good.
 */
import { futurePeriodError, periodOfInstant } from "../../core/usage/date-cell.ts";
import type { CountDraft } from "../../core/usage/count-draft.ts";
import type { Db } from "../../db/client.ts";
import { tenantDb } from "../../db/tenant-db.ts";
import { findIntegration, findPullSecret, saveAccessToken } from "../../db/repos/ingest-integrations.ts";
import { applyStatements, createdAccountIds, logStatements, runBatch } from "../../db/repos/ingest-ledger.ts";
import { claimRun, findRun, finishRunStatement, insertRunStatement, listRuns, type PullRunRow } from "../../db/repos/ingest-pulls.ts";
import type { Env, TenantPrincipal } from "../../env.ts";
import { AppError } from "../../errors.ts";
import type { JobOutcome } from "../../jobs/messages.ts";
import { decryptSecret, encryptSecret, newId } from "../secrets.ts";
import { autoMapNewAccounts } from "./auto-map.ts";
import { type LiongardCredentials, type Pax8Credentials, parsePullConfig, type PullConfig } from "./integration-config.ts";
import { pullLiongard } from "./liongard-client.ts";
import { type PullContext, pullPax8, type TokenStore } from "./pax8-client.ts";
import { newBudget, PullError } from "./vendor-http.ts";

export const PULL_JOB = "ingest.pull";
/** A run "running" for longer than this lost its worker and may be claimed again (Queues consumers stop at 15 min). */
const STALE_RUN_MS = 20 * 60_000;
/** After this many attempts a retryable failure is final (wrangler.toml max_retries is 6). */
const MAX_ATTEMPTS = 7;

export interface PullJob {
  kind: typeof PULL_JOB;
  id: string;
  tenantId: string;
  integrationId: string;
  runId: string;
  [field: string]: unknown;
}

export async function requestPullRun(db: Db, env: Env, who: TenantPrincipal, integrationId: string, now: Date) {
  const integration = await findIntegration(db, who.tenantId, integrationId);
  if (!integration) throw new AppError("not_found", "Integration not found");
  if (!parsePullConfig(integration.config)) throw new AppError("validation_failed", `A ${integration.kind} integration has nothing to pull`);
  if (integration.disconnectedAt) throw new AppError("conflict", "Integration is disconnected");
  const runId = newId("run");
  await queueRun(db, env, { tenantId: who.tenantId, integrationId, runId, trigger: "manual", triggerKey: runId, at: now.toISOString() });
  return toRunView((await findRun(db, who.tenantId, runId)) as PullRunRow);
}

interface QueueRun {
  tenantId: string;
  integrationId: string;
  runId: string;
  trigger: "manual" | "cron";
  triggerKey: string;
  at: string;
}

/** Creates the run (idempotent on integration + trigger key) and enqueues its job. */
export async function queueRun(db: Db, env: Env, r: QueueRun): Promise<void> {
  await insertRunStatement(db, { id: r.runId, tenantId: r.tenantId, integrationId: r.integrationId, trigger: r.trigger, triggerKey: r.triggerKey, status: "queued", queuedAt: r.at });
  const job: PullJob = { kind: PULL_JOB, id: r.runId, tenantId: r.tenantId, integrationId: r.integrationId, runId: r.runId };
  await env.JOBS.send(job);
}

export async function executePullRun(job: PullJob, env: Env, now = new Date()): Promise<JobOutcome> {
  const db = tenantDb(env, job.tenantId);
  const at = now.toISOString();
  const run = await claimRun(db, job.tenantId, job.runId, at, new Date(now.getTime() - STALE_RUN_MS).toISOString());
  if (!run) return { ok: true }; // already running elsewhere or finished: a redelivery
  const integration = await findIntegration(db, job.tenantId, job.integrationId);
  const config = integration && !integration.disconnectedAt ? parsePullConfig(integration.config) : null;
  const period = periodOfInstant(now);
  const ctx: PullContext = { budget: newBudget(), now, period, sourceRef: `pull:${run.id}`, warnings: [] };
  const finish = (f: Omit<Parameters<typeof finishRunStatement>[3], "at" | "requests">) =>
    finishRunStatement(db, job.tenantId, run.id, { ...f, at: new Date().toISOString(), requests: ctx.budget.requests });
  if (!config) {
    await finish({ status: "failed", countsWritten: 0, warnings: [], error: "integration is disconnected or not a pull integration" });
    return { ok: true };
  }
  try {
    const drafts = withoutFuturePeriods(await fetchDrafts(db, env, job, config, ctx), now, ctx.warnings);
    const source = { tenantId: job.tenantId, integrationId: job.integrationId, sourceKind: "pull" as const, sourceId: run.id, receivedAt: at };
    const logs = logStatements(db, source, drafts, { skipUnchanged: true });
    const results = await runBatch(db, [
      ...logs,
      ...applyStatements(db, { tenantId: job.tenantId, integrationId: job.integrationId, sourceId: run.id, now: at }),
      finish({ status: "succeeded", period, countsWritten: "logged", warnings: ctx.warnings, error: null }),
    ]);
    await autoMapNewAccounts(db, job.tenantId, createdAccountIds(results[logs.length]), now);
    return { ok: true };
  } catch (error) {
    const retryable = error instanceof PullError ? error.retryable : true;
    const message = error instanceof Error ? error.message : String(error);
    const final = !retryable || run.attempts >= MAX_ATTEMPTS;
    await finish({ status: final ? "failed" : "queued", countsWritten: 0, warnings: ctx.warnings, error: message });
    return final ? { ok: true } : { ok: false, retryable: true, error: message };
  }
}

/** A vendor count for a month after the current one is never stored: it is skipped and the run records a warning. */
export function withoutFuturePeriods(drafts: CountDraft[], now: Date, warnings: string[]): CountDraft[] {
  return drafts.filter((d) => {
    const problem = futurePeriodError(d.period, now);
    if (problem) warnings.push(`account ${d.accountExternalId}, service ${d.serviceExternalId}: period ${problem}; count not written`);
    return problem === null;
  });
}

async function fetchDrafts(db: Db, env: Env, job: PullJob, config: PullConfig, ctx: PullContext): Promise<CountDraft[]> {
  const secret = await findPullSecret(db, job.tenantId, job.integrationId);
  if (!secret) throw new PullError("no credentials stored for this integration", false);
  const credentials = JSON.parse(await decryptSecret(env.ENCRYPTION_KEY, secret.credentials, job.tenantId)) as object;
  if (config.kind === "liongard") return pullLiongard(config, credentials as LiongardCredentials, ctx);
  return pullPax8(config, credentials as Pax8Credentials, tokenStore(db, env, job, secret), ctx);
}

/** The Pax8 token, sealed in D1 and reused until a minute before it expires. */
function tokenStore(db: Db, env: Env, job: PullJob, secret: { accessToken: string | null; tokenExpiresAt: string | null }): TokenStore {
  let cached = secret;
  return {
    async load() {
      if (!cached.accessToken || !cached.tokenExpiresAt || Date.parse(cached.tokenExpiresAt) - 60_000 <= Date.now()) return null;
      return decryptSecret(env.ENCRYPTION_KEY, cached.accessToken, job.tenantId);
    },
    async save(token, expiresAt) {
      const sealed = await encryptSecret(env.ENCRYPTION_KEY, token, job.tenantId);
      cached = { accessToken: sealed, tokenExpiresAt: expiresAt.toISOString() };
      await saveAccessToken(db, job.tenantId, job.integrationId, sealed, cached.tokenExpiresAt, new Date().toISOString());
    },
    async clear() {
      cached = { accessToken: null, tokenExpiresAt: null };
      await saveAccessToken(db, job.tenantId, job.integrationId, null, null, new Date().toISOString());
    },
  };
}

export function toRunView(run: PullRunRow) {
  return {
    runId: run.id, integrationId: run.integrationId, trigger: run.trigger, status: run.status, attempts: run.attempts, period: run.period,
    requests: run.requests, countsWritten: run.countsWritten, countsApplied: run.countsApplied, warnings: JSON.parse(run.warnings) as string[],
    error: run.error, queuedAt: run.queuedAt, startedAt: run.startedAt, finishedAt: run.finishedAt,
  };
}

export async function listPullRuns(db: Db, tenantId: string, integrationId: string) {
  const integration = await findIntegration(db, tenantId, integrationId);
  if (!integration) throw new AppError("not_found", "Integration not found");
  return (await listRuns(db, tenantId, integrationId)).map(toRunView);
}

export async function getPullRun(db: Db, tenantId: string, runId: string) {
  const run = await findRun(db, tenantId, runId);
  return run ? toRunView(run) : null;
}
