import { describe, expect, it } from "vitest";
import { previewProration as enginePreview } from "../../src/core/reconcile/proposal.ts";
import { billingPeriod, firstOfNextMonth, inferCycle, isIsoDate, podTiming, previewProration, type Cycle } from "../../ui/lib/proration.ts";

const CYCLES: Cycle[] = ["monthly", "quarterly", "semiannual", "annual"];

describe("the pod's proration preview agrees with the engine", () => {
  const dates = ["2026-01-01", "2026-01-17", "2026-02-28", "2028-02-29", "2026-03-31", "2026-06-15", "2026-07-01", "2026-11-30", "2026-12-31"];
  const changes: Array<[string, number | null]> = [
    ["4", 2600],
    ["-3", 4200],
    ["193.27", 115],
    ["-0.5", 12500],
    ["12", 600],
    ["1", 1],
    ["-1", 1],
    ["7", null],
  ];

  for (const cycle of CYCLES) {
    for (const date of dates) {
      it(`${cycle} from ${date}`, () => {
        for (const [variance, price] of changes) {
          const engine = enginePreview({ effectiveDate: date, billingCycle: cycle, quantityChange: variance, unitPrice: price === null ? null : (price / 100).toFixed(2), currency: "USD" });
          if (!engine.ok) throw new Error(engine.error);
          const ui = previewProration(date, cycle, variance, price);
          const expected = date === engine.value.periodStart ? null : engine.value.prorationMinor;
          expect({ v: variance, p: price, ...ui }).toEqual({
            v: variance,
            p: price,
            prorationMinor: expected,
            remainingDays: engine.value.remainingDays,
            periodDays: engine.value.periodDays,
            periodStart: engine.value.periodStart,
          });
        }
      });
    }
  }

  it("rounds half away from zero: 1 seat × 100¢ for 15 of 30 days is ±50¢, 1 of 30 days is ±3¢ (3.33…)", () => {
    expect(previewProration("2026-06-16", "monthly", "1", 100).prorationMinor).toBe(50);
    expect(previewProration("2026-06-16", "monthly", "-1", 100).prorationMinor).toBe(-50);
    expect(previewProration("2026-06-30", "monthly", "1", 100).prorationMinor).toBe(3);
    expect(previewProration("2026-06-30", "monthly", "1", 45).prorationMinor).toBe(2); // 1.5 → 2
    expect(previewProration("2026-06-30", "monthly", "-1", 45).prorationMinor).toBe(-2);
  });
});

describe("billing periods and the cycle read from a proposal", () => {
  it.each([
    ["2026-02-10", "monthly", "2026-02-01", "2026-02-28", 28],
    ["2026-05-20", "quarterly", "2026-04-01", "2026-06-30", 91],
    ["2026-12-31", "quarterly", "2026-10-01", "2026-12-31", 92],
    ["2026-08-01", "semiannual", "2026-07-01", "2026-12-31", 184],
    ["2028-03-01", "annual", "2028-01-01", "2028-12-31", 366],
  ] as const)("%s %s → %s…%s (%i days)", (date, cycle, start, end, days) => {
    expect(billingPeriod(date, cycle)).toEqual({ start, end, days });
  });

  it("reads every cycle back from the length of any of its periods", () => {
    for (const cycle of CYCLES) {
      for (let month = 1; month <= 12; month++) {
        for (const year of [2026, 2028, 2100]) {
          const { days } = billingPeriod(`${year}-${String(month).padStart(2, "0")}-01`, cycle);
          expect(inferCycle(days)).toBe(cycle);
        }
      }
    }
  });

  it("knows the 1st of next month and valid dates", () => {
    expect(firstOfNextMonth(new Date("2026-12-31T23:59:59Z"))).toBe("2027-01-01");
    expect(firstOfNextMonth(new Date("2026-01-31T00:00:00Z"))).toBe("2026-02-01");
    expect([isIsoDate("2026-02-29"), isIsoDate("2028-02-29"), isIsoDate("2026-13-01"), isIsoDate("26-01-01")]).toEqual([false, true, false, false]);
  });
});

// Issue 9 §2: the pod says what the PSA will do by the engine's one rule (write-timing.ts), fed from the row.
// ConnectWise applies a quantity at once and only prorateFlag agreements take a date; Autotask prorates inside
// the contract's own periods (reference §2.3/§3.3).
describe("podTiming: the API's write rule from the row's proposal", () => {
  const base = { targetLineId: "l1", fromQuantity: "40", toQuantity: "44", firstBilledOn: "2026-12-01", writeOn: null, prorationMinor: null, canApply: true, reason: null };
  it("ConnectWise without prorateFlag: on/before the next invoice → now; later → scheduled, billed from the next period", () => {
    const p = { ...base, effectiveDate: "2026-12-01", writeMode: "now" as const, remainingDays: 31, periodDays: 31 };
    expect(podTiming(p, "2026-12-01", "2026-12-01", "monthly", true)).toMatchObject({ mode: "now", firstBilledOn: "2026-12-01", prorates: false });
    expect(podTiming(p, "2026-12-01", "2026-11-30", "monthly", true)).toMatchObject({ mode: "now", prorates: false });
    expect(podTiming(p, "2026-12-01", "2026-12-15", "monthly", true)).toMatchObject({ mode: "scheduled", writeOn: "2026-12-15", firstBilledOn: "2027-01-01", prorates: false });
  });
  it("Autotask quarterly from the 15th: periods anchored at the contract's start day, read from the proposal's period", () => {
    // Default date Dec 1 in the period Oct 15 – Jan 14 (92 days): 45 days left.
    const p = { ...base, effectiveDate: "2026-12-01", writeMode: "with-date" as const, remainingDays: 45, periodDays: 92 };
    const t = podTiming(p, "2026-12-01", "2027-02-01", "quarterly", false);
    expect(t).toMatchObject({ mode: "with-date", prorates: true, period: { start: "2027-01-15", end: "2027-04-14" }, firstBilledOn: "2027-04-15" });
    expect(previewProration("2027-02-01", "quarterly", "3", 1000, t.period)).toMatchObject({ remainingDays: 73, periodDays: 90, prorationMinor: 2433 });
  });
});
