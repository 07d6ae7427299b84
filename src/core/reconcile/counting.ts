/**
 * Which PSA agreements and lines take part in reconciliation ("count").
 * Anything that doesn't count is ignored entirely: it is neither billed nor
 * a place to allocate usage to.
 */
import type { AgreementInput, LineInput } from "./types.ts";

/** Active, not cancelled, billing, and within its start/end dates today. */
export function isAgreementCounting(agreement: AgreementInput, today: string): boolean {
  if (agreement.status.trim().toLowerCase() !== "active") return false;
  if (agreement.cancelled || agreement.billingCycle === "none") return false;
  if (agreement.startDate !== null && dateOnly(agreement.startDate) > today) return false;
  if (agreement.endDate !== null && dateOnly(agreement.endDate) < today) return false;
  return true;
}

export function isLineBillable(line: LineInput): boolean {
  return line.billCustomer === "Billable";
}

/**
 * In effect on the date the next invoice covers: billable, effectiveDate on
 * or before it, and not cancelled by then (a cancelled date is the first day
 * the addition no longer bills). ConnectWise bills an addition from its
 * effective date until its cancelled date (Agreement › Additions; addition
 * `effectiveDate`/`cancelledDate`, API model `Addition`), so a line starting
 * in six weeks is not billed by the next invoice and must not count now.
 */
export function isLineInEffect(line: LineInput, billingDate: string): boolean {
  if (!isLineBillable(line)) return false;
  if (line.effectiveDate !== null && dateOnly(line.effectiveDate) > billingDate) return false;
  return line.cancelledDate === null || dateOnly(line.cancelledDate) > billingDate;
}

/** Tolerates a PSA timestamp ("2026-01-01T00:00:00Z") where a date is expected. */
export function dateOnly(value: string): string {
  return value.slice(0, 10);
}
