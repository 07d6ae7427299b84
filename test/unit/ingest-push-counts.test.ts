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

  it.each(["-0", "-0.0", "-0.00", " -0", "-1"])("refuses the quantity %j naming the field: quantities are ≥ 0 and a minus sign is never accepted (issue 10 #5)", (quantity) => {
    const result = toPushDrafts([item({ quantity })], "p", now, "body.counts");
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.error[0]).toMatch(/^body\.counts\[0\]\.quantity: must not be negative/);
  });

  it("refuses a period after the current month, naming the field; the current month and earlier pass (issue 10 #4)", () => {
    expect(toPushDrafts([item({ period: "2099-12" })], "p", now, "body.counts")).toEqual({
      ok: false, error: ['body.counts[0].period: must not be after the current month (2026-06), got "2099-12"'],
    });
    expect(toPushDrafts([item({ period: "2026-07" })], "p", now, "b").ok).toBe(false);
    expect(toPushDrafts([item({ period: "2026-06" }), item({ account: { id: "a2", name: "B" }, period: "2025-12" })], "p", now, "b").ok).toBe(true);
  });

  it("derives the period from an observedAt a little ahead across a month end (clock skew), not refusing it", () => {
    const endOfMonth = new Date("2026-06-30T23:58:00Z");
    const result = toPushDrafts([item({ observedAt: "2026-07-01T00:01:00Z" })], "p", endOfMonth, "b");
    expect(result.ok && result.value[0]?.period).toBe("2026-07");
  });

  it("marks a count observed more than 35 days ago late, and keeps it (issue 10 #9)", () => {
    const result = toPushDrafts([item({ observedAt: "2026-05-11T11:59:59Z" }), item({ account: { id: "a2", name: "B" }, observedAt: "2026-05-11T12:00:01Z" })], "p", now, "b");
    expect(result.ok && result.value.map((d) => d.late)).toEqual([true, false]);
  });

  it("refuses sub-millisecond digits instead of cutting them off; zeros below the millisecond are lossless", () => {
    expect(toPushDrafts([item({ observedAt: "2026-06-15T11:00:00.123456Z" })], "p", now, "b")).toEqual({
      ok: false, error: ['b[0].observedAt: has sub-millisecond digits, which are not stored; send at most 3 fractional digits: "2026-06-15T11:00:00.123456Z"'],
    });
    const ok = toPushDrafts([item({ observedAt: "2026-06-15T11:00:00.123000Z" })], "p", now, "b");
    expect(ok.ok && ok.value[0]?.observedAt).toBe("2026-06-15T11:00:00.123Z");
  });

  it("reports every broken field, up to five, with its path", () => {
    const result = toPushDrafts([item({ quantity: "x", period: "June" }), item({ quantity: "-1" })], "p", now, "body.counts");
    expect(result.ok ? [] : result.error.map((e) => e.split(":")[0])).toEqual(["body.counts[0].quantity", "body.counts[0].period", "body.counts[1].quantity"]);
  });
});
