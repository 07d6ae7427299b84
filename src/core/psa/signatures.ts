/**
 * Webhook signatures of the two PSAs, computed and verified over the exact
 * request bytes (never a re-serialised body). Pure: WebCrypto only, no I/O.
 *
 * - ConnectWise callbacks: `x-content-signature` = Base64(HMAC-SHA256(key =
 *   SHA-256(UTF-8 signing_key), raw body)); the signing key is fetched from the
 *   payload's Metadata.key_url (psa-and-vendor-apis.md §2.5, CW-DevGuide
 *   "Verifying the Callback Source").
 * - Autotask webhooks: `X-Hook-Signature: sha1=<Base64(HMAC-SHA1(SecretKey,
 *   raw body))>` (§3.4, SecretKeyPayloadVerification). Autotask escapes
 *   & < > ' " ` + as \uXXXX, so only the received bytes verify.
 *
 * Comparison goes through `crypto.subtle.verify`, which is constant-time.
 */
import { toBase64 } from "../shared/base64.ts";
const encoder = new TextEncoder();

export type Bytes = Uint8Array<ArrayBuffer>;
/** WebCrypto's key type, named portably (Node's types have no global CryptoKey). */
export type HmacKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

export function utf8(text: string): Bytes {
  return encoder.encode(text) as Bytes;
}

export { toBase64 };

/** Strict Base64 of exactly `length` bytes, or null (never throws on garbage). */
export function decodeBase64(text: string, length: number): Bytes | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || text.length % 4 !== 0) return null;
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    return null;
  }
  if (binary.length !== length) return null;
  return Uint8Array.from(binary, (ch) => ch.charCodeAt(0)) as Bytes;
}

/** The HMAC-SHA256 key ConnectWise signs with: the SHA-256 digest of the signing key. */
export async function importConnectWiseKey(signingKey: string): Promise<HmacKey> {
  const digest = await crypto.subtle.digest("SHA-256", utf8(signingKey));
  return crypto.subtle.importKey("raw", digest, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

export async function signConnectWise(signingKey: string, body: Bytes): Promise<string> {
  const key = await importConnectWiseKey(signingKey);
  return toBase64(new Uint8Array(await crypto.subtle.sign("HMAC", key, body)));
}

export async function verifyConnectWise(key: HmacKey, header: string | undefined, body: Bytes): Promise<boolean> {
  const signature = parseConnectWiseSignature(header);
  return signature !== null && crypto.subtle.verify("HMAC", key, signature, body);
}

/** The decoded 32-byte signature, or null when the header is missing or malformed. */
export function parseConnectWiseSignature(header: string | undefined): Bytes | null {
  return header ? decodeBase64(header.trim(), 32) : null;
}

export async function importAutotaskKey(secretKey: string): Promise<HmacKey> {
  return crypto.subtle.importKey("raw", utf8(secretKey), { name: "HMAC", hash: "SHA-1" }, false, ["sign", "verify"]);
}

/** The full header value, `sha1=<base64>`. */
export async function signAutotask(secretKey: string, body: Bytes): Promise<string> {
  const key = await importAutotaskKey(secretKey);
  return `sha1=${toBase64(new Uint8Array(await crypto.subtle.sign("HMAC", key, body)))}`;
}

export async function verifyAutotask(key: HmacKey, header: string | undefined, body: Bytes): Promise<boolean> {
  const signature = parseAutotaskSignature(header);
  return signature !== null && crypto.subtle.verify("HMAC", key, signature, body);
}

/** `sha1=<base64 of 20 bytes>` → the bytes; any other scheme or shape → null. */
export function parseAutotaskSignature(header: string | undefined): Bytes | null {
  const match = header ? /^sha1=(\S+)$/.exec(header.trim()) : null;
  return match?.[1] ? decodeBase64(match[1], 20) : null;
}
