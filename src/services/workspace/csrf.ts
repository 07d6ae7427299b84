/**
 * CSRF tokens of workspace sessions: `<nonce>.<HMAC-SHA256(session token, nonce)>`
 * (base64url). Bound to the session, never stored, and a fresh one on every
 * session read; any token minted for the session verifies. The session token
 * is in an HttpOnly cookie, so another site can neither read nor compute one
 * (OWASP CSRF cheat sheet: signed double-submit / synchronizer token).
 */
import { randomToken } from "../secrets.ts";

async function mac(sessionToken: string, nonce: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(sessionToken), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const sig = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(`csrf:${nonce}`)));
  let binary = "";
  for (const byte of sig) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export async function mintCsrfToken(sessionToken: string): Promise<string> {
  const nonce = randomToken(22);
  return `${nonce}.${await mac(sessionToken, nonce)}`;
}

export async function verifyCsrfToken(sessionToken: string, csrfToken: string | undefined): Promise<boolean> {
  if (!csrfToken) return false;
  const match = /^([0-9A-Za-z]{22})\.([A-Za-z0-9_-]{43})$/.exec(csrfToken);
  if (!match?.[1] || !match[2]) return false;
  const expected = new TextEncoder().encode(await mac(sessionToken, match[1]));
  const actual = new TextEncoder().encode(match[2]);
  return expected.byteLength === actual.byteLength && crypto.subtle.timingSafeEqual(expected, actual);
}
