/**
 * Signing outbound webhooks the Standard Webhooks way (standardwebhooks.com;
 * reliability-and-security.md §1.3): headers `webhook-id`, `webhook-timestamp`
 * (unix seconds) and `webhook-signature: v1,<base64 HMAC-SHA256(secret,
 * "{id}.{timestamp}.{body}")>`, where the secret is `whsec_<base64 key>` and
 * the HMAC key is the decoded bytes after the prefix. The id stays the same
 * across retries; the timestamp is the attempt's. No I/O.
 */
import { fromBase64, toBase64 } from "../shared/base64.ts";

export const SECRET_PREFIX = "whsec_";

/** A new secret: 32 random bytes (the spec asks for at least 24). */
export function newWebhookSecret(): string {
  return `${SECRET_PREFIX}${toBase64(crypto.getRandomValues(new Uint8Array(32)))}`;
}

export async function signWebhook(secret: string, id: string, timestamp: number, body: string): Promise<string> {
  if (id.includes(".")) throw new Error("webhook-id must not contain '.'");
  const keyBytes = fromBase64(secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret);
  const key = await crypto.subtle.importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`${id}.${timestamp}.${body}`));
  return `v1,${toBase64(new Uint8Array(mac))}`;
}

export async function webhookHeaders(secret: string, id: string, timestamp: number, body: string): Promise<Record<string, string>> {
  return {
    "content-type": "application/json",
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": await signWebhook(secret, id, timestamp, body),
  };
}
