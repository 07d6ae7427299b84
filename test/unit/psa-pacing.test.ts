/**
 * PSA pacing in the one HTTP helper (issue 10 item 11), in real time units
 * under fake timers: a ConnectWise integration's calls stay under its share
 * of ~1,000 requests/minute, Autotask gets one thread per endpoint per
 * consumer (3 in all), and a 429's Retry-After pauses the integration.
 */
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PACE_LIMITS, PacedError, PsaHttpError, QUEUE_CONSUMER_CONCURRENCY, sendOnce, sendRead, sendWrite, setPaceScale } from "../../src/services/psa/http.ts";

let sent: Array<{ url: string; at: number }>;
let inFlight: Map<string, number>;
let maxInFlight: Map<string, number>;
let respond: (url: string) => Response;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date", "setTimeout"] });
  setPaceScale(1);
  sent = [];
  inFlight = new Map();
  maxInFlight = new Map();
  respond = () => Response.json({ ok: true });
  vi.spyOn(globalThis, "fetch").mockImplementation(async (input) => {
    const url = String(input);
    sent.push({ url, at: Date.now() });
    inFlight.set(url, (inFlight.get(url) ?? 0) + 1);
    maxInFlight.set(url, Math.max(maxInFlight.get(url) ?? 0, inFlight.get(url) ?? 0));
    await new Promise((resolve) => setTimeout(resolve, 50));
    inFlight.set(url, (inFlight.get(url) ?? 1) - 1);
    return respond(url);
  });
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

const none = () => {};
const cw = (key = "cw-a") => ({ method: "GET", url: "https://api-na.myconnectwise.net/v4_6_release/apis/3.0/finance/agreements/1", headers: {}, pace: { key, psa: "connectwise" as const } });
const at = (entity: string) => ({ method: "POST", url: `https://webservices15.autotask.net/ATServicesRest/V1.0/${entity}/query`, headers: {}, body: { filter: [] }, pace: { key: "at-a", psa: "autotask" as const } });

async function settle<T>(work: Promise<T>): Promise<T> {
  let done = false;
  const out = work.finally(() => {
    done = true;
  });
  while (!done) await vi.advanceTimersByTimeAsync(100);
  return out;
}

describe("pacing", () => {
  it("1,000 ConnectWise calls are paced to 15/s plus a burst of 60: under ConnectWise's ~1,000 in every 60 s window", async () => {
    await settle(
      (async () => {
        for (let i = 0; i < 1000; i++) await sendRead(cw(), none);
      })(),
    );
    // A token bucket allows its burst on top of the rate: 900 a minute + 60.
    const share = PACE_LIMITS.connectwise.perSecond * 60 + PACE_LIMITS.connectwise.burst;
    let worst = 0;
    for (let i = 0, j = 0; i < sent.length; i++) {
      while ((sent[i]?.at ?? 0) - (sent[j]?.at ?? 0) >= 60_000) j++;
      worst = Math.max(worst, i - j + 1);
    }
    expect(sent).toHaveLength(1000);
    expect(worst).toBeLessThanOrEqual(share);
    expect(worst).toBeLessThan(1000);
  });

  it("each integration has its own bucket", async () => {
    await settle(Promise.all([sendRead(cw("cw-a"), none), sendRead(cw("cw-b"), none)]));
    expect(sent).toHaveLength(2);
    expect((sent[1]?.at ?? 0) - (sent[0]?.at ?? 0)).toBeLessThan(50);
  });

  it("Autotask: one call in flight per object endpoint per consumer; other endpoints are not held up", async () => {
    await settle(Promise.all([...Array.from({ length: 5 }, () => sendRead(at("Contracts"), none)), sendRead(at("Companies"), none)]));
    expect(maxInFlight.get(at("Contracts").url)).toBe(1);
    expect(sent).toHaveLength(6);
  });

  it("a 429 pauses the integration for its Retry-After: the next call is deferred (PacedError) without reaching the PSA", async () => {
    respond = () => new Response(JSON.stringify({ error: "ConnectWiseAPI", message: "Too many requests. Please try again in 30 seconds." }), { status: 429, headers: { "retry-after": "30" } });
    const first = await settle(sendWrite({ ...cw(), method: "PATCH" }, none).catch((e: unknown) => e));
    expect(first).toBeInstanceOf(PsaHttpError);
    expect((first as PsaHttpError).retryAfterSeconds).toBe(30);
    const second = await settle(sendOnce(cw()).catch((e: unknown) => e));
    expect(second).toBeInstanceOf(PacedError);
    expect((second as PacedError).retryAfterSeconds).toBe(30);
    expect(sent).toHaveLength(1);
    respond = () => Response.json({ ok: true });
    await vi.advanceTimersByTimeAsync(30_000);
    await settle(sendOnce(cw()));
    expect(sent).toHaveLength(2);
  });

  it("the JOBS consumer's max_concurrency in wrangler.toml is the concurrency the buckets divide the limits by", () => {
    const toml = readFileSync(new URL("../../wrangler.toml", import.meta.url), "utf8");
    const jobs = /\[\[queues\.consumers\]\]\s*\nqueue = "trueup-jobs"\n([\s\S]*?)(?:\n\[|$)/.exec(toml)?.[1] ?? "";
    expect(/max_concurrency\s*=\s*(\d+)/.exec(jobs)?.[1]).toBe(String(QUEUE_CONSUMER_CONCURRENCY));
  });
});
