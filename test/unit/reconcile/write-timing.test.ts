/**
 * What a proposal promises is what the PSA does (issue 9 §2). Today is
 * 2026-03-15; the next invoice is 2026-04-01.
 * - ConnectWise applies a quantity PATCH at once; only agreements with
 *   prorateFlag take an effective date and prorate (reference §7.1, §2.4).
 * - Autotask adjustments carry an effective date inside the contract's own
 *   periods and are prorated by it (ContractServiceAdjustments,
 *   ContractServiceUnits per period from the contract start — reference §3.3).
 * Money: remaining days × change × price ÷ period days, rounded once.
 */
import { describe, expect, it } from "vitest";
import { proposeChange } from "../../../src/core/reconcile/engine.ts";
import type { AgreementInput } from "../../../src/core/reconcile/types.ts";
import { agreement, count, line, NOW, rowOf, run } from "./fixtures.ts";

/** +2 seats at $10.00 on the given agreement, re-proposed for `effectiveDate`. */
function propose(overrides: Partial<AgreementInput>, effectiveDate?: string) {
  const a = agreement(overrides);
  const row = rowOf(run({ agreements: [a], lines: [line({ unitPriceMinor: 1000 })], counts: [count({ quantity: "12" })] }), "agr:a1:P1");
  const result = proposeChange(row, { now: NOW, billingCycle: a.billingCycle, agreement: a, ...(effectiveDate ? { effectiveDate } : {}) });
  if (!result.ok) throw new Error(result.error);
  return { row, p: result.value };
}

describe("ConnectWise without prorateFlag", () => {
  it("by default applies now and is first billed by the next invoice, with no proration promised", () => {
    const { row, p } = propose({ psa: "connectwise", prorates: false });
    expect(row.proposal).toMatchObject({ effectiveDate: "2026-04-01", writeMode: "now", writeOn: null, firstBilledOn: "2026-04-01", prorationMinor: null });
    expect(p.writeMode).toBe("now");
  });

  it("a mid-month date before the next invoice still applies now: ConnectWise cannot prorate it", () => {
    expect(propose({ psa: "connectwise", prorates: false }, "2026-03-20").p).toMatchObject({ writeMode: "now", firstBilledOn: "2026-04-01", prorationMinor: null });
  });

  it("a later date is scheduled: held by Trueup and written on that day", () => {
    expect(propose({ psa: "connectwise", prorates: false }, "2026-05-01").p).toMatchObject({ writeMode: "scheduled", writeOn: "2026-05-01", firstBilledOn: "2026-05-01", prorationMinor: null });
    // Written on 10 May: May was already invoiced, so June's invoice is the first to bill it.
    expect(propose({ psa: "connectwise", prorates: false }, "2026-05-10").p).toMatchObject({ writeMode: "scheduled", writeOn: "2026-05-10", firstBilledOn: "2026-06-01" });
  });
});

describe("ConnectWise with prorateFlag", () => {
  it("writes the date now and previews ConnectWise's proration for the rest of the period", () => {
    // March: 12 of 31 days left from the 20th; 12 × 2 × $10.00 / 31 = $7.741935… → 774¢
    expect(propose({ psa: "connectwise", prorates: true }, "2026-03-20").p).toMatchObject({
      writeMode: "with-date",
      writeOn: null,
      firstBilledOn: "2026-04-01",
      remainingDays: 12,
      periodDays: 31,
      prorationMinor: 774,
    });
  });
});

describe("Autotask: the contract's own periods", () => {
  it("a monthly contract started on the 15th bills 15 March – 14 April", () => {
    // From 20 March: 26 of 31 days; 26 × 2 × $10.00 / 31 = $16.774193… → 1677¢
    expect(propose({ psa: "autotask", startDate: "2025-01-15" }, "2026-03-20").p).toMatchObject({
      writeMode: "with-date",
      remainingDays: 26,
      periodDays: 31,
      prorationMinor: 1677,
      firstBilledOn: "2026-04-15",
    });
  });

  it("a quarterly contract started 1 February bills February – April", () => {
    // 1 Feb – 30 Apr 2026 is 89 days; from 20 March 42 are left (12 in March, 30 in April).
    const { p } = propose({ psa: "autotask", billingCycle: "quarterly", startDate: "2025-02-01" }, "2026-03-20");
    expect([p.remainingDays, p.periodDays, p.firstBilledOn]).toEqual([42, 89, "2026-05-01"]);
    // The price is per quarter: 42 × 2 × $10.00 / 89 = $9.438202… → 944¢
    expect(p.prorationMinor).toBe(944);
  });
});
