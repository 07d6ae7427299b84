import { describe, expect, it } from "vitest";
import {
  addDays,
  addHours,
  billingPeriodContaining,
  daysBetween,
  daysInMonth,
  firstOfNextMonth,
  parseInstantMs,
  parseIsoDate,
  toIsoDate,
} from "../../../src/core/shared/dates.ts";
import fc from "fast-check";
import type { BillingCycle } from "../../../src/core/reconcile/types.ts";

describe("toIsoDate uses the UTC calendar", () => {
  it.each([
    ["2026-11-30T23:30:00-05:00", "2026-12-01"],
    ["2026-03-01T00:30:00+01:00", "2026-02-28"],
    ["2026-12-31T23:59:59.999Z", "2026-12-31"],
    ["2027-01-01T00:00:00Z", "2027-01-01"],
  ])("%s → %s", (instant, date) => {
    expect(toIsoDate(new Date(instant))).toBe(date);
  });
});

describe("parseIsoDate is strict", () => {
  it.each(["2026-01-31", "2028-02-29", "2000-02-29", "2026-12-01"])("accepts %s", (text) => {
    expect(parseIsoDate(text)).toEqual({ ok: true, value: text });
  });

  it.each([
    "2027-02-29",
    "1900-02-29",
    "2026-04-31",
    "2026-13-01",
    "2026-00-10",
    "2026-01-00",
    "2026-1-5",
    "26-01-05",
    "2026/01/05",
    "2026-01-05T00:00:00Z",
    " 2026-01-05",
    "",
    "tomorrow",
  ])("rejects %j", (text) => {
    expect(parseIsoDate(text).ok).toBe(false);
  });
});

describe("daysInMonth", () => {
  it.each([
    [2027, 2, 28],
    [2028, 2, 29],
    [2100, 2, 28],
    [2000, 2, 29],
    [2026, 4, 30],
    [2026, 1, 31],
    [2026, 12, 31],
  ])("%d-%d has %d days", (year, month, days) => {
    expect(daysInMonth(year, month)).toBe(days);
  });
});

describe("firstOfNextMonth", () => {
  it.each([
    ["2026-01-31T12:00:00Z", "2026-02-01"],
    ["2026-12-31T23:59:59Z", "2027-01-01"],
    ["2027-02-28T10:00:00Z", "2027-03-01"],
    ["2028-02-28T10:00:00Z", "2028-03-01"],
    ["2028-02-29T10:00:00Z", "2028-03-01"],
    ["2026-06-01T00:00:00Z", "2026-07-01"],
    // 23:30 on 30 Nov in New York is already 1 Dec UTC.
    ["2026-11-30T23:30:00-05:00", "2027-01-01"],
  ])("%s → %s", (now, expected) => {
    expect(firstOfNextMonth(new Date(now))).toBe(expected);
  });
});

describe("billingPeriodContaining (calendar aligned)", () => {
  it.each<[string, BillingCycle, string, string, number]>([
    ["2027-02-15", "monthly", "2027-02-01", "2027-02-28", 28],
    ["2028-02-15", "monthly", "2028-02-01", "2028-02-29", 29],
    ["2026-04-16", "monthly", "2026-04-01", "2026-04-30", 30],
    ["2026-01-31", "monthly", "2026-01-01", "2026-01-31", 31],
    ["2026-02-10", "quarterly", "2026-01-01", "2026-03-31", 90],
    ["2026-05-01", "quarterly", "2026-04-01", "2026-06-30", 91],
    ["2026-08-20", "quarterly", "2026-07-01", "2026-09-30", 92],
    ["2026-12-31", "quarterly", "2026-10-01", "2026-12-31", 92],
    ["2028-03-01", "quarterly", "2028-01-01", "2028-03-31", 91],
    ["2026-06-30", "semiannual", "2026-01-01", "2026-06-30", 181],
    ["2026-07-01", "semiannual", "2026-07-01", "2026-12-31", 184],
    ["2026-09-09", "annual", "2026-01-01", "2026-12-31", 365],
    ["2028-09-09", "annual", "2028-01-01", "2028-12-31", 366],
    ["2026-09-09", "none", "2026-09-01", "2026-09-30", 30],
  ])("%s %s → %s..%s (%d days)", (date, cycle, start, end, days) => {
    expect(billingPeriodContaining(date, cycle)).toEqual({ start, end, days });
  });
});

describe("day arithmetic", () => {
  it("counts days across months, leap days and years", () => {
    expect(daysBetween("2026-01-31", "2026-02-01")).toBe(1);
    expect(daysBetween("2028-02-28", "2028-03-01")).toBe(2);
    expect(daysBetween("2027-02-28", "2027-03-01")).toBe(1);
    expect(daysBetween("2026-12-31", "2026-01-01")).toBe(-364);
    expect(daysBetween("1999-12-31", "2000-03-01")).toBe(61);
  });

  it("adds days and hours in UTC", () => {
    expect(addDays("2028-02-28", 1)).toBe("2028-02-29");
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(addHours(new Date("2026-03-28T23:00:00Z"), 2).toISOString()).toBe("2026-03-29T01:00:00.000Z");
  });
});

describe("parseInstantMs reads an instant exactly as Date.parse does", () => {
  it.each([
    "2026-06-14T14:00:00.000Z",
    "1970-01-01T00:00:00.000Z",
    "2024-02-29T23:59:59.999Z",
    "0001-01-01T00:00:00.000Z",
    // Not the canonical form, or out of range: handed to Date.parse (NaN or its own reading).
    "2026-02-29T00:00:00.000Z",
    "2026-13-01T00:00:00.000Z",
    "2026-06-14T24:00:00.000Z",
    "2026-06-14T14:00:60.000Z",
    "2026-06-14T14:00:00Z",
    "2026-06-14T14:00:00.000+02:00",
    "2026-06-14 14:00:00.000Z",
    "2026-06-1xT14:00:00.000Z",
    "not a time",
    "",
  ])("%s", (text) => {
    expect(parseInstantMs(text)).toStrictEqual(Date.parse(text));
  });

  it("agrees with Date.parse on every toISOString instant and on mangled ones", () => {
    const instants = fc.date({ min: new Date("0001-01-01T00:00:00.000Z"), max: new Date("9999-12-31T23:59:59.999Z"), noInvalidDate: true }).map((d) => d.toISOString());
    fc.assert(fc.property(instants, (text) => parseInstantMs(text) === Date.parse(text)));
    const mangled = fc.tuple(instants, fc.nat(23), fc.constantFrom("0", "9", "3", "-", ":", "x", "T", "Z", ".")).map(([t, i, c]) => t.slice(0, i) + c + t.slice(i + 1));
    fc.assert(fc.property(mangled, (text) => Object.is(parseInstantMs(text), Date.parse(text))));
  });
});
