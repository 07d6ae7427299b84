/**
 * Arrears calendars (issue 12). Pax8's Azure usage is last month's and its
 * invoice is not available sooner than the 5th (reference §7.5); SonicWall
 * counts are in arrears (§6.2). A row compares the month the calendar
 * expects and, until it has arrived, waits instead of showing a variance.
 */
import { describe, expect, it } from "vitest";
import { calendarOf, expectedPeriod, type SourceCalendar } from "../../../src/core/reconcile/calendar.ts";
import { reconcile } from "../../../src/core/reconcile/engine.ts";
import { findRecheckAt } from "../../../src/core/reconcile/recheck.ts";
import { account, count, input, rowOf, service } from "./fixtures.ts";

const ARREARS: SourceCalendar = { covers: "previous", completeAfterDay: 5, services: "all" };

describe("which month an arrears source owes", () => {
  it.each([
    ["2026-11-03T12:00:00Z", "2026-10", "2026-11-05", false],
    ["2026-11-05T23:59:00Z", "2026-10", "2026-11-05", false],
    ["2026-11-06T00:00:00Z", "2026-10", "2026-11-05", true],
    ["2026-01-02T00:00:00Z", "2025-12", "2026-01-05", false], // across a year
  ])("on %s: %s, complete after %s (complete: %s)", (now, period, after, complete) => {
    expect(expectedPeriod(ARREARS, new Date(now))).toEqual({ period, after, complete });
  });

  it("is nothing for a source reporting the current month", () => {
    expect(expectedPeriod({ covers: "current", completeAfterDay: 1, services: "all" }, new Date("2026-11-03T00:00:00Z"))).toBeNull();
  });

  it("defaults: Pax8 consumption is last month's, complete after the 5th; other kinds report the current month", () => {
    expect(calendarOf("pax8", null)).toEqual({ covers: "previous", completeAfterDay: 5, services: "consumption" });
    expect(calendarOf("vendor-api", null)).toBeNull();
    expect(calendarOf("pax8", { covers: "current", completeAfterDay: 1, services: "all" })).toBeNull();
  });
});

describe("rows of an arrears source", () => {
  const tenant = (now: string, period: string) =>
    reconcile(input({ now: new Date(now), counts: [count({ period, quantity: "14", observedAt: now })], calendars: new Map([["int-pax8", ARREARS]]) }));

  it("waits for October's usage on 3 November when only September's has come", () => {
    const row = rowOf(tenant("2026-11-03T12:00:00Z", "2026-09"), "agr:a1:P1");
    expect([row.status, row.proposal]).toEqual(["waiting", null]);
    expect(row.reasons[0]).toBe("Waiting for October's usage of Acme Tenant / Service s1 (expected after Nov 5); the newest is 2026-09.");
  });

  it("says October's usage is overdue after the 5th", () => {
    const row = rowOf(tenant("2026-11-09T12:00:00Z", "2026-09"), "agr:a1:P1");
    expect(row.status).toBe("waiting");
    expect(row.reasons[0]).toBe("October's usage is overdue for Acme Tenant / Service s1 (expected after Nov 5); the newest is 2026-09.");
  });

  it("compares once October's usage is in", () => {
    const row = rowOf(tenant("2026-11-09T12:00:00Z", "2026-10"), "agr:a1:P1");
    expect([row.status, row.variance]).toEqual(["increase", "4"]);
  });

  it("applies a consumption-only calendar to consumption services only", () => {
    const rows = reconcile(
      input({
        now: new Date("2026-11-03T12:00:00Z"),
        accounts: [account()],
        services: [service("s1", { category: "seat" })],
        counts: [count({ period: "2026-09", observedAt: "2026-11-03T00:00:00Z" })],
        calendars: new Map([["int-pax8", { ...ARREARS, services: "consumption" }]]),
      }),
    );
    expect(rowOf(rows, "agr:a1:P1").status).toBe("match");
  });

  it("a scope waiting on a calendar is rechecked the day its month falls due", () => {
    const now = new Date("2026-11-03T12:00:00Z");
    const rows = tenant("2026-11-03T12:00:00Z", "2026-09");
    expect(findRecheckAt({ now, staleAfterHours: 168, agreements: [], lines: [], rows, calendars: [ARREARS] })).toBe("2026-11-06T00:00:00.000Z");
  });
});
