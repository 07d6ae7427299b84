/**
 * Count rules (issue 12): basis → multiplier → offset → rounding → minimum →
 * maximum, exact. Expected values are plain decimal arithmetic worked by hand.
 */
import { describe, expect, it } from "vitest";
import { applyCountRule, type CountRuleInput, DEFAULT_RULE, parseCountRule, splitCount } from "../../../src/core/reconcile/count-rules.ts";
import { reconcile } from "../../../src/core/reconcile/engine.ts";

function billed(raw: string, input: CountRuleInput): string {
  const rule = parseCountRule(input);
  if (!rule.ok) throw new Error(rule.error);
  return applyCountRule(raw, rule.value).billed;
}

describe("each step alone", () => {
  it.each<[string, CountRuleInput, string]>([
    ["23", {}, "23"], // the default rule is the identity
    ["23", { multiplier: "2" }, "46"],
    ["23", { multiplier: "0.5" }, "11.5"],
    ["23", { offset: "-2" }, "21"],
    ["23", { offset: "1.25" }, "24.25"],
    ["1", { offset: "-2" }, "0"], // never below 0
    ["41", { round: { mode: "up", step: "10" } }, "50"],
    ["41", { round: { mode: "down", step: "10" } }, "40"],
    ["44", { round: { mode: "nearest", step: "10" } }, "40"],
    ["46", { round: { mode: "nearest", step: "10" } }, "50"],
    ["40", { round: { mode: "up", step: "10" } }, "40"], // already a whole block
    ["23", { minimum: "25" }, "25"],
    ["30", { minimum: "25" }, "30"],
    ["30", { maximum: "25" }, "25"],
    ["7.3", { round: { mode: "up", step: "1" } }, "8"],
    ["7.3", { round: { mode: "down", step: "0.5" } }, "7"],
    ["7.3", { round: { mode: "up", step: "0.25" } }, "7.5"],
  ])("%s with %j → %s", (raw, rule, expected) => {
    expect(billed(raw, rule)).toBe(expected);
  });
});

describe("rounding at exact halves goes up (away from zero)", () => {
  it.each<[string, string, string]>([
    ["45", "10", "50"], // 4.5 blocks → 5
    ["15", "10", "20"],
    ["2.5", "1", "3"],
    ["0.125", "0.25", "0.25"], // 0.5 blocks → 1
    ["35", "10", "40"],
  ])("%s to the nearest %s → %s", (raw, step, expected) => {
    expect(billed(raw, { round: { mode: "nearest", step } })).toBe(expected);
  });
});

describe("combinations apply in order: multiplier, offset, rounding, minimum, maximum", () => {
  it.each<[string, CountRuleInput, string]>([
    // (23 × 1.5) = 34.5; − 2 = 32.5; up to 5 = 35; min 25 → 35
    ["23", { multiplier: "1.5", offset: "-2", round: { mode: "up", step: "5" }, minimum: "25" }, "35"],
    // 10 × 0.5 = 5; + 1 = 6; nearest 5 = 5; min 25 → 25
    ["10", { multiplier: "0.5", offset: "1", round: { mode: "nearest", step: "5" }, minimum: "25" }, "25"],
    // 120 GB in blocks of 10 up = 120; max 100
    ["120", { round: { mode: "up", step: "10" }, maximum: "100" }, "100"],
    // rounding before the minimum: 3 up to 5 = 5, then min 10
    ["3", { round: { mode: "up", step: "5" }, minimum: "10" }, "10"],
    // offset after the multiplier: (4 × 3) − 2 = 10, not (4 − 2) × 3 = 6
    ["4", { multiplier: "3", offset: "-2" }, "10"],
  ])("%s with %j → %s", (raw, rule, expected) => {
    expect(billed(raw, rule)).toBe(expected);
  });

  it("explains the steps that applied: 23 assigned → min 25 → 25", () => {
    const rule = parseCountRule({ basis: "assigned", minimum: "25" });
    expect(rule.ok && applyCountRule("23", rule.value)).toEqual({ billed: "25", explanation: "23 assigned → min 25 → 25" });
    expect(applyCountRule("23", DEFAULT_RULE)).toEqual({ billed: "23", explanation: "23 total" });
  });
});

describe("huge and tiny decimals stay exact", () => {
  it.each<[string, CountRuleInput, string]>([
    ["123456789012345678901234567890", { multiplier: "2" }, "246913578024691357802469135780"],
    ["0.000000001", { multiplier: "3" }, "0.000000003"],
    ["1843.27", { multiplier: "1.15" }, "2119.7605"], // Azure cost × 1.15 markup
    ["0.1", { offset: "0.2" }, "0.3"], // never 0.30000000000000004
    ["99999999999999999999.5", { round: { mode: "nearest", step: "1" } }, "100000000000000000000"],
  ])("%s with %j → %s", (raw, rule, expected) => {
    expect(billed(raw, rule)).toBe(expected);
  });
});

