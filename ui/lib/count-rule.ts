/**
 * Count rules in the editors (issue 12): a rule as form fields, the body the
 * mapping API takes, and a rule in one line. Steps apply in the engine's order
 * (src/core/reconcile/count-rules.ts): basis → × multiplier → + offset →
 * rounding to a step → minimum → maximum. Values stay the strings typed: the
 * API checks them exactly and answers a 400 naming the field.
 */
import type { CountRuleView, MapServiceRequest } from "../../src/shared/api-types.ts";

export type RuleBody = NonNullable<MapServiceRequest["rule"]>;
type Share = "" | "fixed" | "remainder" | "weight";

export interface RuleDraft {
  basis: CountRuleView["basis"];
  multiplier: string;
  offset: string;
  mode: CountRuleView["round"]["mode"];
  step: string;
  minimum: string;
  maximum: string;
  share: Share;
  /** The fixed quantity or the weight of a share. */
  shareValue: string;
}

export const BASIS_LABELS: Record<CountRuleView["basis"], string> = { total: "Total (purchased)", assigned: "Assigned", consumed: "Consumed", active: "Active" };
export const ROUND_LABELS: Record<CountRuleView["round"]["mode"], string> = { none: "No rounding", up: "Up", down: "Down", nearest: "Nearest (half up)" };
export const SHARE_LABELS: Record<Share, string> = { "": "All of it", fixed: "A fixed quantity", remainder: "What the others leave", weight: "A share by weight" };

export function draftOf(rule: CountRuleView): RuleDraft {
  const split = rule.split;
  return {
    basis: rule.basis, multiplier: rule.multiplier, offset: rule.offset, mode: rule.round.mode, step: rule.round.step,
    minimum: rule.minimum ?? "", maximum: rule.maximum ?? "",
    share: split?.mode ?? "", shareValue: split?.mode === "fixed" ? split.quantity : split?.mode === "weight" ? split.weight : "",
  };
}

/** The API body: an empty field is "not set" (the default), never 0. */
export function ruleOf(d: RuleDraft): RuleBody {
  const text = (v: string) => v.trim();
  const split: RuleBody["split"] = d.share === "fixed" ? { mode: "fixed", quantity: text(d.shareValue) } : d.share === "weight" ? { mode: "weight", weight: text(d.shareValue) } : d.share === "remainder" ? { mode: "remainder" } : undefined;
  return {
    basis: d.basis,
    ...(text(d.multiplier) ? { multiplier: text(d.multiplier) } : {}),
    ...(text(d.offset) ? { offset: text(d.offset) } : {}),
    round: d.mode === "none" ? { mode: "none" } : { mode: d.mode, step: text(d.step) || "1" },
    minimum: text(d.minimum) || null,
    maximum: text(d.maximum) || null,
    ...(split ? { split } : {}),
  };
}

/** "assigned · × 0.5 · up to 10 · min 25", or "as reported" for the default rule. */
export function describeRule(rule: CountRuleView): string {
  const s = rule.split;
  const parts = [
    rule.basis !== "total" ? rule.basis : "",
    s ? (s.mode === "fixed" ? `fixed ${s.quantity}` : s.mode === "weight" ? `weight ${s.weight}` : "remainder") : "",
    rule.multiplier !== "1" ? `× ${rule.multiplier}` : "",
    rule.offset !== "0" ? (rule.offset.startsWith("-") ? `− ${rule.offset.slice(1)}` : `+ ${rule.offset}`) : "",
    rule.round.mode !== "none" ? `${rule.round.mode} to ${rule.round.step}` : "",
    rule.minimum !== null ? `min ${rule.minimum}` : "",
    rule.maximum !== null ? `max ${rule.maximum}` : "",
  ].filter(Boolean);
  return parts.length === 0 ? "as reported" : parts.join(" · ");
}
