/**
 * The simulators' own webhook signing, written from the published
 * algorithms — deliberately not the product's src/core/psa/signatures.ts, so
 * a mistake there cannot be agreed with by construction:
 * - ConnectWise callbacks: `x-content-signature` = Base64(HMAC-SHA256(key =
 *   SHA-256(UTF-8 signing_key), raw body)) (CW-DevGuide "Callbacks");
 * - Autotask webhooks: `X-Hook-Signature: sha1=` + Base64(HMAC-SHA1(key =
 *   UTF-8 SecretKey, raw body)) (Autotask "Webhooks" REST help).
 * WebCrypto only, so it runs in workerd and Node.
 */
const encoder = new TextEncoder();

function base64(bytes: ArrayBuffer): string {
  let binary = "";
  for (const b of new Uint8Array(bytes)) binary += String.fromCharCode(b);
  return btoa(binary);
}

async function hmac(hash: "SHA-256" | "SHA-1", key: BufferSource, body: string): Promise<string> {
  const imported = await crypto.subtle.importKey("raw", key, { name: "HMAC", hash }, false, ["sign"]);
  return base64(await crypto.subtle.sign("HMAC", imported, encoder.encode(body)));
}

export async function connectWiseSignature(signingKey: string, body: string): Promise<string> {
  return hmac("SHA-256", await crypto.subtle.digest("SHA-256", encoder.encode(signingKey)), body);
}

export async function autotaskSignature(secretKey: string, body: string): Promise<string> {
  return `sha1=${await hmac("SHA-1", encoder.encode(secretKey), body)}`;
}
