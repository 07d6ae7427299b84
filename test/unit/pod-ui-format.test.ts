import { describe, expect, it } from "vitest";
import { canonical, compareDecimals, divideRoundHalfAway, parseQuantityInput, subtractDecimals } from "../../ui/lib/decimal.ts";
import { currencyDigits, formatAge, formatDay, formatMoney, formatPercent, formatQuantity, formatVariance } from "../../ui/lib/format.ts";

describe("formatMoney (integer minor units, the currency's own decimals)", () => {
  it.each([
    [10400, "USD", false, "$104.00"],
    [123456789, "USD", false, "$1,234,567.89"],
    [-1800, "USD", false, "\u2212$18.00"],
    [10400, "USD", true, "+$104.00"],
    [-1800, "USD", true, "\u2212$18.00"],
    [0, "USD", true, "$0.00"],
    [1, "USD", false, "$0.01"],
    [1500, "JPY", false, "¥1,500"],
    [1234, "KWD", false, "KWD\u00a01.234"],
    [995, "EUR", false, "€9.95"],
  ])("%i %s signed=%s → %s", (minor, currency, signed, expected) => {
    expect(formatMoney(minor, currency, "en-US", signed)).toBe(expected);
  });

  it("knows currency decimals", () => {
    expect([currencyDigits("USD"), currencyDigits("JPY"), currencyDigits("KWD")]).toEqual([2, 0, 3]);
  });
});

describe("formatQuantity and formatVariance (exact decimal strings, never floats)", () => {
  it.each([
    ["1843.27", "1,843.27"],
    ["0.1", "0.1"],
    ["12345678901234567.000001", "12,345,678,901,234,567.000001"],
    ["-3", "\u22123"],
  ])("%s → %s", (value, expected) => {
    expect(formatQuantity(value, "en-US")).toBe(expected);
  });

  it.each([
    ["4", "+4"],
    ["-3", "\u22123"],
    ["0", "0"],
    ["193.27", "+193.27"],
    [null, "—"],
  ])("variance %s → %s", (value, expected) => {
    expect(formatVariance(value, "en-US")).toBe(expected);
  });

  it("formats a percentage string and a missing one", () => {
    expect(formatPercent("42.5", "en-US")).toBe("42.5\u00a0%");
    expect(formatPercent("-8.0", "en-US")).toBe("\u22128.0\u00a0%");
    expect(formatPercent("40.0", "en-US")).toBe("40.0\u00a0%");
    expect(formatPercent(null)).toBe("—");
  });
});

describe("ages and days", () => {
  const now = new Date("2026-03-15T12:00:00Z");
  it.each([
    ["2026-03-15T11:59:40Z", "just now"],
    ["2026-03-15T11:55:00Z", "5 min ago"],
    ["2026-03-15T06:00:00Z", "6 h ago"],
    ["2026-03-13T13:00:00Z", "47 h ago"],
    ["2026-03-03T12:00:00Z", "12 days ago"],
    ["garbage", "unknown time"],
  ])("%s → %s", (iso, expected) => {
    expect(formatAge(iso, now)).toBe(expected);
  });

  it("formats calendar dates without a time-zone shift", () => {
    expect(formatDay("2026-12-01", "en-US")).toBe("Dec 1, 2026");
    expect(formatDay("2026-01-31", "en-US")).toBe("Jan 31, 2026");
  });
});

describe("decimal helpers", () => {
  it.each([
    ["007", "7"],
    ["1.500", "1.5"],
    ["-0.0", "0"],
    ["0.000", "0"],
  ])("canonical(%s) = %s", (input, expected) => {
    expect(canonical(input)).toBe(expected);
  });

  it.each([
    ["42", "40", "2"],
    ["40", "42", "-2"],
    ["1843.27", "1650", "193.27"],
    ["0.1", "0.3", "-0.2"],
    ["1", "1.000", "0"],
  ])("%s − %s = %s", (a, b, expected) => {
    expect(subtractDecimals(a, b)).toBe(expected);
  });

  it("compares exactly", () => {
    expect(compareDecimals("0.30000000000000004", "0.3")).toBe(1);
    expect(compareDecimals("10", "9.999")).toBe(1);
    expect(compareDecimals("2.50", "2.5")).toBe(0);
  });

  it.each([
    ["44", "44"],
    [" 12.50 ", "12.5"],
    ["0", "0"],
    ["-1", null],
    ["1e3", null],
    ["1,5", null],
    ["", null],
    ["abc", null],
    ["1.1234567", null],
  ])("parseQuantityInput(%j) = %j", (input, expected) => {
    expect(parseQuantityInput(input)).toBe(expected);
  });

  it.each([
    [5n, 2n, 3n],
    [-5n, 2n, -3n],
    [4n, 3n, 1n],
    [-4n, 3n, -1n],
    [7n, -2n, -4n],
    [0n, 7n, 0n],
  ])("divideRoundHalfAway(%s, %s) = %s", (n, d, q) => {
    expect(divideRoundHalfAway(n, d)).toBe(q);
  });
});
