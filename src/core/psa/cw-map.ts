/**
 * ConnectWise Agreement / Addition → PSA-neutral records (records.ts). Pure.
 *
 * Rules: an agreement is synced with its lines when it is not cancelled, its
 * agreementStatus is Active (or absent) and its billing cycle is not None —
 * only recurring agreements are reconciled (Gradient ignores "Billing Cycle =
 * None", psa-and-vendor-apis.md §7.1). Flat-rate = the agreement type name
 * says "flat" or "all-inclusive". Only Billable additions become lines;
 * quantities and prices that don't parse are rejected, never read as 0.
 */
import { ok, type Result } from "../shared/result.ts";
import type { CwAddition, CwAgreement } from "./cw-records.ts";
import { mapBillingCycleName, toDecimal, toIsoDay, toPrice } from "./psa-numbers.ts";
import type { AgreementRecord, LineRecord, MappedLines } from "./records.ts";

export function mapCwAgreement(a: CwAgreement): AgreementRecord {
  const cancelled = a.cancelledFlag === true;
  const status = a.agreementStatus ?? (cancelled ? "Cancelled" : "Active");
  const billingCycle = mapBillingCycleName(a.billingCycle?.name);
  return {
    psaId: String(a.id),
    company: { psaId: String(a.company.id), name: a.company.name, identifier: a.company.identifier ?? null },
    name: a.name,
    type: a.type.name,
    status,
    billingCycle,
    startDate: toIsoDay(a.startDate),
    endDate: a.noEndingDateFlag ? null : toIsoDay(a.endDate),
    cancelled,
    flatRate: /flat|all[\s-]?inclusive/i.test(a.type.name),
    currency: a.currency?.currencyCode ?? "USD",
    allowsEffectiveDate: a.prorateFlag === true,
    psaLastUpdated: a._info?.lastUpdated ?? null,
    recurringActive: !cancelled && status.toLowerCase() === "active" && billingCycle !== "none",
  };
}

/** A Billable addition as a line; null for DoNotBill/NoCharge; an error for bad numbers. */
export function mapCwAddition(a: CwAddition): Result<LineRecord | null, string> {
  if (a.billCustomer !== "Billable") return ok(null);
  const quantity = toDecimal(a.quantity, "quantity");
  if (!quantity.ok) return quantity;
  const lessIncluded = a.lessIncluded === null || a.lessIncluded === undefined ? ok("0") : toDecimal(a.lessIncluded, "lessIncluded");
  if (!lessIncluded.ok) return lessIncluded;
  const price = toPrice(a.unitPrice, "unitPrice");
  if (!price.ok) return price;
  const cost = toPrice(a.unitCost, "unitCost");
  if (!cost.ok) return cost;
  return ok({
    psaId: String(a.id),
    productKey: a.product.identifier,
    productName: a.product.description || a.description || a.product.identifier,
    quantity: quantity.value,
    lessIncluded: lessIncluded.value,
    unitPriceMinor: price.value.minor,
    unitCostMinor: cost.value.minor,
    unitPrice: price.value.exact,
    unitCost: cost.value.exact,
    billCustomer: "Billable",
    effectiveDate: toIsoDay(a.effectiveDate),
    cancelledDate: toIsoDay(a.cancelledDate),
  });
}

/** Billable additions become lines; the rest are listed with the reason. */
export function mapCwAdditions(additions: readonly CwAddition[]): MappedLines {
  const out: MappedLines = { lines: [], rejected: [], skipped: 0 };
  for (const addition of additions) {
    const line = mapCwAddition(addition);
    if (!line.ok) out.rejected.push({ psaId: String(addition.id), reason: line.error });
    else if (line.value) out.lines.push(line.value);
    else out.skipped += 1;
  }
  return out;
}
