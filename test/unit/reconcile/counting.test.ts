import { describe, expect, it } from "vitest";
import type { AgreementInput, LineInput } from "../../../src/core/reconcile/types.ts";
import { agreement, line, rowOf, run } from "./fixtures.ts";

// Today is 2026-03-15 (fixtures.NOW). The default vendor count is 10 seats of P1.

describe("agreement counting", () => {
  it.each<[string, Partial<AgreementInput>, boolean]>([
    ["active", {}, true],
    ["status is case-insensitive", { status: "ACTIVE" }, true],
    ["inactive", { status: "Inactive" }, false],
    ["expired status", { status: "Expired" }, false],
    ["cancelled", { cancelled: true }, false],
    ["billing cycle none", { billingCycle: "none" }, false],
    ["no start or end date", { startDate: null, endDate: null }, true],
    ["starts today", { startDate: "2026-03-15" }, true],
    ["not started yet", { startDate: "2026-03-16" }, false],
    ["ends today", { endDate: "2026-03-15" }, true],
    ["ended yesterday", { endDate: "2026-03-14" }, false],
    ["ends in the future", { endDate: "2027-01-01" }, true],
  ])("%s → counts: %s", (_name, overrides, counts) => {
    const rows = run({ agreements: [agreement(overrides)] });
    if (counts) {
      expect(rows.map((r) => [r.key, r.status, r.psaQuantity])).toEqual([["agr:a1:P1", "match", "10"]]);
    } else {
      // The agreement is ignored entirely: its line doesn't count and usage can't land on it.
      expect(rows.map((r) => [r.key, r.status, r.psaQuantity, r.agreementId])).toEqual([["co:c1:P1", "missing-line", "0", null]]);
    }
  });
});

describe("line counting", () => {
  it.each<[string, Partial<LineInput>, boolean]>([
    ["billable", {}, true],
    ["DoNotBill", { billCustomer: "DoNotBill" }, false],
    ["NoCharge", { billCustomer: "NoCharge" }, false],
    ["cancelled in the past", { cancelledDate: "2026-03-01" }, false],
    ["cancelled today", { cancelledDate: "2026-03-15" }, false],
    // Issue 9: a line counts when in effect on the date the next invoice covers (2026-04-01 here):
    // ConnectWise bills an addition from its effectiveDate until its cancelledDate (API model `Addition`).
    ["cancelled before the next invoice", { cancelledDate: "2026-03-16" }, false],
    ["cancelled on the next invoice date", { cancelledDate: "2026-04-01" }, false],
    ["cancelled after the next invoice date", { cancelledDate: "2026-04-02" }, true],
    ["effective on the next invoice date", { effectiveDate: "2026-04-01" }, true],
    ["effective after the next invoice date", { effectiveDate: "2026-05-01" }, false],
  ])("%s → counts: %s", (_name, overrides, counts) => {
    const row = rowOf(run({ lines: [line(overrides)] }), "agr:a1:P1");
    if (counts) {
      expect([row.status, row.psaQuantity, row.targetLineId, row.lines.length]).toEqual(["match", "10", "L1", 1]);
    } else {
      expect([row.status, row.psaQuantity, row.targetLineId, row.lines.length]).toEqual(["missing-line", "0", null, 0]);
    }
  });

  it("ignores non-counting lines with no usage entirely", () => {
    const rows = run({ lines: [line(), line({ id: "L2", productKey: "P2", billCustomer: "DoNotBill" })] });
    expect(rows.map((r) => r.key)).toEqual(["agr:a1:P1"]);
  });

  it("ignores lines of agreements that don't count", () => {
    const rows = run({
      agreements: [agreement(), agreement({ id: "a2", name: "Old", status: "Closed" })],
      lines: [line(), line({ id: "L2", agreementId: "a2", productKey: "P2" })],
    });
    expect(rows.map((r) => r.key)).toEqual(["agr:a1:P1"]);
  });
});
