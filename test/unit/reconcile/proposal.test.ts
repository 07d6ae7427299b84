import { describe, expect, it } from "vitest";
import { previewProration, proposeChange } from "../../../src/core/reconcile/engine.ts";
import type { BillingCycle, ReconRow } from "../../../src/core/reconcile/types.ts";
import { agreement, count, line, NOW, rowOf, run } from "./fixtures.ts";

function rowAt(now: Date, overrides: Parameters<typeof run>[0] = {}): ReconRow {
  const observedAt = new Date(now.getTime() - 3_600_000).toISOString();
  return rowOf(run({ now, counts: [count({ quantity: "12", observedAt })], ...overrides }), "agr:a1:P1");
}

describe("default proposal", () => {
  it("moves the target line by the variance from the 1st of next month", () => {
    const row = rowAt(NOW);
    expect(row.status).toBe("increase");
    expect(row.proposal).toEqual({
      targetLineId: "L1",
      fromQuantity: "10",
      toQuantity: "12",
      effectiveDate: "2026-04-01",
      // No PSA named: written with the date (write-timing.test.ts covers each PSA).
      writeMode: "with-date",
      writeOn: null,
      firstBilledOn: "2026-04-01",
      prorationMinor: null,
      remainingDays: 30,
      periodDays: 30,
      canApply: true,
      reason: null,
    });
  });

  it.each([
    ["2026-01-31T12:00:00Z", "2026-02-01"],
    ["2026-12-31T23:00:00Z", "2027-01-01"],
    ["2027-02-28T12:00:00Z", "2027-03-01"],
    ["2028-02-28T12:00:00Z", "2028-03-01"],
    ["2028-02-29T12:00:00Z", "2028-03-01"],
    // 23:30 in New York on 30 Nov is 04:30 on 1 Dec UTC: next month is January.
    ["2026-11-30T23:30:00-05:00", "2027-01-01"],
  ])("now %s → effective %s", (now, effectiveDate) => {
    expect(rowAt(new Date(now)).proposal?.effectiveDate).toBe(effectiveDate);
  });

  it("prorates when the 1st of next month is mid-period (annual agreement)", () => {
    const row = rowAt(NOW, { agreements: [agreement({ billingCycle: "annual" })], lines: [line({ unitPriceMinor: 12000 })] });
    // 2026-04-01..2026-12-31 is 275 of 365 days: 275 × 2 × 12000 / 365 = 18082.19
    expect(row.proposal).toMatchObject({ effectiveDate: "2026-04-01", remainingDays: 275, periodDays: 365, prorationMinor: 18082 });
    expect(row.monthlyImpactMinor).toBe(2000);
  });

  it("is null for a quarterly agreement whose quarter starts on the 1st of next month", () => {
    const row = rowAt(NOW, { agreements: [agreement({ billingCycle: "quarterly" })] });
    expect(row.proposal).toMatchObject({ effectiveDate: "2026-04-01", prorationMinor: null, remainingDays: 91, periodDays: 91 });
  });

  it("proposes a decrease", () => {
    const row = rowOf(run({ counts: [count({ quantity: "7" })] }), "agr:a1:P1");
    expect(row.proposal).toMatchObject({ targetLineId: "L1", fromQuantity: "10", toQuantity: "7" });
  });

  it("adds a line for a missing line", () => {
    const row = rowOf(run({ lines: [line({ productKey: "P9" })] }), "agr:a1:P1");
    expect(row.proposal).toMatchObject({ targetLineId: null, fromQuantity: "0", toQuantity: "10", effectiveDate: "2026-04-01", canApply: true, reason: null });
  });

  // Issue 9 §2 "Missing lines can be added … where it cannot (no agreement), the pod does not offer Approve and says why":
  // a `co:` row (the company has no counting agreement) has nowhere to add the line.
  it("marks a missing line with no agreement (a co: row) as not applicable, with the reason", () => {
    const co = run({ agreements: [], lines: [] }).find((r) => r.key.startsWith("co:"));
    expect(co?.status).toBe("missing-line");
    expect(co?.proposal).toMatchObject({ canApply: false, reason: expect.stringContaining("No agreement to add the line to") });
  });

  it("gives no proposal (with a reason) when the decrease is larger than the target line", () => {
    const row = rowOf(
      run({ lines: [line({ id: "L1", quantity: "5" }), line({ id: "L2", quantity: "3" })], counts: [count({ quantity: "2" })] }),
      "agr:a1:P1",
    );
    expect([row.status, row.variance, row.targetLineId, row.proposal]).toEqual(["decrease", "-6", "L1", null]);
    expect(row.reasons).toEqual([
      "No change is proposed: The decrease of 6 is larger than the 5 on line L1; split it across the lines by hand.",
    ]);
  });

  it("gives no proposal for a match", () => {
    expect(rowOf(run(), "agr:a1:P1").proposal).toBeNull();
  });
});

