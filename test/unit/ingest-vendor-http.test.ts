import { afterEach, describe, expect, it, vi } from "vitest";
import { type HttpBudget, PullError, retryAfterSeconds, vendorFetch } from "../../src/services/ingest/vendor-http.ts";

function budget(): HttpBudget & { slept: number[] } {
  const slept: number[] = [];
  return { requests: 0, maxWaitSeconds: 30, slept, sleep: async (ms) => void slept.push(ms) };
}

function answers(...responses: Array<() => Response>) {
  const queue = [...responses];
  return vi.spyOn(globalThis, "fetch").mockImplementation(async () => (queue.shift() as () => Response)());
}

afterEach(() => vi.restoreAllMocks());

describe("retryAfterSeconds", () => {
  const now = new Date("2026-06-01T00:00:00Z");
  it.each([
    ["7", 7],
    ["0", 0],
    [null, 1],
    ["Mon, 01 Jun 2026 00:00:30 GMT", 30],
    ["soon", 1],
  ])("%j → %i s", (header, seconds) => {
    expect(retryAfterSeconds(header, now)).toBe(seconds);
  });
});

describe("vendorFetch", () => {
  const request = () => new Request("https://vendor.example/api");

  it("waits out a 429's Retry-After, then returns the answer", async () => {
    answers(() => new Response("slow down", { status: 429, headers: { "Retry-After": "3" } }), () => new Response("ok"));
    const b = budget();
    expect(await (await vendorFetch("V", b, request)).text()).toBe("ok");
    expect(b.slept).toEqual([3000]);
    expect(b.requests).toBe(2);
  });

  it("gives up on a Retry-After longer than the in-run budget, as retryable", async () => {
    answers(() => new Response("", { status: 429, headers: { "Retry-After": "120" } }));
    await expect(vendorFetch("V", budget(), request)).rejects.toMatchObject({ retryable: true, message: expect.stringContaining("Retry-After 120s") });
  });

  it("retries a 5xx with short backoff and returns the last answer", async () => {
    answers(() => new Response("", { status: 502 }), () => new Response("", { status: 503 }), () => new Response("fine"));
    const b = budget();
    expect((await vendorFetch("V", b, request)).status).toBe(200);
    expect(b.slept).toEqual([100, 200]);
  });

  it("reports a redirect instead of following it (Liongard drops the key on a 301)", async () => {
    answers(() => new Response(null, { status: 301, headers: { location: "https://vendor.example/api/" } }));
    const error = await vendorFetch("Liongard", budget(), request).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PullError);
    expect(error).toMatchObject({ retryable: false, message: expect.stringContaining("301 redirect") });
  });
});
