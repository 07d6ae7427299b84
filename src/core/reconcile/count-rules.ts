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

export interface CountRule {
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
  return ok({ basis: basis as Measure, multiplier: multiplier.value, offset: offset.value, round: { mode: mode as RoundMode, step: step.value }, minimum: minimum.value, maximum: maximum.value });
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
  return JSON.stringify(rule) === JSON.stringify(DEFAULT_RULE);
}

export interface RuleResult {
  billed: DecimalString;
  /** "23 assigned → min 25 → 25": the raw count, each step that applies, the billed count. */
  explanation: string;
}

/** Applies the rule to a raw count of its basis measure. */
export function applyCountRule(raw: DecimalString, rule: CountRule): RuleResult {
  const steps: string[] = [`${raw} ${rule.basis}`];
  let value = new Big(raw);
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
