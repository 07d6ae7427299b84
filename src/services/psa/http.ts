/**
 * Outbound PSA HTTP through the global fetch: JSON in and out, a timeout on
 * every call, redirects never followed, and one error type that says whether
 * a failure may be retried (psa-and-vendor-apis.md §2.1: 429 + Retry-After;
 * reliability-and-security.md §2.1: don't retry 4xx). Reads are retried
 * in-process on 429 (after Retry-After, when short) and once on a transient
 * failure; writes never are — the write-back re-reads the line first.
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

export interface PsaCall {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
}

export interface PsaResult {
  status: number;
  headers: Headers;
  json: unknown;
}

/** Called before every outbound call (counting, the Autotask budget); may throw to refuse it. */
export type BeforeCall = (call: PsaCall) => Promise<void> | void;

export async function sendOnce(call: PsaCall): Promise<PsaResult> {
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
