/**
 * ConnectWise callback intake — verify, dedupe, record, 2xx (the enqueue may
 * finish after the answer) — in the order that keeps untrusted input away
 * from tenant work:
 * 1. no or malformed `x-content-signature` → 401 before any lookup;
 * 2. the integration named by the URL must exist (404);
 * 3. `Metadata.key_url` must be allow-listed (401, nothing fetched);
 * 4. an unfetchable key → we answer 429, the only failure ConnectWise
 *    retries besides 404/409/419 (§2.5), and keep the payload unverified
 *    for the cron to re-verify — only while it is small and the integration
 *    holds fewer than MAX_UNVERIFIED_ROWS (junk costs bounded storage;
 *    ConnectWise's own retry still brings a genuine delivery back);
 * 5. a bad signature → 401; a payload for another company, or without this
 *    integration's own `CallbackObjectRecId`, → 403 (ConnectWise serves
 *    signing keys without auth, so a valid signature alone proves nothing);
 * 6. the same MessageId again → 200 without a second job.
 * Even then the callback is only a hint: the consumer re-reads the record
 * from the PSA with the tenant's credentials (notify-jobs.ts).
 */
import { checkKeyUrl } from "../../core/psa/key-url.ts";
import { type Bytes, parseConnectWiseSignature, verifyConnectWise } from "../../core/psa/signatures.ts";
import { type CwCallback, cwCallbackSchema, cwDedupeKey, parseJson } from "../../core/psa/webhook-payloads.ts";
import type { Db } from "../../db/client.ts";
import { recordUnverifiedDelivery, recordVerifiedDelivery } from "../../db/repos/psa-inbox.ts";
import { findIntegrationForDelivery, type PsaIntegration } from "../../db/repos/psa-integrations.ts";
import { allowsInsecureOrigins, type Env } from "../../env.ts";
import { AppError } from "../../errors.ts";
import { newId } from "../secrets.ts";
import { type Defer, enqueueJob } from "./jobs.ts";
import { fetchSigningKey, getSigningKey } from "./signing-key.ts";

export type IntakeStatus = "accepted" | "duplicate";

/** Seconds after which we ask ConnectWise to retry when the key could not be fetched. */
const KEY_RETRY_AFTER = "2";
/** Unverified rows one integration may hold; more are not kept (answered 429 all the same). */
export const MAX_UNVERIFIED_ROWS = 100;
/** Largest unverified payload kept: a callback carries one agreement as a JSON string, a few KB. */
export const MAX_UNVERIFIED_BYTES = 32 * 1024;
/** The first re-verification comes after ConnectWise's own retries had their chance. */
export const FIRST_REVERIFY_AFTER_MS = 2 * 60_000;

export function parseCallback(text: string): CwCallback {
  const json = parseJson(text);
  const parsed = json.ok ? cwCallbackSchema.safeParse(json.value) : null;
  if (!parsed?.success) throw new AppError("bad_request", "body: not a ConnectWise callback payload");
  return parsed.data;
}

/**
 * Signed for the integration's own company and its own callback record: the
 * `CallbackObjectRecId` must be present and equal the id ConnectWise gave the
 * callback we registered (an integration without one accepts nothing).
 */
export function belongsToIntegration(callback: CwCallback, integration: PsaIntegration): boolean {
  const sameCompany = callback.CompanyId.toLowerCase() === (integration.loginCompanyId ?? "").toLowerCase();
  const sameHook = callback.CallbackObjectRecId != null && integration.remoteHookId !== null && String(callback.CallbackObjectRecId) === integration.remoteHookId;
  return sameCompany && sameHook;
}

/** Verifies with the cached key, refetching once when a cached key may have rotated. */
export async function verifyCallbackSignature(keyUrl: URL, header: string | undefined, body: Bytes, nowMs: number) {
  const first = await getSigningKey(keyUrl, nowMs);
  if (!first.ok) return first;
  if (await verifyConnectWise(first.key, header, body)) return { ok: true as const, valid: true };
  if (first.fetchedAt === nowMs || nowMs - first.fetchedAt < 60_000) return { ok: true as const, valid: false };
  const fresh = await fetchSigningKey(keyUrl, nowMs);
  if (!fresh.ok) return fresh;
  return { ok: true as const, valid: await verifyConnectWise(fresh.key, header, body) };
}

/**
 * `defer` takes work that may finish after the answer (ctx.waitUntil): only
 * the queue send, once the inbox row is stored.
 */
export async function receiveConnectWiseCallback(env: Env, db: Db, integrationId: string, signature: string | undefined, body: Bytes, now: Date, defer: Defer): Promise<IntakeStatus> {
  if (!parseConnectWiseSignature(signature)) throw new AppError("unauthorized", "Missing or malformed x-content-signature");
  const text = new TextDecoder().decode(body);
  const callback = parseCallback(text);
  const integration = await findIntegrationForDelivery(db, integrationId, "connectwise");
  if (!integration) throw new AppError("not_found", "Unknown integration");
  const keyUrl = checkKeyUrl(callback.Metadata.key_url, { siteOrigin: integration.siteOrigin, allowInsecure: allowsInsecureOrigins(env) });
  if (!keyUrl.ok) throw new AppError("unauthorized", `Untrusted key_url: ${keyUrl.error}`);
  const row = {
    id: newId("whk"),
    tenantId: integration.tenantId,
    integrationId: integration.id,
    source: "connectwise",
    dedupeKey: cwDedupeKey(callback),
    entityType: callback.Type.toLowerCase(),
    recordId: String(callback.ID),
    action: callback.Action.toLowerCase(),
    payload: text,
    signature: signature ?? null,
    receivedAt: now.toISOString(),
  };
  const verified = await verifyCallbackSignature(keyUrl.value, signature, body, now.getTime());
  if (!verified.ok) {
    if (body.byteLength <= MAX_UNVERIFIED_BYTES) {
      const nextAttemptAt = new Date(now.getTime() + FIRST_REVERIFY_AFTER_MS).toISOString();
      await recordUnverifiedDelivery(db, { ...row, state: "unverified", error: verified.reason, nextAttemptAt }, MAX_UNVERIFIED_ROWS);
    }
    throw new AppError("rate_limited", "Signing key unavailable; retry later", { "Retry-After": KEY_RETRY_AFTER });
  }
  if (!verified.valid) throw new AppError("unauthorized", "Invalid x-content-signature");
  if (!belongsToIntegration(callback, integration)) throw new AppError("forbidden", "Callback belongs to another ConnectWise company or callback");
  const inboxId = await recordVerifiedDelivery(db, { ...row, state: "received" });
  if (!inboxId) return "duplicate";
  // The row is durable, so the answer need not wait for the send: a lost enqueue is not lost work, the cron re-enqueues `received` rows (inbox-replay.ts).
  defer(enqueueJob(env, { kind: "psa.cw-callback", id: inboxId, tenantId: integration.tenantId, inboxId }).catch((e: unknown) => console.error("enqueue failed", e)));
  return "accepted";
}
