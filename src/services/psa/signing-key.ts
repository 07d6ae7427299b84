/**
 * Fetches and caches ConnectWise callback signing keys (`Metadata.key_url` →
 * `{"signing_key": "…"}`, psa-and-vendor-apis.md §2.5). The URL must already
 * have passed core/psa/key-url.ts; the fetch itself never follows redirects,
 * gives up after a short deadline that covers the body as well as the
 * headers (ConnectWise waits 5 s for our answer, reliability-and-security.md
 * §2.1) and reads at most 64 KiB, cancelling the stream beyond that (Nango's
 * limits, ibid.). Imported keys are cached per isolate for a few minutes.
 */
import { z } from "zod";
import { importConnectWiseKey } from "../../core/psa/signatures.ts";

/** Well under ConnectWise's 5 s, so a dead key endpoint still gets ConnectWise its 429 in time. */
export const KEY_FETCH_TIMEOUT_MS = 3_000;
const MAX_KEY_BYTES = 64 * 1024;
const CACHE_TTL_MS = 10 * 60_000;
const CACHE_MAX = 500;

const keyBodySchema = z.looseObject({ signing_key: z.string().min(1).max(4096) });

interface CachedKey {
  key: CryptoKey;
  fetchedAt: number;
}

const cache = new Map<string, CachedKey>();
let keyFetchTimeoutMs = KEY_FETCH_TIMEOUT_MS;

export type KeyFetch = { ok: true; key: CryptoKey; fetchedAt: number } | { ok: false; reason: string };

export function cachedSigningKey(url: URL, nowMs: number): KeyFetch | null {
  const hit = cache.get(url.toString());
  if (!hit || nowMs - hit.fetchedAt > CACHE_TTL_MS) return null;
  return { ok: true, key: hit.key, fetchedAt: hit.fetchedAt };
}

export async function fetchSigningKey(url: URL, nowMs: number): Promise<KeyFetch> {
  const deadline = AbortSignal.timeout(keyFetchTimeoutMs);
  let res: Response;
  try {
    res = await fetch(url.toString(), { method: "GET", redirect: "manual", headers: { accept: "application/json" }, signal: deadline });
  } catch (error) {
    return { ok: false, reason: `key fetch failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (res.status !== 200) {
    await res.body?.cancel();
    return { ok: false, reason: `key fetch answered HTTP ${res.status}` };
  }
  const body = await readCapped(res, MAX_KEY_BYTES, deadline);
  if (!body.ok) return body;
  let json: unknown;
  try {
    json = JSON.parse(body.text);
  } catch {
    return { ok: false, reason: "key response is not JSON" };
  }
  const parsed = keyBodySchema.safeParse(json);
  if (!parsed.success) return { ok: false, reason: "key response has no signing_key" };
  const key = await importConnectWiseKey(parsed.data.signing_key);
  if (cache.size >= CACHE_MAX) cache.delete(cache.keys().next().value ?? "");
  cache.set(url.toString(), { key, fetchedAt: nowMs });
  return { ok: true, key, fetchedAt: nowMs };
}

export async function getSigningKey(url: URL, nowMs: number): Promise<KeyFetch> {
  return cachedSigningKey(url, nowMs) ?? fetchSigningKey(url, nowMs);
}

/** Test seam: forget cached keys. */
export function clearSigningKeyCache(): void {
  cache.clear();
}

/** Test seam: a shorter key-fetch deadline, so a test of a key endpoint that never answers takes milliseconds. Returns the previous one. */
export function setKeyFetchTimeout(ms: number): number {
  const previous = keyFetchTimeoutMs;
  keyFetchTimeoutMs = ms;
  return previous;
}

/** Rejects when the signal aborts: raced against each read, so a body that stalls after its headers still ends at the deadline. */
function whenAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

/** The body as text, or why not: more than `max` bytes (declared or streamed; the rest is never read) or past the deadline. */
async function readCapped(res: Response, max: number, deadline: AbortSignal): Promise<{ ok: true; text: string } | { ok: false; reason: string }> {
  const tooLarge = { ok: false as const, reason: "key response too large" };
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > max) {
    await res.body?.cancel();
    return tooLarge;
  }
  if (!res.body) return { ok: true, text: "" };
  const reader = res.body.getReader();
  const aborted = whenAborted(deadline);
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await Promise.race([reader.read(), aborted]);
    } catch (error) {
      // Past the deadline (or the stream broke): stop reading whatever is still coming.
      await reader.cancel().catch(() => undefined);
      return { ok: false, reason: `key response body not read: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (chunk.done) break;
    size += chunk.value.byteLength;
    if (size > max) {
      await reader.cancel();
      return tooLarge;
    }
    parts.push(chunk.value);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.byteLength;
  }
  return { ok: true, text: new TextDecoder().decode(all) };
}
