/**
 * The demo loop's pure pieces: the demo host's reading of pod messages
 * (ui/demo/protocol.ts: JSON strings only), and when an applied approval no
 * longer holds because the PSA changed since (ui/lib/decisions.ts, a bug the
 * demo loop exposed: such a row could never be approved again).
 */
import { describe, expect, it } from "vitest";
import type { DecisionView } from "../../src/shared/api-types.ts";
import { parsePodMessage, pickerLabel } from "../../ui/demo/protocol.ts";
import { isSupersededByPsa } from "../../ui/lib/decisions.ts";

describe("the demo host reads pod messages", () => {
  it.each([
    ["a JSON string object", JSON.stringify({ message: "ready" }), { message: "ready" }],
    ["a structured-clone object (not the protocol)", { message: "ready" }, null],
    ["a JSON array", "[1,2]", null],
    ["JSON null", "null", null],
    ["not JSON", "ready", null],
    ["a number", 42, null],
  ] as const)("%s", (_name, data, expected) => {
    expect(parsePodMessage(data)).toEqual(expected);
  });
});

function applied(over: Partial<DecisionView>): DecisionView {
  return {
    id: "dec_1",
    agreementId: "agr",
    lineId: "line",
    productKey: "M365-BP",
    action: "approve",
    actor: "member:jsmith",
    oldQuantity: "40",
    newQuantity: "44",
    effectiveDate: "2026-12-01",
    note: null,
    revertsDecisionId: null,
    writebackState: "applied",
    writebackError: null,
    writeMode: "now",
    writeOn: null,
    firstBilledOn: null,
    createdAt: "2026-11-22T10:00:00Z",
    updatedAt: "2026-11-22T10:00:01Z",
    ...over,
  };
}

describe("an applied approval the PSA no longer shows", () => {
  const today = "2026-11-22";
  it.each([
    ["the PSA holds the target", applied({}), "44", false],
    ["the PSA holds the target written differently", applied({}), "44.00", false],
    ["in effect, the PSA changed back", applied({ effectiveDate: "2026-11-01" }), "40", true],
    ["in effect, the PSA changed to something else", applied({ effectiveDate: "2026-11-22" }), "46", true],
    ["future-dated, the PSA still holds the old quantity (Autotask period units)", applied({}), "40", false],
    ["future-dated, the PSA holds neither", applied({}), "46", true],
    ["no effective date, PSA differs", applied({ effectiveDate: null }), "40", true],
    ["an adjust in effect, PSA differs", applied({ action: "adjust", effectiveDate: "2026-11-01" }), "41", true],
    ["still pending", applied({ writebackState: "pending", effectiveDate: "2026-11-01" }), "40", false],
    ["a revert", applied({ action: "revert", effectiveDate: "2026-11-01" }), "46", false],
    ["a dismissal", applied({ action: "dismiss", newQuantity: null, writebackState: "not-required" }), "46", false],
  ] as const)("%s → %s", (_name, decision, psaQuantity, expected) => {
    expect(isSupersededByPsa(decision, psaQuantity, today)).toBe(expected);
  });

  it("on ConnectWise, whose write-back replaces the quantity at once, any difference reopens the row", () => {
    // The demo's second `npm run dev`: the fresh simulator holds 40 again, the last run's approval said 44 from next month.
    expect(isSupersededByPsa(applied({}), "40", today, true)).toBe(true);
    expect(isSupersededByPsa(applied({}), "44", today, true)).toBe(false);
    expect(isSupersededByPsa(applied({ writebackState: "pending" }), "40", today, true)).toBe(false);
  });
});

describe("the demo host's agreement picker (issue 9 §2)", () => {
  it('prints "(cancelled)" once, even when the name already says so', () => {
    expect(pickerLabel({ name: "Granite — Legacy Exchange (cancelled)", cancelledFlag: true })).toBe("Granite — Legacy Exchange (cancelled)");
    expect(pickerLabel({ name: "Old deal", cancelledFlag: true })).toBe("Old deal (cancelled)");
    expect(pickerLabel({ name: "Live deal", cancelledFlag: false })).toBe("Live deal");
  });
});
