/**
 * Outbound calls to vendor APIs during a pull: honours 429 + Retry-After
 * (seconds or HTTP-date) when the wait is short, retries 5xx and network
 * errors a few times with backoff, never follows redirects (Liongard answers
 * a trailing-slash path with a 301 that drops the auth header — reference
 * §6.1 — so a redirect is reported, not chased), and counts requests for the
 * run record. Anything else becomes a PullError saying whether a later retry
 * of the whole run could help.
 */
import { parseRetryAfter } from "../../core/shared/retry-after.ts";

export class PullError extends Error {
  readonly retryable: boolean;
  constructor(message: string, retryable: boolean) {
    super(message);
    this.retryable = retryable;
  }
}

export interface HttpBudget {
  requests: number;
  /** Longest Retry-After honoured in-run; a longer one ends the run as retryable. */
  maxWaitSeconds: number;
  sleep: (ms: number) => Promise<void>;
}

const MAX_ATTEMPTS = 4;

/** 100, 200, 400 ms: enough for a blip; longer outages are the queue's retry (minutes). */
function backoffMs(attempt: number): number {
  return 100 * 2 ** (attempt - 1);
}

export function newBudget(): HttpBudget {
  return { requests: 0, maxWaitSeconds: 30, sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)) };
}

/** Seconds to wait from a Retry-After header (delta-seconds or HTTP-date), default 1. */
export function retryAfterSeconds(header: string | null, now: Date): number {
  return parseRetryAfter(header, now) ?? 1;
}

export async function vendorFetch(vendor: string, budget: HttpBudget, makeRequest: () => Request): Promise<Response> {
  for (let attempt = 1; ; attempt++) {
    budget.requests += 1;
    let response: Response;
    try {
      response = await fetch(makeRequest(), { redirect: "manual" });
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS) throw new PullError(`${vendor} unreachable: ${error instanceof Error ? error.message : String(error)}`, true);
      await budget.sleep(backoffMs(attempt));
      continue;
    }
    if (response.status === 429) {
      const wait = retryAfterSeconds(response.headers.get("retry-after"), new Date());
      await response.body?.cancel();
      if (wait > budget.maxWaitSeconds || attempt >= MAX_ATTEMPTS) throw new PullError(`${vendor} rate limit (429, Retry-After ${wait}s)`, true);
      await budget.sleep(wait * 1000);
      continue;
    }
    if (response.status >= 500 && attempt < MAX_ATTEMPTS) {
      await response.body?.cancel();
      await budget.sleep(backoffMs(attempt));
      continue;
    }
    if (response.status >= 300 && response.status < 400) {
      await response.body?.cancel();
      throw new PullError(`${vendor} answered ${response.status} redirect to ${response.headers.get("location") ?? "?"}: check the configured URL`, false);
    }
    return response;
  }
}

/** Reads an error body for the run record (bounded, never the whole page). */
export async function describeFailure(vendor: string, response: Response): Promise<string> {
  const text = (await response.text()).slice(0, 300);
  return `${vendor} answered ${response.status}${text ? `: ${text}` : ""}`;
}
