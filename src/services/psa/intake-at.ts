/**
 * Autotask webhook intake (psa-and-vendor-apis.md §3.4): `X-Hook-Signature:
 * sha1=<base64 HMAC-SHA1(SecretKey, raw body)>` checked over the exact bytes
 * before anything is parsed, then dedupe on Guid + Id + SequenceNumber (a
 * delivery Autotask retries up to 5 times is one row and one job). A new
 * delivery's SequenceNumber is then checked: a gap or an out-of-order
 * number queues an immediate poll (gap-poll.ts). The DeactivationUrl call,
 * and a signed `Deactivated` event, flag the integration as polling-only.
 */
import { importAutotaskKey, parseAutotaskSignature, type Bytes, verifyAutotask } from "../../core/psa/signatures.ts";
import { atDedupeKey, atWebhookSchema, parseJson } from "../../core/psa/webhook-payloads.ts";
import type { Db } from "../../db/client.ts";
import { auditStatement } from "../../db/repos/audit.ts";
import { recordVerifiedDelivery } from "../../db/repos/psa-inbox.ts";
import { findIntegrationForDelivery, forgetDeliveryIntegration, type PsaIntegration, updateIntegrationStatement } from "../../db/repos/psa-integrations.ts";
import type { Env } from "../../env.ts";
import { AppError } from "../../errors.ts";
import { decryptSecret, newId, secretsEqual, sha256Hex } from "../secrets.ts";
import type { IntakeStatus } from "./intake-cw.ts";
import { checkSequence } from "./gap-poll.ts";
import { type Defer, enqueueJob } from "./jobs.ts";

const keyCache = new Map<string, CryptoKey>();

async function webhookKey(env: Env, integration: PsaIntegration): Promise<CryptoKey | null> {
  if (!integration.webhookSecret) return null;
  const cacheKey = `${integration.id}:${integration.webhookSecret}`;
  const hit = keyCache.get(cacheKey);
  if (hit) return hit;
  const secret = await decryptSecret(env.ENCRYPTION_KEY, integration.webhookSecret, integration.tenantId);
  const key = await importAutotaskKey(secret);
  if (keyCache.size > 500) keyCache.clear();
  keyCache.set(cacheKey, key);
  return key;
}

async function verifiedIntegration(env: Env, db: Db, integrationId: string, signature: string | undefined, body: Bytes): Promise<PsaIntegration> {
  if (!parseAutotaskSignature(signature)) throw new AppError("unauthorized", "Missing or malformed X-Hook-Signature");
  const integration = await findIntegrationForDelivery(db, integrationId, "autotask");
  if (!integration) throw new AppError("not_found", "Unknown integration");
  const key = await webhookKey(env, integration);
  if (!key || !(await verifyAutotask(key, signature, body))) throw new AppError("unauthorized", "Invalid X-Hook-Signature");
  return integration;
}

/** `defer` takes the queue send once the inbox row is stored (ctx.waitUntil, as intake-cw.ts). */
export async function receiveAutotaskWebhook(env: Env, db: Db, integrationId: string, signature: string | undefined, body: Bytes, now: Date, defer: Defer): Promise<IntakeStatus> {
  const integration = await verifiedIntegration(env, db, integrationId, signature, body);
  const text = new TextDecoder().decode(body);
  const json = parseJson(text);
  const parsed = json.ok ? atWebhookSchema.safeParse(json.value) : null;
  if (!parsed?.success) throw new AppError("bad_request", "body: not an Autotask webhook payload");
  const event = parsed.data;
  if (event.Action.toLowerCase() === "deactivated") {
    await deactivate(db, integration, now, "webhook event");
    return "accepted";
  }
  const inboxId = await recordVerifiedDelivery(db, {
    id: newId("whk"),
    tenantId: integration.tenantId,
    integrationId: integration.id,
    source: "autotask",
    dedupeKey: atDedupeKey(event),
    state: "received",
    entityType: event.EntityType.toLowerCase(),
    recordId: String(event.Id),
    action: event.Action.toLowerCase(),
    payload: text,
    receivedAt: now.toISOString(),
  });
  if (!inboxId) return "duplicate";
  // The row is durable: a lost send is re-enqueued by the cron (inbox-replay.ts).
  defer(enqueueJob(env, { kind: "psa.at-event", id: inboxId, tenantId: integration.tenantId, inboxId }).catch((e: unknown) => console.error("enqueue failed", e)));
  // After the event is safe: a failed check costs only the immediate poll (the quarter-hour sync still comes).
  await checkSequence(env, db, integration, event, now).catch((e: unknown) => console.error("sequence check failed", e));
  return "accepted";
}

/** The DeactivationUrl: accepted with the URL's token, or with a valid signature over the body. */
export async function receiveAutotaskDeactivation(env: Env, db: Db, integrationId: string, token: string | undefined, signature: string | undefined, body: Bytes, now: Date): Promise<void> {
  if (token) {
    const integration = await findIntegrationForDelivery(db, integrationId, "autotask");
    const expected = integration?.deactivationTokenHash;
    if (!integration || !expected || !(await secretsEqual(await sha256Hex(token), expected))) throw new AppError("unauthorized", "Invalid deactivation token");
    await deactivate(db, integration, now, "deactivation url");
    return;
  }
  await deactivate(db, await verifiedIntegration(env, db, integrationId, signature, body), now, "deactivation url");
}

async function deactivate(db: Db, integration: PsaIntegration, now: Date, via: string): Promise<void> {
  if (integration.status === "deactivated") return;
  forgetDeliveryIntegration(db, "autotask", integration.id);
  const at = now.toISOString();
  await db.batch([
    updateIntegrationStatement(db, integration.tenantId, integration.id, { status: "deactivated", pollingOnly: true, updatedAt: at }),
    auditStatement(db, {
      tenantId: integration.tenantId,
      at,
      actor: "autotask",
      action: "psa.webhook-deactivated",
      entityType: "psa_integration",
      entityId: integration.id,
      details: { via, webhookId: integration.remoteHookId, fallback: "polling" },
    }),
  ]);
}
