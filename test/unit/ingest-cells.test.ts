import { describe, expect, it } from "vitest";
import { parseDateCell } from "../../src/core/usage/date-cell.ts";
import { ExactSum, formatScaled, parseDecimalCell, roundToMinor } from "../../src/core/usage/exact-sum.ts";
import { parseJsonWithDecimals } from "../../src/core/usage/json-decimals.ts";
import { minorDigits, toMinorUnits } from "../../src/core/usage/money.ts";

describe("parseDecimalCell", () => {
  it.each([
    ["12", "12"],
    ["'12.30", "12.3"],
    [" '20 ", "20"],
    ["-0.50", "-0.5"],
    ["+3", "3"],
    ["1.5E-06", "0.0000015"],
    ["2.5e3", "2500"],
    ["0007", "7"],
    ["12.", "12"],
  ])("%j → %s", (cell, expected) => {
    const parsed = parseDecimalCell(cell);
    expect(parsed && formatScaled(parsed)).toBe(expected);
  });

  it.each(["", "abc", "1,234.50", "1.234,50", "(12.00)", "$12", "12 USD", "NaN", "Infinity", "1e999", ".5", "--1", "1.2.3"])("rejects %j", (cell) => {
    expect(parseDecimalCell(cell)).toBeNull();
  });
});

describe("ExactSum", () => {
  it("sums 100,000 Azure-sized cells without float drift", () => {
    const sum = new ExactSum();
    const cell = parseDecimalCell("0.0131") as NonNullable<ReturnType<typeof parseDecimalCell>>;
    for (let i = 0; i < 100_000; i++) sum.add(cell);
    expect(sum.toDecimal()).toBe("1310");
  });

  it("mixes scales and signs exactly", () => {
    const sum = new ExactSum();
    for (const cell of ["220.00", "-152.67", "229", "-5.001", "1E-9"]) sum.add(parseDecimalCell(cell) as NonNullable<ReturnType<typeof parseDecimalCell>>);
    expect(sum.toDecimal()).toBe("291.329000001");
  });
});

describe("money", () => {
  it.each([
    ["4.66875018", "USD", 467],
    ["0.005", "USD", 1],
    ["-0.005", "USD", -1],
    ["0.0049999", "USD", 0],
    ["1234.5", "JPY", 1235],
    ["1.2345", "KWD", 1235],
  ])("%s %s → %i minor units, half away from zero", (amount, currency, minor) => {
    expect(toMinorUnits(parseDecimalCell(amount) as NonNullable<ReturnType<typeof parseDecimalCell>>, currency)).toEqual({ ok: true, value: minor });
  });

  it("knows zero- and three-decimal currencies", () => {
    expect([minorDigits("USD"), minorDigits("JPY"), minorDigits("BHD")]).toEqual([2, 0, 3]);
    expect(roundToMinor({ units: 125n, scale: 1 }, 0)).toBe(13n);
  });
});

describe("parseDateCell", () => {
  it.each([
    ["10/3/2020", "MDY", "2020-10-03"],
    ["2/1/2019 0:00", "MDY", "2019-02-01"],
    ["2/28/2019 23:59", "MDY", "2019-02-28"],
    ["6/30/2026 11:59:00 PM", "MDY", "2026-06-30"],
    ["'6/1/2026", "MDY", "2026-06-01"],
    ["3/10/2026", "DMY", "2026-10-03"],
    ["2026-06-01", "MDY", "2026-06-01"],
    ["2026-06-01T00:00:00Z", "YMD", "2026-06-01"],
    ["2026-06-01 23:59:59", "DMY", "2026-06-01"],
  ] as const)("%s (%s) → %s", (cell, order, expected) => {
    expect(parseDateCell(cell, order)).toEqual({ ok: true, value: expected });
  });

  it.each([["2/30/2026", "MDY"], ["13/1/2026", "MDY"], ["6/1/2026", "YMD"], ["June 1, 2026", "MDY"], ["", "MDY"], ["2026-02-29", "MDY"]] as const)("rejects %j (%s)", (cell, order) => {
    expect(parseDateCell(cell, order).ok).toBe(false);
  });
});

describe("parseJsonWithDecimals", () => {
  it("keeps the source text of numbers under the chosen keys only", () => {
    const parsed = parseJsonWithDecimals('{"quantity": 0.1000000000000000000001, "n": 0.1000000000000000000001, "list": [{"quantity": 1e3}]}', new Set(["quantity"]));
    expect(parsed).toEqual({ quantity: "0.1000000000000000000001", n: 0.1, list: [{ quantity: "1e3" }] });
  });
});
