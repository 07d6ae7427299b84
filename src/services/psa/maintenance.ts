/**
 * Scheduled PSA work, tenant by tenant: start an incremental (every 15 min)
 * or full (nightly) sync per connected integration, and recover work whose
 * message was lost — re-verify unverified callbacks (their key was
 * unreachable) with backoff, expiring them after a day, re-enqueue received-but-unprocessed deliveries and stale
 * pending write-backs, fail runs stuck behind a dead-lettered chunk, and
 * release scheduled decisions whose day has come (decision-lifecycle.ts).
 */
import { checkKeyUrl } from "../../core/psa/key-url.ts";
import { cwCallbackSchema, parseJson } from "../../core/psa/webhook-payloads.ts";
import { utf8 } from "../../core/psa/signatures.ts";
import type { Db } from "../../db/client.ts";
import { listStalePendingDecisions, touchDecisionStatement } from "../../db/repos/psa-decisions.ts";
import { deferUnverifiedStatement, expireUnverifiedStatement, listDueUnverified, listInboxByState, markInboxStatement, promoteVerifiedStatement } from "../../db/repos/psa-inbox.ts";
import { listConnectedIntegrationsAllTenants, type PsaIntegration } from "../../db/repos/psa-integrations.ts";
import { runGroupedBatches, type Statement } from "../../db/repos/psa-records.ts";
import { listStuckRuns, listSyncRuns } from "../../db/repos/psa-sync-runs.ts";
import { allowsInsecureOrigins, type Env } from "../../env.ts";
import { belongsToIntegration, verifyCallbackSignature } from "./intake-cw.ts";
import { enqueueJob, type SyncMode } from "./jobs.ts";
import { releaseDueScheduled } from "./decision-lifecycle.ts";
import { failSyncRun, startSyncRun } from "./sync-runs.ts";

const RUN_OVERLAP_MS = 30 * 60_000;
const STUCK_RUN_MS = 2 * 60 * 60_000;
const REPLAY_AFTER_MS = 2 * 60_000;
const STALE_DECISION_MS = 10 * 60_000;
/** An unverified callback not verified within a day is expired (ConnectWise stopped retrying long before). */
export const UNVERIFIED_TTL_MS = 24 * 60 * 60_000;
const MAX_REVERIFY_DELAY_MS = 6 * 60 * 60_000;
const REVERIFY_BATCH = 200;
const MAX_KEY_URLS_PER_RUN = 10;

export async function runPsaMaintenance(env: Env, db: Db, mode: SyncMode, now: Date): Promise<void> {
  const integrations = await listConnectedIntegrationsAllTenants(db);
  const tenants = [...new Set(integrations.map((i) => i.tenantId))];
  for (const tenantId of tenants) {
    const own = integrations.filter((i) => i.tenantId === tenantId);
    try {
      await failStuckRuns(db, tenantId, now);
      for (const integration of own) await startScheduledSync(env, db, integration, mode, now);
      await replayInbox(env, db, tenantId, own, now);
      await requeueStaleDecisions(env, db, tenantId, now);
      // After the stale sweep, so a decision released now is not also re-enqueued as stale.
      await releaseDueScheduled(env, db, tenantId, now);
    } catch (error) {
      console.error("psa maintenance failed for tenant", tenantId, error);
    }
  }
}

async function startScheduledSync(env: Env, db: Db, integration: PsaIntegration, mode: SyncMode, now: Date): Promise<void> {
  const [latest] = await listSyncRuns(db, integration.tenantId, integration.id, 1);
  // An incremental run does not pile onto one still running; the nightly full run always starts.
  if (mode === "incremental" && latest?.state === "running" && now.getTime() - Date.parse(latest.startedAt) < RUN_OVERLAP_MS) return;
  await startSyncRun(env, db, integration, mode, now);
}

async function failStuckRuns(db: Db, tenantId: string, now: Date): Promise<void> {
  for (const run of await listStuckRuns(db, tenantId, new Date(now.getTime() - STUCK_RUN_MS).toISOString())) {
    await failSyncRun(db, run, now, "run did not complete (a chunk was dead-lettered)");
  }
}

