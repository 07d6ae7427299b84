/**
 * Outbound PSA HTTP through the global fetch: JSON in and out, a timeout on
 * every call, redirects never followed, and one error type that says whether
 * a failure may be retried (psa-and-vendor-apis.md §2.1: 429 + Retry-After;
 * reliability-and-security.md §2.1: don't retry 4xx). Reads are retried
 * in-process on 429 (after Retry-After, when short) and once on a transient
 * failure; writes never are — the write-back re-reads the line first.
 *
 * Pacing, in the same helper: a call that names its integration (`pace`)
 * takes a token from that integration's bucket first and, for Autotask,
 * one of the endpoint's thread slots. A 429 pauses the whole bucket for its
 * Retry-After. A wait longer than MAX_INLINE_WAIT_SECONDS is not slept: it
 * surfaces as a PacedError (a 429 with that delay, nothing sent), so the
 * queue job comes back later. Buckets live per isolate and smooth the rate;
 * the hard cap across isolates is the D1 request budget (connection.ts):
 * - ConnectWise throttles above ~1,000 requests/minute (CW-DevGuide "Rate
 *   Limiting"): 15/s here, at most 900 a minute per integration in D1;
 * - Autotask allows 3 concurrent threads per object endpoint and 10,000
 *   requests per rolling hour per database (ThreadLimiting.htm): 2.5/s
 *   here, 8,000 an hour in D1, and 3 threads per endpoint shared by the
 *   QUEUE_CONSUMER_CONCURRENCY consumers (wrangler.toml max_concurrency),
 *   so one per endpoint per isolate.
 */
import { classifyPsaStatus, describePsaError, type FailureClass, parseRetryAfter } from "../../core/psa/writeback-plan.ts";

export const PSA_TIMEOUT_MS = 15_000;
/** Longest Retry-After honoured by waiting in-process; longer waits go back to the queue. */
export const MAX_INLINE_WAIT_SECONDS = 5;
const MAX_ERROR_BODY = 4_000;

export class PsaHttpError extends Error {
  readonly status: number;
  readonly body: unknown;
  readonly retryAfterSeconds: number | null;
  constructor(status: number, body: unknown, retryAfterSeconds: number | null, message?: string) {
    super(message ?? describePsaError(status, body));
    this.status = status;
    this.body = body;
    this.retryAfterSeconds = retryAfterSeconds;
  }
  get failure(): FailureClass {
    return classifyPsaStatus(this.status);
  }
}

export type PacedPsa = "connectwise" | "autotask";

/** Our own pacing deferred the call (nothing was sent): retry after `retryAfterSeconds`. */
export class PacedError extends PsaHttpError {}

export interface PsaCall {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
  /** The integration whose bucket the call takes a token from (unauthenticated lookups have none). */
  pace?: { key: string; psa: PacedPsa };
}

/** Must equal max_concurrency of the JOBS consumer in wrangler.toml. */
export const QUEUE_CONSUMER_CONCURRENCY = 3;

export interface PaceLimits {
  /** Requests per second of one isolate's bucket. */
  perSecond: number;
  burst: number;
  /** Concurrent calls per endpoint across all consumers; null = no limit. */
  threadsPerEndpoint: number | null;
}

export const PACE_LIMITS: Record<PacedPsa, PaceLimits> = {
  connectwise: { perSecond: 15, burst: 60, threadsPerEndpoint: null },
  autotask: { perSecond: 2.5, burst: 30, threadsPerEndpoint: 3 },
};

/** Test and bench seam: how fast time runs for the buckets (1 = real time). */
let paceScale = 1;
export function setPaceScale(scale: number): void {
  paceScale = scale;
  buckets.clear();
}

