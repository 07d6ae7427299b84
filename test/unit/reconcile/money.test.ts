import { describe, expect, it } from "vitest";
import type { BillingCycle } from "../../../src/core/reconcile/types.ts";
import { agreement, company, count, line, rowOf, run } from "./fixtures.ts";

describe("monthly impact = variance × unit price ÷ months per cycle, rounded half away from zero", () => {
  it.each<[BillingCycle, string, string, number, number]>([
    ["monthly", "10", "12", 2200, 4400],
    ["monthly", "10", "7", 2200, -6600],
    ["monthly", "10", "10.5", 2201, 1101], // 1100.5 → 1101
    ["monthly", "10", "9.5", 2201, -1101], // -1100.5 → -1101
    ["quarterly", "3", "2", 2050, -683], // -683.33
    ["quarterly", "3", "4", 2050, 683],
    ["quarterly", "3", "1", 2050, -1367], // -1366.67
    ["semiannual", "4", "3", 3, -1], // -0.5 → -1
    ["semiannual", "4", "5", 3, 1], // 0.5 → 1
    ["annual", "10", "13", 12000, 3000],
    ["annual", "10", "11", 1000, 83], // 83.33
    ["annual", "10", "11", 6, 1], // 0.5 → 1
    ["annual", "10", "9", 6, -1], // -0.5 → -1
    ["annual", "10", "9", 5, 0], // -0.4166 → 0 (never -0)
  ])("%s: psa %s, vendor %s, price %d → %d", (billingCycle, psa, vendor, unitPriceMinor, impact) => {
    const row = rowOf(
      run({ agreements: [agreement({ billingCycle })], lines: [line({ quantity: psa, unitPriceMinor, unitCostMinor: 0 })], counts: [count({ quantity: vendor })] }),
      "agr:a1:P1",
    );
    expect(Object.is(row.monthlyImpactMinor, impact)).toBe(true);
  });

  it("is 0 for a match and null without usage", () => {
    expect(rowOf(run(), "agr:a1:P1").monthlyImpactMinor).toBe(0);
    expect(rowOf(run({ counts: [] }), "agr:a1:P1").monthlyImpactMinor).toBeNull();
  });
});

describe("unit margin and margin %", () => {
  it.each<[number, number, number, string | null]>([
    [2200, 1800, 400, "18.2"], // 18.18
    [2000, 1150, 850, "42.5"],
    [3, 2, 1, "33.3"],
    [2000, 1999, 1, "0.1"], // 0.05 → 0.1
    [2000, 2001, -1, "-0.1"], // -0.05 → -0.1
    [1000, 1105, -105, "-10.5"],
    [2000, 2000, 0, "0.0"],
    [1000, 0, 1000, "100.0"],
    [0, 500, -500, null],
  ])("price %d, cost %d → margin %d, %s%%", (unitPriceMinor, unitCostMinor, margin, pct) => {
    const row = rowOf(run({ lines: [line({ unitPriceMinor, unitCostMinor })] }), "agr:a1:P1");
    expect([row.unitMarginMinor, row.marginPct]).toEqual([margin, pct]);
  });
});

