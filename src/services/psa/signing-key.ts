/**
 * Fetches and caches ConnectWise callback signing keys (`Metadata.key_url` →
 * `{"signing_key": "…"}`, psa-and-vendor-apis.md §2.5). The URL must already
 * have passed core/psa/key-url.ts; the fetch itself never follows redirects,
 * gives up after a short timeout (ConnectWise waits 5 s for our answer) and
 * reads at most 64 KiB (Nango's limits, reliability-and-security.md §2.1).
 * Imported keys are cached per isolate for a few minutes.
 */
import { z } from "zod";
import { importConnectWiseKey } from "../../core/psa/signatures.ts";

const KEY_FETCH_TIMEOUT_MS = 3_000;
const MAX_KEY_BYTES = 64 * 1024;
const CACHE_TTL_MS = 10 * 60_000;
const CACHE_MAX = 500;

const keyBodySchema = z.looseObject({ signing_key: z.string().min(1).max(4096) });

interface CachedKey {
  key: CryptoKey;
  fetchedAt: number;
}

const cache = new Map<string, CachedKey>();

export type KeyFetch = { ok: true; key: CryptoKey; fetchedAt: number } | { ok: false; reason: string };

export function cachedSigningKey(url: URL, nowMs: number): KeyFetch | null {
  const hit = cache.get(url.toString());
  if (!hit || nowMs - hit.fetchedAt > CACHE_TTL_MS) return null;
  return { ok: true, key: hit.key, fetchedAt: hit.fetchedAt };
}

export async function fetchSigningKey(url: URL, nowMs: number): Promise<KeyFetch> {
  let res: Response;
  try {
    res = await fetch(url.toString(), { method: "GET", redirect: "manual", headers: { accept: "application/json" }, signal: AbortSignal.timeout(KEY_FETCH_TIMEOUT_MS) });
  } catch (error) {
    return { ok: false, reason: `key fetch failed: ${error instanceof Error ? error.message : String(error)}` };
  }
  if (res.status !== 200) {
    await res.body?.cancel();
    return { ok: false, reason: `key fetch answered HTTP ${res.status}` };
  }
  const text = await readCapped(res, MAX_KEY_BYTES);
  if (text === null) return { ok: false, reason: "key response too large" };
  let json: unknown;
  try {
    json = JSON.parse(text);
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

async function readCapped(res: Response, max: number): Promise<string | null> {
  const declared = Number(res.headers.get("content-length") ?? "0");
  if (declared > max) {
    await res.body?.cancel();
    return null;
  }
  if (!res.body) return "";
  const reader = res.body.getReader();
  const parts: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return null;
    }
    parts.push(value);
  }
  const all = new Uint8Array(size);
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.byteLength;
  }
  return new TextDecoder().decode(all);
}
