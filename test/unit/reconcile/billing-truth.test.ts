/**
 * Issue 9 §1 — the engine compares what the PSA will invoice. Every expected
 * figure below is worked out by hand from ConnectWise's documented billing
 * (API model `Addition`: quantity, lessIncluded, unitPrice, effectiveDate,
 * cancelledDate — reference psa-and-vendor-apis.md §2.4) and plain money
 * arithmetic: round once per figure, half away from zero.
 * Today is 2026-03-15; the next invoice covers 2026-04-01.
 */
import { describe, expect, it } from "vitest";
import { proposeChange } from "../../../src/core/reconcile/engine.ts";
import { agreement, count, line, NOW, rowOf, run } from "./fixtures.ts";

describe("less included: ConnectWise bills max(0, quantity − lessIncluded) units", () => {
  it.each([
    // quantity, included, vendor → variance, money per month at $5.00
    ["12", "10", "8", "-4", -1000], // billed 2 → 0: saves 2 units ($10.00), not 4
    ["12", "10", "15", "3", 1500], // billed 2 → 5: +3 units
    ["5", "10", "8", "3", 0], // still inside the included 10: nothing more is billed
    ["10", "0", "7", "-3", -1500], // nothing included: every unit counts
  ])("quantity %s with %s included, %s used → variance %s, %i¢ a month", (quantity, lessIncluded, vendor, variance, impact) => {
    const row = rowOf(run({ lines: [line({ quantity, lessIncluded, unitPriceMinor: 500 })], counts: [count({ quantity: vendor })] }), "agr:a1:P1");
    expect([row.psaQuantity, row.vendorQuantity, row.variance, row.monthlyImpactMinor]).toEqual([quantity, vendor, variance, impact]);
    // The write-back still sets the quantity the vendor reports.
    expect(row.proposal?.toQuantity).toBe(vendor);
  });
});

describe("exact prices: $1.995 stays $1.995 from the sync on", () => {
  it.each([
    // 3 × 1.995 = 5.985 → 598.5¢ → 599 (rounding the price to $2.00 first would give 600)
    ["monthly", "13", 599],
    ["monthly", "7", -599],
    // 1 × 1.995 / 3 = 0.665 → 66.5¢ → 67
    ["quarterly", "11", 67],
    // 1 × 1.995 / 12 = 0.16625 → 16.625¢ → 17
    ["annual", "11", 17],
  ] as const)("%s, 10 billed, %s used → %i¢ a month", (billingCycle, vendor, impact) => {
    const row = rowOf(
      run({ agreements: [agreement({ billingCycle })], lines: [line({ unitPrice: "1.995", unitCost: "1.2345", unitPriceMinor: 200, unitCostMinor: 123 })], counts: [count({ quantity: vendor })] }),
      "agr:a1:P1",
    );
    expect(row.monthlyImpactMinor).toBe(impact);
    expect([row.unitPrice, row.unitCost, row.unitPriceMinor]).toEqual(["1.995", "1.2345", 200]);
  });

  it("margin and proration use the exact price", () => {
    const rows = run({ lines: [line({ unitPrice: "1.995", unitCost: "1.2345", unitPriceMinor: 200, unitCostMinor: 123 })], counts: [count({ quantity: "13" })] });
    const row = rowOf(rows, "agr:a1:P1");
    // 1.995 − 1.2345 = 0.7605 → 76¢; 0.7605 / 1.995 = 38.12% → "38.1"
    expect([row.unitMarginMinor, row.marginPct]).toEqual([76, "38.1"]);
    // From 20 March: 12 of 31 days left; 12 × 3 × 1.995 / 31 = 2.31677 → 232¢
    const prorated = proposeChange(row, { now: NOW, billingCycle: "monthly", effectiveDate: "2026-03-20" });
    expect(prorated.ok && [prorated.value.remainingDays, prorated.value.periodDays, prorated.value.prorationMinor]).toEqual([12, 31, 232]);
  });
});

describe("several lines: a decrease larger than the target line", () => {
  it("costs what taking it off the largest lines in turn would save", () => {
    const row = rowOf(
      run({ lines: [line({ id: "L1", quantity: "4", unitPriceMinor: 1000 }), line({ id: "L2", quantity: "6", unitPriceMinor: 3000 })], counts: [count({ quantity: "1" })] }),
      "agr:a1:P1",
    );
    // −9: L2 6 → 0 saves 6 × $30 = $180, L1 4 → 1 saves 3 × $10 = $30: −$210 a month.
    expect([row.variance, row.monthlyImpactMinor, row.proposal]).toEqual(["-9", -21000, null]);
  });
});

describe("one company, one product, several agreements", () => {
  it("18 seats used against 10 + 5 billed: +3 on the larger agreement, which is what approving bills", () => {
    const rows = run({
      agreements: [agreement({ id: "a1", name: "Main office" }), agreement({ id: "a2", name: "Warehouse" })],
      lines: [line({ id: "L1", agreementId: "a1", quantity: "10" }), line({ id: "L2", agreementId: "a2", quantity: "5" })],
      counts: [count({ quantity: "18" })],
    });
    const main = rowOf(rows, "agr:a1:P1");
    const warehouse = rowOf(rows, "agr:a2:P1");
    expect([main.vendorQuantity, main.variance, main.status]).toEqual(["13", "3", "increase"]);
    expect([warehouse.vendorQuantity, warehouse.variance, warehouse.status, warehouse.proposal]).toEqual(["5", "0", "match", null]);
    // The variances add up to vendor − PSA for the company: 18 − 15 = 3; approving bills 13 + 5 = 18.
    expect(main.proposal).toMatchObject({ targetLineId: "L1", fromQuantity: "10", toQuantity: "13" });
    // 3 × $22.00
    expect(main.monthlyImpactMinor).toBe(6600);
    expect(warehouse.reasons).toContain("The company uses 18 against 15 billed on 2 agreements: the difference is proposed on Main office.");
  });
});

describe("lines in effect on the next invoice's date", () => {
  it("a 10-seat addition starting in six weeks is shown, not counted: 40 used against 40 is a match", () => {
    const row = rowOf(
      run({
        lines: [line({ id: "L1", quantity: "40" }), line({ id: "L2", quantity: "10", effectiveDate: "2026-04-29" })],
        counts: [count({ quantity: "40" })],
      }),
      "agr:a1:P1",
    );
    expect([row.status, row.psaQuantity, row.variance, row.proposal]).toEqual(["match", "40", "0", null]);
    expect(row.billingDate).toBe("2026-04-01");
    expect(row.upcoming).toEqual([{ lineId: "L2", quantity: "10", change: "starts", date: "2026-04-29" }]);
  });

  it("a line ending before the next invoice no longer counts and is shown as ending", () => {
    const row = rowOf(
      run({ lines: [line({ id: "L1", quantity: "30" }), line({ id: "L2", quantity: "10", cancelledDate: "2026-03-25" })], counts: [count({ quantity: "30" })] }),
      "agr:a1:P1",
    );
    expect([row.status, row.psaQuantity]).toEqual(["match", "30"]);
    expect(row.upcoming).toEqual([{ lineId: "L2", quantity: "10", change: "ends", date: "2026-03-25" }]);
  });
});
