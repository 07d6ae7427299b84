import Big from "big.js";
import { describe, expect, it } from "vitest";
import {
  absDecimal,
  addDecimal,
  compareDecimal,
  divideRounded,
  isZeroDecimal,
  mulDecimal,
  parseDecimal,
  roundHalfAwayFromZero,
  subDecimal,
  sumDecimals,
  toBig,
} from "../../../src/core/shared/decimal.ts";

describe("parseDecimal accepts and canonicalises", () => {
  it.each<[string | number, string]>([
    ["12", "12"],
    ["0.5", "0.5"],
    ["-3.25", "-3.25"],
    [" 7 ", "7"],
    ["\t42\n", "42"],
    ["007", "7"],
    ["1.500", "1.5"],
    ["2.0", "2"],
    ["0.000", "0"],
    ["-0", "0"],
    ["-0.00", "0"],
    ["0.0001", "0.0001"],
    ["123456789012345678901234567890.12345678", "123456789012345678901234567890.12345678"],
    ["99999999999999999999999999999999999999", "99999999999999999999999999999999999999"],
    [12, "12"],
    [0.5, "0.5"],
    [-3.25, "-3.25"],
    [-0, "0"],
    [1e20, "100000000000000000000"],
  ])("%j → %s", (raw, expected) => {
    expect(parseDecimal(raw)).toEqual({ ok: true, value: expected });
  });
});

describe("parseDecimal rejects (never coerces to 0)", () => {
  it.each<string | number>([
    "",
    "   ",
    "NaN",
    "nan",
    "1e3",
    "1E3",
    "1,5",
    "1 000",
    "Infinity",
    "-Infinity",
    "0x10",
    "+-1",
    "--1",
    "+1",
    ".5",
    "5.",
    "1.2.3",
    "abc",
    "12abc",
    "٣",
    "123456789012345678901234567890123456789",
    "1234567890123456789.01234567890123456789",
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    1e21,
    1e-7,
  ])("%j", (raw) => {
    const result = parseDecimal(raw);
    expect(result.ok).toBe(false);
  });

  it("explains the rejection", () => {
    expect(parseDecimal("1,5")).toEqual({ ok: false, error: 'Not a decimal number: "1,5"' });
  });
});

describe("decimal helpers", () => {
  it.each([
    ["0.1", "0.2", "0.3"],
    ["1.25", "-1.25", "0"],
    ["-0.5", "0.25", "-0.25"],
    ["99999999999999999999", "1", "100000000000000000000"],
  ])("add %s + %s = %s", (a, b, sum) => {
    expect(addDecimal(a, b)).toBe(sum);
  });

  it("subtracts, multiplies, compares and sums exactly", () => {
    expect(subDecimal("0.3", "0.1")).toBe("0.2");
    expect(subDecimal("1", "1.5")).toBe("-0.5");
    expect(subDecimal("2", "2")).toBe("0");
    expect(mulDecimal("1.1", "1.1")).toBe("1.21");
    expect(mulDecimal("-2", "0")).toBe("0");
    expect(compareDecimal("2", "10")).toBe(-1);
    expect(compareDecimal("10.0", "10")).toBe(0);
    expect(compareDecimal("-1", "-2")).toBe(1);
    expect(isZeroDecimal("0")).toBe(true);
    expect(isZeroDecimal("0.001")).toBe(false);
    expect(absDecimal("-3.5")).toBe("3.5");
    expect(sumDecimals(["0.1", "0.1", "0.1"])).toBe("0.3");
    expect(sumDecimals([])).toBe("0");
  });

  it("refuses malformed data instead of reading it as a number", () => {
    expect(() => toBig("1e3")).toThrow(/Invalid decimal/);
    expect(() => addDecimal("", "1")).toThrow(/Invalid decimal/);
  });
});

describe("roundHalfAwayFromZero", () => {
  it.each([
    ["2.5", 3],
    ["-2.5", -3],
    ["2.4999", 2],
    ["-2.4999", -2],
    ["0.5", 1],
    ["-0.5", -1],
    ["-0.4", 0],
    ["683.3333", 683],
    ["-683.3333", -683],
    ["1366.6667", 1367],
  ])("%s → %d", (value, expected) => {
    expect(roundHalfAwayFromZero(new Big(value))).toBe(expected);
  });

  it("never returns -0", () => {
    expect(Object.is(roundHalfAwayFromZero(new Big("-0.2")), 0)).toBe(true);
  });

  it("throws beyond the safe-integer range", () => {
    expect(() => roundHalfAwayFromZero(new Big("9007199254740993"))).toThrow(/safe integer/);
  });
});

describe("divideRounded (one exact rounding)", () => {
  it.each<[string | number, number, number]>([
    [-2050, 3, -683], // -683.33
    [2050, 3, 683],
    [-4100, 3, -1367], // -1366.67
    [5, 2, 3],
    [-5, 2, -3],
    [7, -2, -4],
    [1, 3, 0],
    ["0.5", 1, 1],
    ["-0.5", 1, -1],
    ["1.4999999999999999999999", 1, 1],
    ["2.5000000000000000000001", 5, 1],
    ["-12.5", 5, -3],
    [5, 2.5, 2],
    [1, 0.3, 3], // 3.33
    [1, 0.4, 3], // 2.5 → 3
  ])("%s ÷ %d = %d", (numerator, divisor, expected) => {
    const value = typeof numerator === "number" ? numerator : new Big(numerator);
    expect(divideRounded(value, divisor)).toBe(expected);
  });

  it("refuses a zero or non-finite divisor", () => {
    expect(() => divideRounded(1, 0)).toThrow(/Invalid divisor/);
    expect(() => divideRounded(1, Number.NaN)).toThrow(/Invalid divisor/);
  });

  it("does not double-round a quotient just under .5", () => {
    // The exact quotient is 0.49999999999999999999999996: rounding it to 20
    // places first would give 0.5 and then 1. Rounded once, it is 0.
    expect(divideRounded(new Big("4.9999999999999999999999996"), 10)).toBe(0);
    expect(divideRounded(new Big("-4.9999999999999999999999996"), 10)).toBe(0);
    expect(divideRounded(new Big("5.0000000000000000000000001"), 10)).toBe(1);
  });

  it("agrees with a BigInt reference on random integers", () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let i = 0; i < 2000; i++) {
      const numerator = Math.round((random() - 0.5) * 2 * 10 ** Math.floor(random() * 15));
      const divisor = 1 + Math.floor(random() * 400);
      const n = BigInt(numerator);
      const d = BigInt(divisor);
      const quotient = n / d;
      const remainder = n % d;
      const away = 2n * (remainder < 0n ? -remainder : remainder) >= d ? (n < 0n ? -1n : 1n) : 0n;
      expect(divideRounded(numerator, divisor)).toBe(Number(quotient + away));
      expect(divideRounded(new Big(numerator).times("1.0"), divisor)).toBe(Number(quotient + away));
    }
  });
});
