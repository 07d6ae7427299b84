/**
 * Count rules (issue 12): the vendor number that is billed is often not the
 * raw count. A rule sits on one service → product mapping and turns the
 * mapped count into the billed count, exactly (decimal strings, big.js, never
 * floats), in this order:
 *
 *   basis → × multiplier → + offset → rounding to a step → minimum → maximum
 *
 * - basis: which measure of the service (total, assigned, consumed, active);
 * - multiplier: e.g. 0.5 (two users per seat), or a weight when several
 *   services feed one product (Business Premium + Business Standard);
 * - offset: e.g. −2 (two service accounts are never billed);
 * - rounding: none / up / down / nearest to a step (blocks of 10 GB, 5 users);
 *   "nearest" sends an exact half up (away from zero);
 * - minimum / maximum: contract floors and caps.
 * A result below 0 is 0 (a count is never negative). Defaults (total, ×1, +0,
 * no rounding, no bounds) are the identity: today's behaviour.
 *
 * Split (`split`, optional): when one service feeds several products, each
 * mapping may take a share of the basis count before its own steps — fixed
 * shares first (in product order), then the `remainder` mapping takes what is
 * left (never below 0; fixed shares are cut, last first, when the count is
 * smaller), or `weight` shares take whole units proportionally (largest
 * remainders get the leftover units; ties → product order). So 20 licences
 * over three PSA services billed 10 + 5 + 5 reconcile line by line with
 * fixed 10, fixed 5 and the remainder.
 * Pure: no I/O.
 */
import Big from "big.js";
import { formatDecimal, parseDecimal } from "../shared/decimal.ts";
import { err, ok, type Result } from "../shared/result.ts";
import type { DecimalString } from "./types.ts";

export const MEASURES = ["total", "assigned", "consumed", "active"] as const;
export type Measure = (typeof MEASURES)[number];
export const ROUND_MODES = ["none", "up", "down", "nearest"] as const;
export type RoundMode = (typeof ROUND_MODES)[number];

export type SplitShare = { mode: "fixed"; quantity: DecimalString } | { mode: "remainder" } | { mode: "weight"; weight: DecimalString };

export interface CountRule {
  /** This mapping's share of the basis count when the service feeds several products; absent = all of it. */
  split?: SplitShare;
  basis: Measure;
  multiplier: DecimalString;
  offset: DecimalString;
  round: { mode: RoundMode; step: DecimalString };
  minimum: DecimalString | null;
  maximum: DecimalString | null;
}

export const DEFAULT_RULE: CountRule = { basis: "total", multiplier: "1", offset: "0", round: { mode: "none", step: "1" }, minimum: null, maximum: null };

/** A rule as a client may send it: every part optional. */
export interface CountRuleInput {
  basis?: string;
  multiplier?: string | number;
  offset?: string | number;
  round?: { mode?: string; step?: string | number };
  minimum?: string | number | null;
  maximum?: string | number | null;
  split?: { mode?: string; quantity?: string | number; weight?: string | number };
}

/** Validates and completes a rule; the error names the field (`rule.round.step: …`). */
export function parseCountRule(input: CountRuleInput | undefined, path = "rule"): Result<CountRule, string> {
  if (input === undefined) return ok(DEFAULT_RULE);
  const basis = input.basis ?? "total";
  if (!(MEASURES as readonly string[]).includes(basis)) return err(`${path}.basis: must be one of ${MEASURES.join(", ")}`);
  const multiplier = decimalField(input.multiplier, "1", `${path}.multiplier`, (v) => v.gt(0), "must be greater than 0");
  if (!multiplier.ok) return multiplier;
  const offset = decimalField(input.offset, "0", `${path}.offset`, () => true, "");
  if (!offset.ok) return offset;
  const mode = input.round?.mode ?? "none";
  if (!(ROUND_MODES as readonly string[]).includes(mode)) return err(`${path}.round.mode: must be one of ${ROUND_MODES.join(", ")}`);
  const step = decimalField(input.round?.step, "1", `${path}.round.step`, (v) => v.gt(0), "must be greater than 0");
  if (!step.ok) return step;
  const minimum = optionalDecimal(input.minimum, `${path}.minimum`);
  if (!minimum.ok) return minimum;
  const maximum = optionalDecimal(input.maximum, `${path}.maximum`);
  if (!maximum.ok) return maximum;
  if (minimum.value !== null && maximum.value !== null && new Big(maximum.value).lt(minimum.value)) return err(`${path}.maximum: must not be below the minimum (${minimum.value})`);
  const split = parseSplit(input.split, `${path}.split`);
  if (!split.ok) return split;
  const rule: CountRule = { basis: basis as Measure, multiplier: multiplier.value, offset: offset.value, round: { mode: mode as RoundMode, step: step.value }, minimum: minimum.value, maximum: maximum.value };
  return ok(split.value ? { split: split.value, ...rule } : rule);
}