describe("bad rules name the field", () => {
  it.each<[CountRuleInput, string]>([
    [{ basis: "licenses" }, "rule.basis: must be one of total, assigned, consumed, active"],
    [{ multiplier: "0" }, "rule.multiplier: must be greater than 0, got 0"],
    [{ multiplier: "-1" }, "rule.multiplier: must be greater than 0, got -1"],
    [{ multiplier: "1e3" }, "rule.multiplier:"],
    [{ offset: "abc" }, "rule.offset:"],
    [{ round: { mode: "ceil" } }, "rule.round.mode: must be one of none, up, down, nearest"],
    [{ round: { mode: "up", step: "0" } }, "rule.round.step: must be greater than 0, got 0"],
    [{ minimum: "-5" }, "rule.minimum: must not be negative, got -5"],
    [{ maximum: "x" }, "rule.maximum:"],
    [{ minimum: "10", maximum: "5" }, "rule.maximum: must not be below the minimum (10)"],
  ])("%j → %s", (input, message) => {
    const result = parseCountRule(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.startsWith(message)).toBe(true);
  });
});

describe("splitting one count over several products (CloudOlive: one vendor line of 20 units over three PSA services)", () => {
  it.each<[string, Array<[string, CountRuleInput["split"]]>, Record<string, string>]>([
    // fixed shares first, the rest to the remainder: 20 → 10 + 5 + 5
    ["20", [["A", { mode: "fixed", quantity: "10" }], ["B", { mode: "fixed", quantity: "5" }], ["C", { mode: "remainder" }]], { A: "10", B: "5", C: "5" }],
    // fewer than the fixed shares: the later fixed share is cut, the remainder is 0
    ["12", [["A", { mode: "fixed", quantity: "10" }], ["B", { mode: "fixed", quantity: "5" }], ["C", { mode: "remainder" }]], { A: "10", B: "2", C: "0" }],
    // proportional 2:1:1 over 21: 10.5, 5.25, 5.25 → floors 10, 5, 5, one unit left → the largest remainder (A)
    ["21", [["A", { mode: "weight", weight: "2" }], ["B", { mode: "weight", weight: "1" }], ["C", { mode: "weight", weight: "1" }]], { A: "11", B: "5", C: "5" }],
    // equal remainders: the leftover unit goes in product order
    ["10", [["A", { mode: "weight", weight: "1" }], ["B", { mode: "weight", weight: "1" }], ["C", { mode: "weight", weight: "1" }]], { A: "4", B: "3", C: "3" }],
  ])("%s split %j → %j", (raw, mappings, expected) => {
    const shares = splitCount(raw, mappings.map(([productKey, split]) => {
      const rule = parseCountRule({ split });
      if (!rule.ok) throw new Error(rule.error);
      return { productKey, split: rule.value.split };
    }));
    expect(Object.fromEntries(shares)).toEqual(expected);
  });

  it("bills each PSA service its share, so 10 + 5 + 5 billed for 20 licences matches line by line", () => {
    const agreement = { id: "a1", companyId: "c1", name: "MSA", type: "Managed", status: "Active", cancelled: false, billingCycle: "monthly" as const, startDate: null, endDate: null, flatRate: false, currency: "USD" };
    const line = (id: string, productKey: string, quantity: string) => ({ id, agreementId: "a1", productKey, productName: productKey, quantity, lessIncluded: "0", unitPriceMinor: 1000, unitCostMinor: 500, currency: "USD", billCustomer: "Billable" as const, effectiveDate: null, cancelledDate: null });
    const rule = (split: CountRuleInput["split"]) => {
      const r = parseCountRule({ split });
      if (!r.ok) throw new Error(r.error);
      return r.value;
    };
    const rows = reconcile({
      now: new Date("2026-03-15T12:00:00Z"),
      staleAfterHours: 168,
      companies: [{ id: "c1", name: "Acme" }],
      agreements: [agreement],
      lines: [line("L1", "SITE-A", "10"), line("L2", "SITE-B", "5"), line("L3", "SITE-C", "5")],
      accounts: [{ id: "acc", integrationId: "i", externalId: "x", name: "Acme" }],
      services: [{ id: "s", integrationId: "i", externalId: "s", name: "Licences", category: "seat" }],
      accountMappings: [{ accountId: "acc", companyId: "c1", agreementId: null }],
      serviceMappings: [
        { serviceId: "s", productKey: "SITE-A", rule: rule({ mode: "fixed", quantity: "10" }) },
        { serviceId: "s", productKey: "SITE-B", rule: rule({ mode: "fixed", quantity: "5" }) },
        { serviceId: "s", productKey: "SITE-C", rule: rule({ mode: "remainder" }) },
      ],
      counts: [{ accountId: "acc", serviceId: "s", period: "2026-03", quantity: "20", costMinor: null, costCurrency: null, observedAt: "2026-03-15T06:00:00Z", sourceKind: "push", sourceRef: "r" }],
    });
    expect(rows.map((r) => [r.productKey, r.vendorQuantity, r.status])).toEqual([
      ["SITE-A", "10", "match"],
      ["SITE-B", "5", "match"],
      ["SITE-C", "5", "match"],
    ]);
    expect(rows[2]?.sources[0]?.rule).toBe("20 total → remainder 5 → 5");
  });

  it.each<[CountRuleInput["split"], string]>([
    [{ mode: "share" }, "rule.split.mode: must be one of fixed, remainder, weight"],
    [{ mode: "fixed" }, "rule.split.quantity: required for a fixed share"],
    [{ mode: "fixed", quantity: "-1" }, "rule.split.quantity: must not be negative"],
    [{ mode: "weight", weight: "0" }, "rule.split.weight: must be greater than 0"],
  ])("%j → %s", (split, message) => {
    const result = parseCountRule({ split });
    expect(!result.ok && result.error.startsWith(message)).toBe(true);
  });
});
