/**
 * Recovering webhook deliveries, per tenant (run by the maintenance job):
 * re-enqueue `received` rows whose job was lost, and re-verify `unverified`
 * ConnectWise callbacks (their signing key was unreachable) with backoff,
 * expiring them after a day. Junk cannot starve a genuine delivery: rows are
 * taken fewest-attempts first, each key URL is fetched at most once per run
 * (every other row behind an unreachable key is deferred without a fetch)
 * and at most MAX_KEY_URLS_PER_RUN distinct URLs are tried.
 */
import { checkKeyUrl } from "../../core/psa/key-url.ts";
import { utf8 } from "../../core/psa/signatures.ts";
import { cwCallbackSchema, parseJson } from "../../core/psa/webhook-payloads.ts";
import type { Db } from "../../db/client.ts";
import { deferUnverifiedStatement, expireUnverifiedStatement, listDueUnverified, listInboxByState, markInboxStatement, promoteVerifiedStatement } from "../../db/repos/psa-inbox.ts";
import type { PsaIntegration } from "../../db/repos/psa-integrations.ts";
import { runGroupedBatches, type Statement } from "../../db/repos/psa-records.ts";
import { allowsInsecureOrigins, type Env } from "../../env.ts";
import { belongsToIntegration, verifyCallbackSignature } from "./intake-cw.ts";
import { enqueueJob } from "./jobs.ts";

const REPLAY_AFTER_MS = 2 * 60_000;
/** An unverified callback not verified within a day is expired (ConnectWise stopped retrying long before). */
export const UNVERIFIED_TTL_MS = 24 * 60 * 60_000;
/** The first retry comes a cron interval later, then the wait doubles. */
const REVERIFY_BASE_DELAY_MS = 15 * 60_000;
const MAX_REVERIFY_DELAY_MS = 6 * 60 * 60_000;
const REVERIFY_BATCH = 200;
const MAX_KEY_URLS_PER_RUN = 10;

/** Backoff after the `attempts`-th failed re-verification (attempts ≥ 1): 15, 30, 60 … minutes, at most 6 h. */
export function reverifyDelayMs(attempts: number): number {
  return Math.min(MAX_REVERIFY_DELAY_MS, REVERIFY_BASE_DELAY_MS * 2 ** Math.max(0, attempts - 1));
}

export async function replayInbox(env: Env, db: Db, tenantId: string, integrations: PsaIntegration[], now: Date): Promise<void> {
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

async function reverifyDue(env: Env, db: Db, integration: PsaIntegration, now: Date): Promise<void> {
  const rows = await listDueUnverified(db, integration.tenantId, integration.id, now.toISOString(), REVERIFY_BATCH);
  const unreachable = new Map<string, string>();
  const tried = new Set<string>();
  const deferred: Statement[] = [];
  const defer = (row: (typeof rows)[number], reason: string) =>
    deferred.push(deferUnverifiedStatement(db, row, new Date(now.getTime() + reverifyDelayMs(row.attempts + 1)).toISOString(), reason));
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
      defer(row, known);
      continue;
    }
    if (!tried.has(url) && tried.size >= MAX_KEY_URLS_PER_RUN) continue;
    tried.add(url);
    const verified = await verifyCallbackSignature(keyUrl.value, row.signature ?? undefined, utf8(row.payload), now.getTime());
    if (!verified.ok) {
      unreachable.set(url, verified.reason);
      defer(row, verified.reason);
    } else if (!verified.valid || !belongsToIntegration(callback.data, integration)) {
      await markInboxStatement(db, row.tenantId, row.id, "failed", now.toISOString(), "signature invalid on replay");
    } else {
      await promoteVerifiedStatement(db, row.tenantId, row.id);
      await enqueueJob(env, { kind: "psa.cw-callback", id: row.id, tenantId: row.tenantId, inboxId: row.id });
    }
  }
  await runGroupedBatches(db, deferred.map((s) => [s]));
}
