/**
 * PSA JSON numbers → exact values. ConnectWise and Autotask send quantities
 * and prices as JSON numbers; they become canonical decimal strings and
 * integer minor units here, or an error (never a silent 0). Pure.
 */
import Big from "big.js";
import { formatDecimal, parseDecimal, roundHalfAwayFromZero } from "../shared/decimal.ts";
import { err, ok, type Result } from "../shared/result.ts";
import type { BillingCycle, DecimalString } from "../reconcile/types.ts";

/** A JSON number (or numeric string) as a canonical decimal string. */
export function toDecimal(value: unknown, field: string): Result<DecimalString, string> {
  if (typeof value !== "number" && typeof value !== "string") return err(`${field}: expected a number`);
  const parsed = parseDecimal(value);
  return parsed.ok ? parsed : err(`${field}: ${parsed.error}`);
}

/** A price in major units (26.5) → minor units (2650), rounded half away from zero. */
export function toMinorUnits(value: unknown, field: string, fallback: number | null = null): Result<number, string> {
  if ((value === undefined || value === null) && fallback !== null) return ok(fallback);
  const decimal = toDecimal(value, field);
  if (!decimal.ok) return decimal;
  return ok(roundHalfAwayFromZero(new Big(decimal.value).times(100)));
}

/**
 * A PSA price, kept exact ("1.995") and rounded to minor units for display
 * (200). Absent → 0 (ConnectWise omits a zero price).
 */
export function toPrice(value: unknown, field: string): Result<{ exact: DecimalString; minor: number }, string> {
  const decimal = value === undefined || value === null ? ok("0") : toDecimal(value, field);
  if (!decimal.ok) return decimal;
  return ok({ exact: decimal.value, minor: roundHalfAwayFromZero(new Big(decimal.value).times(100)) });
}

/** Minor units → the major-unit JSON number a PSA expects (2650 → 26.5). */
export function fromMinorUnits(minor: number): number {
  return Number(formatDecimal(new Big(minor).div(100)));
}

/** `2026-01-01T00:00:00Z` / `2026-01-01` → `2026-01-01`; null stays null. */
export function toIsoDay(value: string | null | undefined): string | null {
  if (!value) return null;
  const match = /^(\d{4}-\d{2}-\d{2})/.exec(value);
  return match?.[1] ?? null;
}

/** A PSA billing-cycle / period-type label ("Monthly", "Semi-Annual", "Yearly") → the engine's cycle. */
export function mapBillingCycleName(name: string | null | undefined): BillingCycle {
  const key = (name ?? "").toLowerCase().replace(/[^a-z]/g, "");
  if (key === "monthly" || key === "month") return "monthly";
  if (key === "quarterly" || key === "quarter") return "quarterly";
  if (key === "semiannual" || key === "semiannually" || key === "biannual" || key === "biannually") return "semiannual";
  if (key === "annual" || key === "annually" || key === "yearly" || key === "year") return "annual";
  return "none";
}
