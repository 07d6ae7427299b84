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

/**
 * A billable line not cancelled as of today. A future effectiveDate still
 * counts: the line is already agreed and will bill, so it is not missing.
 */
export function isLineCounting(line: LineInput, today: string): boolean {
  if (line.billCustomer !== "Billable") return false;
  return line.cancelledDate === null || dateOnly(line.cancelledDate) > today;
}

/** Tolerates a PSA timestamp ("2026-01-01T00:00:00Z") where a date is expected. */
function dateOnly(value: string): string {
  return value.slice(0, 10);
}