describe("price of a row", () => {
  it("comes from the target line", () => {
    const row = rowOf(
      run({ lines: [line({ id: "L1", quantity: "2", unitPriceMinor: 1000 }), line({ id: "L2", quantity: "8", unitPriceMinor: 1500, unitCostMinor: 900, currency: "EUR" })] }),
      "agr:a1:P1",
    );
    expect([row.unitPriceMinor, row.unitCostMinor, row.currency, row.priceSource]).toEqual([1500, 900, "EUR", "line"]);
  });

  // Issue 9: one documented rule that never depends on ids — the product's most common current
  // price in the tenant (billable, not cancelled), ties → the lowest; labelled as an estimate.
  it("is estimated from the product's most common current price for a missing line (ties → lowest)", () => {
    const other = (id: string, unitPriceMinor: number, extra: object = {}) => line({ id, agreementId: "a2", unitPriceMinor, unitCostMinor: 2000, ...extra });
    const tenant = (lines: ReturnType<typeof line>[]) =>
      run({ companies: [company(), company("c2", "Beta")], agreements: [agreement(), agreement({ id: "a2", companyId: "c2", name: "Beta MSA" })], lines });
    // 2500 ×2, 2400 ×1, 1900 only on a DoNotBill line and a cancelled one (not current prices).
    const rows = tenant([
      other("Z9", 2500),
      other("A1", 2400),
      other("M5", 2500),
      other("B2", 1900, { billCustomer: "DoNotBill" }),
      other("C3", 1900, { cancelledDate: "2026-01-31" }),
    ]);
    const row = rowOf(rows, "agr:a1:P1");
    expect(row).toMatchObject({
      status: "missing-line",
      priceSource: "catalog-estimate",
      unitPrice: "25",
      unitPriceMinor: 2500,
      unitCostMinor: 2000,
      currency: "USD",
      // 10 seats × $25.00 a month.
      monthlyImpactMinor: 25000,
      unitMarginMinor: 500,
      marginPct: "20.0",
    });
    expect(row.reasons).toEqual(["Estimated price: no line of this product on the agreement, so the price is the product's most common price in the PSA (25 USD, on 2 current lines)."]);
    // A tie (one line each at 2500 and 2400) goes to the lower price, whatever the ids.
    const tie = rowOf(tenant([other("Z9", 2500), other("A1", 2400)]), "agr:a1:P1");
    const tieRenamed = rowOf(tenant([other("A1", 2500), other("Z9", 2400)]), "agr:a1:P1");
    expect([tie.unitPriceMinor, tieRenamed.unitPriceMinor]).toEqual([2400, 2400]);
  });

  // The rule counts price values: $25 given as minor units (2500 cents), as the decimal "25.00" a
  // ConnectWise line carries, or as 25.000 KWD (3 minor digits, ISO 4217) is one price.
  it("counts a price by its value, however the PSA gave it", () => {
    const other = (id: string, extra: Partial<ReturnType<typeof line>>) => line({ id, agreementId: "a2", unitCostMinor: 2000, ...extra });
    const tenant = (lines: ReturnType<typeof line>[]) =>
      run({ companies: [company(), company("c2", "Beta")], agreements: [agreement(), agreement({ id: "a2", companyId: "c2", name: "Beta MSA" })], lines });
    const at25 = [other("L1", { unitPriceMinor: 2500 }), other("L2", { unitPriceMinor: 2500, unitPrice: "25.00" }), other("L3", { unitPriceMinor: 25000, unitCostMinor: 20000, currency: "KWD" })];
    const at24995 = (n: number) => Array.from({ length: n }, (_, i) => other(`M${i}`, { unitPriceMinor: 2500, unitPrice: "24.995" }));
    // 25 three times beats 24.995 twice; the currency most common at that price is USD (2 of 3).
    const rows = tenant([...at24995(2), ...at25]);
    expect(rowOf(rows, "agr:a1:P1")).toMatchObject({ unitPrice: "25", currency: "USD", unitPriceMinor: 2500 });
    expect(rowOf(rows, "agr:a1:P1").reasons[0]).toContain("(25 USD, on 3 current lines)");
    // 24.995 three times against 25 three times: a tie, and the lower price wins.
    expect(rowOf(tenant([...at24995(3), ...at25]), "agr:a1:P1")).toMatchObject({ unitPrice: "24.995", unitPriceMinor: 2500 });
  });

  it("is unknown when no line of the product exists anywhere", () => {
    const row = rowOf(run({ lines: [] }), "agr:a1:P1");
    expect(row).toMatchObject({
      status: "missing-line",
      priceSource: null,
      unitPriceMinor: null,
      unitCostMinor: null,
      currency: null,
      productName: null,
      monthlyImpactMinor: null,
      unitMarginMinor: null,
      marginPct: null,
    });
    expect(row.proposal).toMatchObject({ fromQuantity: "0", toQuantity: "10", prorationMinor: null });
    expect(row.reasons).toEqual(["No unit price is known for this product, so the money impact can't be computed."]);
  });
});
