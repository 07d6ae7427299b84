/**
 * Pure pod rules of issue 9 §2–3: partly fixed rows reopen, failures are said
 * once with what to do, and only near-exact suggestions are preselected.
 */
import { describe, expect, it } from "vitest";
import type { DecisionView } from "../../src/shared/api-types.ts";
import { PRESELECT_CONFIDENCE } from "../../src/shared/api-types.ts";
import { AUTO_APPLY_CONFIDENCE } from "../../src/core/usage/name-match.ts";
import { failureText, isPartlyFixed } from "../../ui/lib/decisions.ts";
import { preselected } from "../../ui/lib/mapping.ts";

function decision(over: Partial<DecisionView>): DecisionView {
  return {
    id: "dec_1", agreementId: "agr", lineId: "line", productKey: "P", action: "adjust", actor: "member:jsmith",
    oldQuantity: "10", newQuantity: "12", effectiveDate: null, note: null, revertsDecisionId: null,
    writebackState: "applied", writebackError: null, createdAt: "2026-11-30T10:00:00Z", updatedAt: "2026-11-30T10:00:00Z",
    writeMode: "now", writeOn: null, firstBilledOn: "2026-12-01", ...over,
  };
}

describe("partly fixed rows (issue 9 §2)", () => {
  it("an adjust to 12 of a 15-seat usage, now in the PSA, leaves +3: the row reopens", () => {
    expect(isPartlyFixed(decision({}), { psaQuantity: "12", variance: "3", status: "increase" })).toBe(true);
    expect(isPartlyFixed(decision({ action: "approve" }), { psaQuantity: "12.0", variance: "-1", status: "decrease" })).toBe(true);
  });
  it("is not partly fixed when the PSA does not hold the decision yet, nothing remains, or it did not apply", () => {
    expect(isPartlyFixed(decision({}), { psaQuantity: "10", variance: "5", status: "increase" })).toBe(false);
    expect(isPartlyFixed(decision({}), { psaQuantity: "12", variance: "0", status: "match" })).toBe(false);
    expect(isPartlyFixed(decision({ writebackState: "failed" }), { psaQuantity: "12", variance: "3", status: "increase" })).toBe(false);
    expect(isPartlyFixed(decision({ action: "dismiss", newQuantity: null }), { psaQuantity: "12", variance: "3", status: "increase" })).toBe(false);
  });
});

describe("failures said plainly, once", () => {
  it("quotes the PSA's message and says what to do", () => {
    expect(failureText("Quantity cannot be changed on a cancelled addition.")).toBe(
      "The PSA did not take the change: Quantity cannot be changed on a cancelled addition. Check the line in the PSA, then try again.",
    );
    expect(failureText("  ")).toContain("no reason given");
  });
});

describe("preselection of mapping suggestions (issue 9 §3)", () => {
  it("preselects only a near-exact match (≥ 90: domain, equal name, identifier), never a fuzzy one", () => {
    expect(PRESELECT_CONFIDENCE).toBe(AUTO_APPLY_CONFIDENCE);
    expect(preselected([{ id: "a", confidence: 84 }, { id: "b", confidence: 89 }])).toBeNull();
    expect(preselected([{ id: "a", confidence: 84 }, { id: "b", confidence: 95 }])?.id).toBe("b");
    expect(preselected([{ id: "a", confidence: 90 }])?.id).toBe("a");
    expect(preselected([])).toBeNull();
  });
});


describe("upcoming lines in the row (issue 9 §1: shown, not counted)", () => {
  it('says "+10 from Jan 14" for a line starting after the billing date and "−5 ends …" for one ending', async () => {
    const { upcomingText } = await import("../../ui/lib/rows.ts");
    expect(upcomingText({ lineId: "l", quantity: "10", change: "starts", date: "2027-01-14" }, "en-US")).toBe("+10 from Jan 14, 2027");
    expect(upcomingText({ lineId: "l", quantity: "5", change: "ends", date: "2026-12-31" }, "en-US")).toBe("−5 ends Dec 31, 2026");
  });
});