async function replayInbox(env: Env, db: Db, tenantId: string, integrations: PsaIntegration[], now: Date): Promise<void> {
  const before = new Date(now.getTime() - REPLAY_AFTER_MS).toISOString();
  // Received-but-unprocessed first, so a row promoted below is not enqueued twice.
  for (const row of await listInboxByState(db, tenantId, "received", before)) {
    const kind = row.source === "connectwise" ? "psa.cw-callback" : "psa.at-event";
    await enqueueJob(env, { kind, id: row.id, tenantId, inboxId: row.id });
  }
  await expireUnverifiedStatement(db, tenantId, new Date(now.getTime() - UNVERIFIED_TTL_MS).toISOString(), now.toISOString());
  for (const integration of integrations) {
    if (integration.kind === "connectwise") await reverifyDue(env, db, integration, now);
  }
}

/** Backoff after `attempts` failed re-verifications: 4, 8, 16 … minutes, at most 6 h. */
export function reverifyDelayMs(attempts: number): number {
  return Math.min(MAX_REVERIFY_DELAY_MS, 2 * 60_000 * 2 ** (attempts + 1));
}

/**
 * Re-verifies an integration's due unverified callbacks. Junk cannot starve
 * a genuine one: rows are taken fewest-attempts first, each key URL is
 * fetched at most once per run (every row behind an unreachable key is
 * deferred with backoff at no further cost) and at most MAX_KEY_URLS_PER_RUN
 * distinct URLs are tried.
 */
async function reverifyDue(env: Env, db: Db, integration: PsaIntegration, now: Date): Promise<void> {
  const rows = await listDueUnverified(db, integration.tenantId, integration.id, now.toISOString(), REVERIFY_BATCH);
  const unreachable = new Map<string, string>();
  const tried = new Set<string>();
  const deferred: Statement[] = [];
  for (const row of rows) {
    const json = parseJson(row.payload);
    const callback = json.ok ? cwCallbackSchema.safeParse(json.value) : null;
    const keyUrl = callback?.success ? checkKeyUrl(callback.data.Metadata.key_url, { siteOrigin: integration.siteOrigin, allowInsecure: allowsInsecureOrigins(env) }) : null;
    if (!callback?.success || !keyUrl?.ok) {
      await markInboxStatement(db, row.tenantId, row.id, "failed", now.toISOString(), "payload or key_url invalid");
      continue;
    }
    const url = keyUrl.value.toString();
    const known = unreachable.get(url);
    if (known !== undefined) {
      deferred.push(deferUnverifiedStatement(db, row, new Date(now.getTime() + reverifyDelayMs(row.attempts)).toISOString(), known));
      continue;
    }
    if (!tried.has(url) && tried.size >= MAX_KEY_URLS_PER_RUN) continue;
    tried.add(url);
    const verified = await verifyCallbackSignature(keyUrl.value, row.signature ?? undefined, utf8(row.payload), now.getTime());
    if (!verified.ok) {
      unreachable.set(url, verified.reason);
      deferred.push(deferUnverifiedStatement(db, row, new Date(now.getTime() + reverifyDelayMs(row.attempts)).toISOString(), verified.reason));
    } else if (!verified.valid || !belongsToIntegration(callback.data, integration)) {
      await markInboxStatement(db, row.tenantId, row.id, "failed", now.toISOString(), "signature invalid on replay");
    } else {
      await promoteVerifiedStatement(db, row.tenantId, row.id);
      await enqueueJob(env, { kind: "psa.cw-callback", id: row.id, tenantId: row.tenantId, inboxId: row.id });
    }
  }
  await runGroupedBatches(db, deferred.map((s) => [s]));
}

async function requeueStaleDecisions(env: Env, db: Db, tenantId: string, now: Date): Promise<void> {
  for (const d of await listStalePendingDecisions(db, tenantId, new Date(now.getTime() - STALE_DECISION_MS).toISOString())) {
    await touchDecisionStatement(db, tenantId, d.id, now.toISOString());
    await enqueueJob(env, { kind: "psa.writeback", id: d.id, tenantId, decisionId: d.id });
  }
}
