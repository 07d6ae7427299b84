/**
 * Key material: tenant API keys are random, prefixed (so a leaked key is
 * recognisable in logs and scanners) and only their SHA-256 is stored.
 * Comparison of secrets is constant-time.
 */
import { fromBase64, toBase64 } from "../core/shared/base64.ts";

const KEY_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** A random base62 string of `length` characters (rejection sampling keeps it unbiased). */
export function randomToken(length: number): string {
  let out = "";
  while (out.length < length) {
    const bytes = crypto.getRandomValues(new Uint8Array(length * 2));
    for (const b of bytes) {
      if (b < 248 && out.length < length) out += KEY_ALPHABET[b % 62];
    }
  }
  return out;
}

/** A new id such as `tnt_8fK2…` (prefix says what it identifies). */
export function newId(prefix: string): string {
  return `${prefix}_${randomToken(20)}`;
}

export interface GeneratedKey {
  key: string;
  prefix: string;
  hash: string;
}

/** A new tenant API key `tu_<40 base62>`; the caller shows `key` once and stores `hash`. */
export async function generateApiKey(kind = "tu"): Promise<GeneratedKey> {
  const key = `${kind}_${randomToken(40)}`;
  return { key, prefix: key.slice(0, kind.length + 7), hash: await sha256Hex(key) };
}

export async function sha256Hex(value: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Constant-time equality of two strings (hashing first equalises lengths). */
export async function secretsEqual(a: string, b: string): Promise<boolean> {
  const [ha, hb] = await Promise.all([digest(a), digest(b)]);
  return crypto.subtle.timingSafeEqual(ha, hb);
}

async function digest(value: string): Promise<ArrayBuffer> {
  return crypto.subtle.digest("SHA-256", new TextEncoder().encode(value));
}

// ─── Secrets at rest ─────────────────────────────────────────────────────────
// PSA and vendor credentials are stored AES-256-GCM encrypted with the
// ENCRYPTION_KEY secret (32 random bytes, base64). Output: "v1.<iv b64>.<ct b64>";
// the version prefix leaves room for key rotation.

async function importEncryptionKey(base64Key: string): Promise<CryptoKey> {
  const raw = Uint8Array.from(atob(base64Key), (ch) => ch.charCodeAt(0));
  if (raw.byteLength !== 32) throw new Error("ENCRYPTION_KEY must be 32 bytes, base64-encoded");
  return crypto.subtle.importKey("raw", raw, "AES-GCM", false, ["encrypt", "decrypt"]);
}

/** Encrypts a secret for storage; `context` (e.g. the tenant id) is bound as additional data. */
export async function encryptSecret(base64Key: string, plaintext: string, context: string): Promise<string> {
  const key = await importEncryptionKey(base64Key);
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const data = new TextEncoder().encode(plaintext);
  const ad = new TextEncoder().encode(context);
  const ct = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: ad }, key, data));
  return `v1.${toBase64(iv)}.${toBase64(ct)}`;
}

/** Decrypts what encryptSecret produced with the same context; throws on tampering. */
export async function decryptSecret(base64Key: string, sealed: string, context: string): Promise<string> {
  const [version, iv, ct] = sealed.split(".");
  if (version !== "v1" || !iv || !ct) throw new Error("unknown sealed-secret format");
  const key = await importEncryptionKey(base64Key);
  const ad = new TextEncoder().encode(context);
  const pt = await crypto.subtle.decrypt({ name: "AES-GCM", iv: fromBase64(iv), additionalData: ad }, key, fromBase64(ct));
  return new TextDecoder().decode(pt);
}