function parseSplit(input: CountRuleInput["split"], path: string): Result<SplitShare | null, string> {
  if (input === undefined) return ok(null);
  if (input.mode === "remainder") return ok({ mode: "remainder" });
  if (input.mode === "fixed") {
    const quantity = decimalField(input.quantity, "", `${path}.quantity`, (v) => v.gte(0), "must not be negative");
    return quantity.ok && quantity.value !== "" ? ok({ mode: "fixed", quantity: quantity.value }) : err(quantity.ok ? `${path}.quantity: required for a fixed share` : quantity.error);
  }
  if (input.mode === "weight") {
    const weight = decimalField(input.weight, "", `${path}.weight`, (v) => v.gt(0), "must be greater than 0");
    return weight.ok && weight.value !== "" ? ok({ mode: "weight", weight: weight.value }) : err(weight.ok ? `${path}.weight: required for a weighted share` : weight.error);
  }
  return err(`${path}.mode: must be one of fixed, remainder, weight`);
}

/**
 * Divides a basis count among the mappings of one service (see the header):
 * fixed shares first, then the remainder; or whole units by weight. Mappings
 * without a split all receive the whole count. Keys are product keys.
 */
export function splitCount(raw: DecimalString, shares: ReadonlyArray<{ productKey: string; split: SplitShare | undefined }>): Map<string, DecimalString> {
  const out = new Map<string, DecimalString>();
  const ordered = [...shares].sort((a, b) => (a.productKey < b.productKey ? -1 : a.productKey > b.productKey ? 1 : 0));
  for (const s of ordered) if (!s.split) out.set(s.productKey, raw);
  const weighted = ordered.filter((s) => s.split?.mode === "weight");
  if (weighted.length > 0) splitByWeight(new Big(raw), weighted, out);
  let left = new Big(raw);
  const fixed = ordered.filter((s) => s.split?.mode === "fixed");
  const given = fixed.map((s) => {
    const want = new Big((s.split as { quantity: string }).quantity);
    const take = left.gte(want) ? want : left;
    left = left.minus(take);
    return take;
  });
  fixed.forEach((s, i) => out.set(s.productKey, formatDecimal(given[i] as Big)));
  for (const s of ordered) if (s.split?.mode === "remainder") out.set(s.productKey, formatDecimal(left));
  return out;
}

/** Whole units by weight, largest remainders first (Hamilton), ties → product order. */
function splitByWeight(total: Big, weighted: ReadonlyArray<{ productKey: string; split: SplitShare | undefined }>, out: Map<string, DecimalString>): void {
  const weights = weighted.map((s) => new Big((s.split as { weight: string }).weight));
  const sum = weights.reduce((a, w) => a.plus(w), new Big(0));
  const exact = weights.map((w) => total.times(w).div(sum));
  const floors = exact.map((e) => e.round(0, Big.roundDown));
  let leftover = total.round(0, Big.roundDown).minus(floors.reduce((a, f) => a.plus(f), new Big(0))).toNumber();
  const order = exact.map((e, i) => ({ i, frac: e.minus(floors[i] as Big) })).sort((a, b) => b.frac.cmp(a.frac) || a.i - b.i);
  for (const { i } of order) {
    if (leftover <= 0) break;
    floors[i] = (floors[i] as Big).plus(1);
    leftover -= 1;
  }
  weighted.forEach((s, i) => out.set(s.productKey, formatDecimal(floors[i] as Big)));
}