describe("proposeChange", () => {
  const twoLines = run({
    lines: [line({ id: "L1", quantity: "4", unitPriceMinor: 1000 }), line({ id: "L2", quantity: "6", unitPriceMinor: 3000 })],
    counts: [count({ quantity: "12" })],
  });
  const row = rowOf(twoLines, "agr:a1:P1");
  const opts = { now: NOW, billingCycle: "monthly" as BillingCycle };

  it("targets the largest line by default", () => {
    expect(row.proposal).toMatchObject({ targetLineId: "L2", fromQuantity: "6", toQuantity: "8" });
    expect(proposeChange(row, opts)).toEqual({ ok: true, value: row.proposal });
  });

  it("recomputes for another line of the row, prorating at that line's price", () => {
    expect(proposeChange(row, { ...opts, lineId: "L1", effectiveDate: "2026-03-20" })).toEqual({
      ok: true,
      // 12 of 31 days × 2 × 1000 / 31 = 774.19
      value: { targetLineId: "L1", fromQuantity: "4", toQuantity: "6", effectiveDate: "2026-03-20", writeMode: "with-date", writeOn: null, firstBilledOn: "2026-04-01", prorationMinor: 774, remainingDays: 12, periodDays: 31, canApply: true, reason: null },
    });
  });

  it.each([
    [{ lineId: "L9" }, "Line L9 is not one of this row's lines."],
    [{ effectiveDate: "2026-03-14" }, "The effective date 2026-03-14 is before today (2026-03-15)."],
    [{ effectiveDate: "2026-02-30" }, 'Not a valid date (YYYY-MM-DD): "2026-02-30"'],
    [{ effectiveDate: "2026-3-20" }, 'Not a valid date (YYYY-MM-DD): "2026-3-20"'],
    [{ effectiveDate: "2026-03-20T00:00:00Z" }, 'Not a valid date (YYYY-MM-DD): "2026-03-20T00:00:00Z"'],
  ])("rejects %j", (extra, error) => {
    expect(proposeChange(row, { ...opts, ...extra })).toEqual({ ok: false, error });
  });

  it("accepts today as the effective date", () => {
    const result = proposeChange(row, { ...opts, effectiveDate: "2026-03-15" });
    // 17 of 31 days × 2 × 3000 / 31 = 3290.32
    expect(result).toMatchObject({ ok: true, value: { effectiveDate: "2026-03-15", remainingDays: 17, prorationMinor: 3290 } });
  });

  it("rejects a line too small for the decrease", () => {
    const decrease = rowOf(
      run({ lines: [line({ id: "L1", quantity: "4" }), line({ id: "L2", quantity: "8" })], counts: [count({ quantity: "7" })] }),
      "agr:a1:P1",
    );
    expect(decrease.proposal).toMatchObject({ targetLineId: "L2", fromQuantity: "8", toQuantity: "3" });
    expect(proposeChange(decrease, { ...opts, lineId: "L1" })).toEqual({
      ok: false,
      error: "The decrease of 5 is larger than the 4 on line L1; split it across the lines by hand.",
    });
  });

  it("refuses rows that take no proposal", () => {
    const flat = rowOf(run({ agreements: [agreement({ flatRate: true })], counts: [count({ quantity: "12" })] }), "agr:a1:P1");
    expect(proposeChange(flat, opts)).toEqual({ ok: false, error: "No change can be proposed for a flat-rate row." });
    expect(proposeChange(rowOf(run(), "agr:a1:P1"), opts)).toEqual({ ok: false, error: "No change can be proposed for a match row." });
  });

  it("refuses a line id on a missing-line row (there are no lines)", () => {
    const missing = rowOf(run({ lines: [line({ productKey: "P9" })] }), "agr:a1:P1");
    expect(proposeChange(missing, { ...opts, lineId: "L1" })).toEqual({ ok: false, error: "Line L1 is not one of this row's lines." });
  });
});

