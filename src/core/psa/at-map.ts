/**
 * Autotask Contracts / ContractServices / ContractServiceUnits → PSA-neutral
 * records (psa-and-vendor-apis.md §3.3). Pure; `today` is passed in.
 *
 * - A contract counts when it is a Recurring Service contract (type 7) with
 *   status Active; its billing cycle comes from the contractPeriodType
 *   picklist label (Monthly, Quarterly, Semi-Annual, Yearly).
 * - A ContractService carries the price but no quantity; the quantity is the
 *   `units` of the ContractServiceUnits row whose period holds `today` (a
 *   service with no such row has 0 units this period).
 * - Autotask contract services are always billable; the price is the
 *   adjustedPrice when set, else unitPrice.
 */
import { ok, type Result } from "../shared/result.ts";
import {
  AT_CONTRACT_STATUS_ACTIVE,
  AT_CONTRACT_TYPE_RECURRING,
  type AtCompany,
  type AtContract,
  type AtContractService,
  type AtContractServiceUnit,
  type AtFields,
  type AtService,
  picklistLabel,
} from "./at-records.ts";
import { mapBillingCycleName, toDecimal, toIsoDay, toPrice } from "./psa-numbers.ts";
import type { AgreementRecord, CompanyRecord, LineRecord, MappedLines } from "./records.ts";

export function mapAtCompany(company: AtCompany | undefined, companyId: number): CompanyRecord {
  return { psaId: String(companyId), name: company?.companyName ?? `Autotask company ${companyId}`, identifier: company?.companyNumber ?? null };
}

export function mapAtContract(contract: AtContract, company: CompanyRecord, fields: AtFields, currency: string): AgreementRecord {
  const active = contract.status === AT_CONTRACT_STATUS_ACTIVE;
  const recurring = contract.contractType === AT_CONTRACT_TYPE_RECURRING;
  const billingCycle = mapBillingCycleName(picklistLabel(fields, "contractPeriodType", contract.contractPeriodType));
  return {
    psaId: String(contract.id),
    company,
    name: contract.contractName,
    type: recurring ? "Recurring Service" : `Contract type ${contract.contractType}`,
    status: active ? "Active" : "Inactive",
    billingCycle,
    startDate: toIsoDay(contract.startDate),
    endDate: toIsoDay(contract.endDate),
    cancelled: false,
    flatRate: false,
    currency,
    allowsEffectiveDate: true,
    psaLastUpdated: null,
    recurringActive: active && recurring && billingCycle !== "none",
  };
}

/** The unit row whose [startDate, endDate] holds `day` (latest start wins). */
export function unitsOn(units: readonly AtContractServiceUnit[], contractServiceId: number, serviceId: number, day: string): AtContractServiceUnit | null {
  let best: AtContractServiceUnit | null = null;
  for (const u of units) {
    const sameService = u.contractServiceID ? u.contractServiceID === contractServiceId : u.serviceID === serviceId;
    const start = toIsoDay(u.startDate) ?? "";
    const end = toIsoDay(u.endDate) ?? "";
    if (!sameService || start > day || end < day) continue;
    if (!best || start > (toIsoDay(best.startDate) ?? "")) best = u;
  }
  return best;
}

export function mapAtContractService(
  cs: AtContractService,
  service: AtService | undefined,
  unit: AtContractServiceUnit | null,
): Result<LineRecord, string> {
  const quantity = unit ? toDecimal(unit.units, "units") : ok("0");
  if (!quantity.ok) return quantity;
  const price = toPrice(cs.adjustedPrice ?? cs.unitPrice, "unitPrice");
  if (!price.ok) return price;
  const cost = toPrice(cs.unitCost, "unitCost");
  if (!cost.ok) return cost;
  return ok({
    psaId: String(cs.id),
    productKey: String(cs.serviceID),
    productName: service?.name ?? cs.invoiceDescription ?? `Autotask service ${cs.serviceID}`,
    quantity: quantity.value,
    lessIncluded: "0",
    unitPriceMinor: price.value.minor,
    unitCostMinor: cost.value.minor,
    unitPrice: price.value.exact,
    unitCost: cost.value.exact,
    billCustomer: "Billable",
    effectiveDate: unit ? toIsoDay(unit.startDate) : null,
    cancelledDate: null,
  });
}

export function mapAtContractServices(
  services: readonly AtContractService[],
  catalog: ReadonlyMap<number, AtService>,
  units: readonly AtContractServiceUnit[],
  today: string,
): MappedLines {
  const out: MappedLines = { lines: [], rejected: [], skipped: 0 };
  for (const cs of services) {
    const line = mapAtContractService(cs, catalog.get(cs.serviceID), unitsOn(units, cs.id, cs.serviceID, today));
    if (line.ok) out.lines.push(line.value);
    else out.rejected.push({ psaId: String(cs.id), reason: line.error });
  }
  return out;
}