function decimalField(value: string | number | undefined, fallback: string, path: string, valid: (v: Big) => boolean, rule: string): Result<DecimalString, string> {
  if (value === undefined) return ok(fallback);
  const parsed = parseDecimal(value);
  if (!parsed.ok) return err(`${path}: ${parsed.error}`);
  return valid(new Big(parsed.value)) ? parsed : err(`${path}: ${rule}, got ${parsed.value}`);
}

function optionalDecimal(value: string | number | null | undefined, path: string): Result<DecimalString | null, string> {
  if (value === undefined || value === null) return ok(null);
  return decimalField(value, "0", path, (v) => v.gte(0), "must not be negative");
}

export function isDefaultRule(rule: CountRule): boolean {
  if (rule === DEFAULT_RULE) return true;
  return (
    rule.split === undefined &&
    rule.basis === "total" &&
    rule.multiplier === "1" &&
    rule.offset === "0" &&
    rule.round.mode === "none" &&
    rule.minimum === null &&
    rule.maximum === null
  );
}

export interface RuleResult {
  billed: DecimalString;
  /** "23 assigned → min 25 → 25": the raw count, each step that applies, the billed count. */
  explanation: string;
}

/** Applies the rule to a raw count of its basis measure (`share`: this mapping's part of it, from splitCount). */
export function applyCountRule(raw: DecimalString, rule: CountRule, share?: DecimalString): RuleResult {
  const steps: string[] = [`${raw} ${rule.basis}`];
  let value = new Big(raw);
  if (rule.split && share !== undefined) {
    value = new Big(share);
    steps.push(rule.split.mode === "fixed" ? `fixed share ${share}` : rule.split.mode === "remainder" ? `remainder ${share}` : `weighted share ${share}`);
  }
  if (rule.multiplier !== "1") {
    value = value.times(rule.multiplier);
    steps.push(`× ${rule.multiplier} = ${formatDecimal(value)}`);
  }
  if (rule.offset !== "0") {
    value = value.plus(rule.offset);
    steps.push(`${rule.offset.startsWith("-") ? `− ${rule.offset.slice(1)}` : `+ ${rule.offset}`} = ${formatDecimal(value)}`);
  }
  if (rule.round.mode !== "none") {
    value = roundToStep(value, rule.round.mode, new Big(rule.round.step));
    steps.push(`${rule.round.mode === "nearest" ? "nearest" : rule.round.mode} to ${rule.round.step} = ${formatDecimal(value)}`);
  }
  if (rule.minimum !== null && value.lt(rule.minimum)) {
    value = new Big(rule.minimum);
    steps.push(`min ${rule.minimum}`);
  }
  if (rule.maximum !== null && value.gt(rule.maximum)) {
    value = new Big(rule.maximum);
    steps.push(`max ${rule.maximum}`);
  }
  if (value.lt(0)) {
    value = new Big(0);
    steps.push("not below 0");
  }
  const billed = formatDecimal(value);
  return { billed, explanation: steps.length === 1 ? `${raw} ${rule.basis}` : `${steps.join(" → ")} → ${billed}` };
}

/** Up = toward +∞, down = toward −∞, nearest = halves away from zero; always a whole number of steps. */
function roundToStep(value: Big, mode: RoundMode, step: Big): Big {
  const blocks = value.div(step);
  const positive = blocks.s > 0;
  const rm = mode === "nearest" ? Big.roundHalfUp : (mode === "up") === positive ? Big.roundUp : Big.roundDown;
  return blocks.round(0, rm).times(step);
}
