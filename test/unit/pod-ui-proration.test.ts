import { describe, expect, it } from "vitest";
import { previewProration as enginePreview } from "../../src/core/reconcile/proposal.ts";
import { billingPeriod, firstOfNextMonth, inferCycle, isIsoDate, previewProration, type Cycle } from "../../ui/lib/proration.ts";

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
