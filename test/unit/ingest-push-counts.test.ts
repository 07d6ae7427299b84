import { describe, expect, it } from "vitest";
import { type PushItem, toPushDrafts } from "../../src/core/usage/push-counts.ts";

const now = new Date("2026-06-15T12:00:00Z");
const item = (over: Partial<PushItem> = {}): PushItem => ({
  account: { id: "a1", name: "Alpha" },
  service: { id: "s1", name: "Seats", category: "seat" },
  quantity: "5",
  ...over,
});

describe("toPushDrafts", () => {
  it("defaults observedAt to now and the period to its month, normalising instants", () => {
    const result = toPushDrafts([item(), item({ account: { id: "a2", name: "B" }, observedAt: "2026-05-31T23:30:00-02:00" })], "psh_1", now, "body.counts");
    expect(result.ok && result.value.map((d) => [d.observedAt, d.period, d.sourceRef])).toEqual([
      ["2026-06-15T12:00:00.000Z", "2026-06", "push:psh_1#0"],
      ["2026-06-01T01:30:00.000Z", "2026-06", "push:psh_1#1"],
    ]);
  });

  it("rounds cost once to minor units and upper-cases the currency", () => {
    const result = toPushDrafts([item({ cost: { amount: "10.005", currency: "usd" } })], "p", now, "b");
    expect(result.ok && [result.value[0]?.costMinor, result.value[0]?.costCurrency]).toEqual([1001, "USD"]);
  });

  it("accepts an observedAt within five minutes ahead (clock skew), not more", () => {
    expect(toPushDrafts([item({ observedAt: "2026-06-15T12:04:59Z" })], "p", now, "b").ok).toBe(true);
    expect(toPushDrafts([item({ observedAt: "2026-06-15T12:05:01Z" })], "p", now, "b")).toEqual({ ok: false, error: ['b[0].observedAt: is in the future: "2026-06-15T12:05:01Z"'] });
  });

  it("reports every broken field, up to five, with its path", () => {
    const result = toPushDrafts([item({ quantity: "x", period: "June" }), item({ quantity: "-1" })], "p", now, "body.counts");
    expect(result.ok ? [] : result.error.map((e) => e.split(":")[0])).toEqual(["body.counts[0].quantity", "body.counts[0].period", "body.counts[1].quantity"]);
  });
});