describe("previewProration = remainingDays × change × unit price ÷ periodDays, rounded once", () => {
  it.each<[string, BillingCycle, string, number, number, number, number]>([
    ["2027-02-15", "monthly", "3", 2000, 14, 28, 3000],
    ["2028-02-15", "monthly", "3", 2000, 15, 29, 3103], // 3103.45
    ["2026-04-16", "monthly", "3", 2000, 15, 30, 3000],
    ["2026-01-31", "monthly", "3", 2000, 1, 31, 194], // 193.55
    ["2026-01-31", "monthly", "-1", 1000, 1, 31, -32], // -32.26
    ["2026-04-30", "monthly", "1", 15, 1, 30, 1], // 0.5 → 1
    ["2026-04-30", "monthly", "-1", 15, 1, 30, -1], // -0.5 → -1
    ["2026-04-30", "monthly", "0.5", 2001, 1, 30, 33], // 33.35
    ["2026-02-15", "quarterly", "1", 9000, 45, 90, 4500],
    ["2026-07-01", "semiannual", "2", 100, 184, 184, 200],
    ["2028-12-31", "annual", "1", 36600, 1, 366, 100],
  ])("%s %s change %s at %d → %d/%d days, %d", (effectiveDate, billingCycle, quantityChange, unitPriceMinor, remaining, days, amount) => {
    const result = previewProration({ effectiveDate, billingCycle, quantityChange, unitPrice: major(unitPriceMinor), currency: "USD" });
    expect(result.ok && [result.value.remainingDays, result.value.periodDays, result.value.prorationMinor]).toEqual([remaining, days, amount]);
  });

  it("returns the period and no amount without a price", () => {
    expect(previewProration({ effectiveDate: "2027-02-15", billingCycle: "monthly", quantityChange: "3", unitPrice: major(null), currency: "USD" })).toEqual({
      ok: true,
      value: { prorationMinor: null, remainingDays: 14, periodDays: 28, periodStart: "2027-02-01", periodEnd: "2027-02-28" },
    });
  });

  it("rejects a bad date or quantity", () => {
    expect(previewProration({ effectiveDate: "2027-02-29", billingCycle: "monthly", quantityChange: "3", unitPrice: major(1), currency: "USD" }).ok).toBe(false);
    expect(previewProration({ effectiveDate: "2027-02-01", billingCycle: "monthly", quantityChange: "1e3", unitPrice: major(1), currency: "USD" }).ok).toBe(false);
  });
});

/** Minor units (cents) as the exact major-unit price the engine takes. */
function major(minor: number | null): string | null {
  return minor === null ? null : (minor / 100).toFixed(2);
}

describe("proposals follow month lengths", () => {
  // change 2 at 2200 per month
  it.each([
    ["2027-02-01T09:00:00Z", "2027-02-15", 14, 28, 2200, "2027-03-01"],
    ["2028-02-01T09:00:00Z", "2028-02-15", 15, 29, 2276, "2028-03-01"], // 2275.86
    ["2026-04-01T09:00:00Z", "2026-04-16", 15, 30, 2200, "2026-05-01"],
    ["2026-01-31T09:00:00Z", "2026-01-31", 1, 31, 142, "2026-02-01"], // 141.94
  ])("now %s, effective %s → %d of %d days, %d", (now, effectiveDate, remainingDays, periodDays, prorationMinor, firstBilledOn) => {
    const row = rowAt(new Date(now));
    const result = proposeChange(row, { now: new Date(now), billingCycle: "monthly", effectiveDate });
    expect(result).toEqual({
      ok: true,
      value: { targetLineId: "L1", fromQuantity: "10", toQuantity: "12", effectiveDate, writeMode: "with-date", writeOn: null, firstBilledOn, prorationMinor, remainingDays, periodDays, canApply: true, reason: null },
    });
  });
});
