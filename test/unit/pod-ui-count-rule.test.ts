/**
 * The rule editors' form ↔ API mapping (ui/lib/count-rule.ts): an empty field
 * is "not set" — never sent as 0 — and a rule reads back in one line. The rule
 * round-trips through the API's own parser (core/reconcile/count-rules.ts)
 * unchanged, so what the editor shows is what the engine applies.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_RULE, parseCountRule } from "../../src/core/reconcile/count-rules.ts";
import type { CountRuleView } from "../../src/shared/api-types.ts";
import { describeRule, draftOf, ruleOf } from "../../ui/lib/count-rule.ts";

describe("count rule form", () => {
  it("the default rule as a form sends nothing but the defaults, and empty bounds stay unset (null), not 0", () => {
    const body = ruleOf(draftOf(DEFAULT_RULE));
    expect(body).toEqual({ basis: "total", multiplier: "1", offset: "0", round: { mode: "none" }, minimum: null, maximum: null });
    const parsed = parseCountRule(body);
    expect(parsed.ok && parsed.value).toEqual(DEFAULT_RULE);
    const cleared = ruleOf({ ...draftOf(DEFAULT_RULE), multiplier: " ", offset: "", minimum: "  " });
    expect(cleared).toEqual({ basis: "total", round: { mode: "none" }, minimum: null, maximum: null });
  });

  it.each<[string, CountRuleView]>([
    ["assigned · × 0.5 · − 2 · up to 10 · min 25 · max 100", { basis: "assigned", multiplier: "0.5", offset: "-2", round: { mode: "up", step: "10" }, minimum: "25", maximum: "100" }],
    ["fixed 10", { ...DEFAULT_RULE, split: { mode: "fixed", quantity: "10" } }],
    ["remainder · nearest to 5", { ...DEFAULT_RULE, round: { mode: "nearest", step: "5" }, split: { mode: "remainder" } }],
    ["weight 2 · + 1", { ...DEFAULT_RULE, offset: "1", split: { mode: "weight", weight: "2" } }],
    ["as reported", DEFAULT_RULE],
  ])("%s: reads back in one line and round-trips through the API's parser unchanged", (text, rule) => {
    expect(describeRule(rule)).toBe(text);
    const parsed = parseCountRule(ruleOf(draftOf(rule)));
    expect(parsed.ok && parsed.value).toEqual(rule);
  });

  it("a rounding step left empty is 1, a typed value is sent as typed (the API checks it and names the field)", () => {
    expect(ruleOf({ ...draftOf(DEFAULT_RULE), mode: "up", step: "" }).round).toEqual({ mode: "up", step: "1" });
    expect(ruleOf({ ...draftOf(DEFAULT_RULE), minimum: "1,5" }).minimum).toBe("1,5");
    const bad = parseCountRule(ruleOf({ ...draftOf(DEFAULT_RULE), minimum: "1,5" }), "body.rule");
    expect(bad.ok ? "" : bad.error).toMatch(/^body\.rule\.minimum/);
  });
});