class Bucket {
  private tokens: number;
  private last = Date.now();
  private pausedUntil = 0;
  private readonly busy = new Map<string, number>();
  private readonly waiters = new Map<string, Array<() => void>>();
  private readonly limits: PaceLimits;
  constructor(limits: PaceLimits) {
    this.limits = limits;
    this.tokens = this.capacity();
  }
  private capacity(): number {
    return this.limits.burst;
  }
  private rate(): number {
    return this.limits.perSecond * paceScale;
  }
  /** Takes a token, sleeping when the wait is short; a long wait is thrown as a 429 with that delay. */
  async take(now = Date.now()): Promise<void> {
    this.tokens = Math.min(this.capacity(), this.tokens + ((now - this.last) / 1000) * this.rate());
    this.last = now;
    const waitMs = Math.max(0, this.pausedUntil - now, ((1 - this.tokens) / this.rate()) * 1000);
    if (waitMs / 1000 > MAX_INLINE_WAIT_SECONDS) throw new PacedError(429, null, Math.ceil(waitMs / 1000), `Paced: the PSA's rate limit leaves no request for ${Math.ceil(waitMs / 1000)} s`);
    this.tokens -= 1;
    if (waitMs > 0) await sleep(waitMs);
  }
  pause(seconds: number, now = Date.now()): void {
    this.pausedUntil = Math.max(this.pausedUntil, now + (seconds * 1000) / paceScale);
  }
  /** One of the endpoint's thread slots; resolves to its release. */
  async enter(endpoint: string): Promise<() => void> {
    const max = this.limits.threadsPerEndpoint === null ? null : Math.max(1, Math.floor(this.limits.threadsPerEndpoint / QUEUE_CONSUMER_CONCURRENCY));
    if (max === null) return () => {};
    while ((this.busy.get(endpoint) ?? 0) >= max) await new Promise<void>((resolve) => this.waiters.set(endpoint, [...(this.waiters.get(endpoint) ?? []), resolve]));
    this.busy.set(endpoint, (this.busy.get(endpoint) ?? 0) + 1);
    return () => {
      this.busy.set(endpoint, (this.busy.get(endpoint) ?? 1) - 1);
      this.waiters.get(endpoint)?.shift()?.();
    };
  }
}

const buckets = new Map<string, Bucket>();

function bucketFor(pace: NonNullable<PsaCall["pace"]>): Bucket {
  let bucket = buckets.get(pace.key);
  if (!bucket) {
    if (buckets.size > 1_000) buckets.clear();
    bucket = new Bucket(PACE_LIMITS[pace.psa]);
    buckets.set(pace.key, bucket);
  }
  return bucket;
}

/** Autotask limits threads per object endpoint: `/v1.0/Contracts/query` → `contracts`. */
function endpointOf(url: string): string {
  return (/\/v1\.0\/([^/?]+)/i.exec(new URL(url).pathname)?.[1] ?? "").toLowerCase();
}

export interface PsaResult {
  status: number;
  headers: Headers;
  json: unknown;
}

/** Called before every outbound call (counting, the Autotask budget); may throw to refuse it. */
export type BeforeCall = (call: PsaCall) => Promise<void> | void;

/** One paced call: a token, an endpoint slot, the request; a 429 pauses the integration's bucket. */
export async function sendOnce(call: PsaCall): Promise<PsaResult> {
  if (!call.pace) return sendUnpaced(call);
  const bucket = bucketFor(call.pace);
  await bucket.take();
  const release = await bucket.enter(endpointOf(call.url));
  try {
    return await sendUnpaced(call);
  } catch (error) {
    if (error instanceof PsaHttpError && error.status === 429) bucket.pause(error.retryAfterSeconds ?? 1);
    throw error;
  } finally {
    release();
  }
}

async function sendUnpaced(call: PsaCall): Promise<PsaResult> {
  let res: Response;
  try {
    res = await fetch(call.url, {
      method: call.method,
      headers: call.body === undefined ? call.headers : { ...call.headers, "content-type": "application/json" },
      body: call.body === undefined ? undefined : JSON.stringify(call.body),
      redirect: "manual",
      signal: AbortSignal.timeout(PSA_TIMEOUT_MS),
    });
  } catch (error) {
    throw new PsaHttpError(0, null, null, `network error: ${error instanceof Error ? error.message : String(error)}`);
  }
  const text = await res.text();
  const json = parseBody(text);
  if (res.status < 200 || res.status >= 300) {
    throw new PsaHttpError(res.status, json ?? text.slice(0, MAX_ERROR_BODY), parseRetryAfter(res.headers.get("retry-after"), new Date()));
  }
  return { status: res.status, headers: res.headers, json };
}

function parseBody(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A read: retried after a short Retry-After, and once after a transient failure. */
export async function sendRead(call: PsaCall, before: BeforeCall): Promise<PsaResult> {
  let transientRetries = 1;
  for (let attempt = 0; ; attempt++) {
    await before(call);
    try {
      return await sendOnce(call);
    } catch (error) {
      if (!(error instanceof PsaHttpError) || attempt >= 3) throw error;
      if (error.failure === "throttled" && (error.retryAfterSeconds ?? 1) <= MAX_INLINE_WAIT_SECONDS) {
        await sleep((error.retryAfterSeconds ?? 1) * 1000);
      } else if (error.failure === "transient" && transientRetries-- > 0) {
        await sleep(250);
      } else {
        throw error;
      }
    }
  }
}

/** A write: sent exactly once here; the caller decides what a failure means. */
export async function sendWrite(call: PsaCall, before: BeforeCall): Promise<PsaResult> {
  await before(call);
  return sendOnce(call);
}

export function basicAuth(user: string, password: string): string {
  const bytes = new TextEncoder().encode(`${user}:${password}`);
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return `Basic ${btoa(binary)}`;
}
