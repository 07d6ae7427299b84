/**
 * In-memory Autotask data for the simulator (psa-and-vendor-apis.md §3):
 * Companies, Contracts, Services, ContractServices, adjustments, webhooks.
 * ContractServiceUnits are computed like Autotask's: one row per period of
 * the contract (its period type, anchored at its start day), split where an
 * adjustment takes effect mid-period, units = the
 * service's base units + every adjustment effective on or before the row's
 * start. A ContractServiceAdjustment therefore shows up in the period that
 * holds its effective date.
 */

export interface AtCompanyRec {
  id: number;
  companyName: string;
  companyNumber: string | null;
  companyType: number;
}

export interface AtContractRec {
  id: number;
  companyID: number;
  contractName: string;
  contractType: number;
  status: number;
  startDate: string;
  endDate: string;
  contractPeriodType: number;
}

export interface AtContractServiceRec {
  id: number;
  contractID: number;
  serviceID: number;
  unitPrice: number;
  unitCost: number;
  adjustedPrice: number | null;
  invoiceDescription: string | null;
}

export interface AtAdjustment {
  id: number;
  contractID: number;
  contractServiceID: number;
  serviceID: number;
  unitChange: number;
  effectiveDate: string;
}

export interface AtWebhook {
  id: number;
  name: string;
  webhookUrl: string;
  deactivationUrl: string;
  secretKey: string;
  isActive: boolean;
  guid: string;
  fields: number[];
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

function addMonths(year: number, month0: number, n: number): [number, number] {
  const total = year * 12 + month0 + n;
  return [Math.floor(total / 12), total % 12];
}

function iso(year: number, month0: number, d: number): string {
  return `${String(year).padStart(4, "0")}-${String(month0 + 1).padStart(2, "0")}-${String(d).padStart(2, "0")}`;
}

export class AtSimState {
  companies = new Map<number, AtCompanyRec>();
  contracts = new Map<number, AtContractRec>();
  /** Services (catalog): unitPrice/unitCost are what a contract service auto-created by an adjustment takes. */
  services = new Map<number, { id: number; name: string; unitPrice?: number; unitCost?: number; isActive?: boolean }>();
  contractServices = new Map<number, AtContractServiceRec>();
  baseUnits = new Map<number, number>();
  adjustments: AtAdjustment[] = [];
  webhooks = new Map<number, AtWebhook>();
  sequence = 0;
  private nextId = 700_000;
  readonly now: () => Date;

  constructor(now: () => Date) {
    this.now = now;
  }

  id(): number {
    return this.nextId++;
  }

  reset(): void {
    for (const m of [this.companies, this.contracts, this.services, this.contractServices, this.baseUnits, this.webhooks]) m.clear();
    this.adjustments = [];
  }

  addContractService(cs: Omit<AtContractServiceRec, "adjustedPrice" | "invoiceDescription"> & { units: number }): AtContractServiceRec {
    const rec: AtContractServiceRec = { id: cs.id, contractID: cs.contractID, serviceID: cs.serviceID, unitPrice: cs.unitPrice, unitCost: cs.unitCost, adjustedPrice: null, invoiceDescription: null };
    this.contractServices.set(rec.id, rec);
    this.baseUnits.set(rec.id, cs.units);
    return rec;
  }

  /** Sets what the service holds from now on (as an admin editing it in Autotask would). */
  setUnits(contractServiceId: number, units: number): void {
    this.baseUnits.set(contractServiceId, units);
    this.adjustments = this.adjustments.filter((a) => a.contractServiceID !== contractServiceId);
  }

  /** The fewest units the service holds on any day from `fromDay` on (checked at every change). */
  lowestUnitsFrom(contractServiceId: number, fromDay: string): { units: number; day: string } {
    const adjustments = this.adjustments.filter((a) => a.contractServiceID === contractServiceId);
    const days = [...new Set([fromDay, ...adjustments.map((a) => day(a.effectiveDate)).filter((d) => d >= fromDay)])].sort();
    const base = this.baseUnits.get(contractServiceId) ?? 0;
    const unitsOn = (d: string) => base + adjustments.filter((a) => day(a.effectiveDate) <= d).reduce((sum, a) => sum + a.unitChange, 0);
    return days.map((d) => ({ units: unitsOn(d), day: d })).reduce((low, x) => (x.units < low.units ? x : low));
  }

  /**
   * ContractServiceUnits rows for the periods overlapping last month to a
   * year ahead. Periods follow the contract's own period type (monthly,
   * quarterly, semi-annual, yearly) anchored at its start date's day (a
   * 31st falls on a shorter month's last day); a service without a known
   * contract uses calendar months. A period is split where an adjustment
   * takes effect inside it.
   */
  unitRows(): Array<Record<string, unknown>> {
    const now = this.now();
    const from = iso(...addMonths(now.getUTCFullYear(), now.getUTCMonth(), -1), 1);
    const to = iso(...addMonths(now.getUTCFullYear(), now.getUTCMonth(), 13), 1);
    const rows: Array<Record<string, unknown>> = [];
    for (const cs of this.contractServices.values()) {
      const adjustments = this.adjustments.filter((a) => a.contractServiceID === cs.id);
      periodsOf(this.contracts.get(cs.contractID), from, to).forEach(([periodStart, periodEnd], p) => {
        const starts = [periodStart, ...adjustments.map((a) => day(a.effectiveDate)).filter((d) => d > periodStart && d <= periodEnd)];
        const unique = [...new Set(starts)].sort();
        unique.forEach((start, i) => {
          const next = unique[i + 1];
          const end = next ? dayBefore(next) : periodEnd;
          const units = (this.baseUnits.get(cs.id) ?? 0) + adjustments.filter((a) => day(a.effectiveDate) <= start).reduce((sum, a) => sum + a.unitChange, 0);
          rows.push({
            id: cs.id * 1000 + p * 10 + i,
            contractID: cs.contractID,
            contractServiceID: cs.id,
            serviceID: cs.serviceID,
            startDate: `${start}T00:00:00Z`,
            endDate: `${end}T00:00:00Z`,
            units,
            price: cs.adjustedPrice ?? cs.unitPrice,
            cost: cs.unitCost,
          });
        });
      });
    }
    return rows;
  }
}

/** Months per period of the contractPeriodType picklist (1 Monthly, 2 Quarterly, 3 Semi-Annual, 4 Yearly). */
const PERIOD_MONTHS: Record<number, number> = { 1: 1, 2: 3, 3: 6, 4: 12 };

function dayBefore(isoDay: string): string {
  return new Date(Date.parse(`${isoDay}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

/** The day `months` after the anchor, on the anchor's day of month or the month's last day. */
function anchoredDay(year: number, month0: number, anchorDay: number, months: number): string {
  const [y, m] = addMonths(year, month0, months);
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  return iso(y, m, Math.min(anchorDay, last));
}

/** [start, end] days of the contract's periods that overlap [from, to). */
export function periodsOf(contract: { startDate: string; contractPeriodType: number } | undefined, from: string, to: string): Array<[string, string]> {
  const anchor = contract ? day(contract.startDate) : `${from.slice(0, 7)}-01`;
  const months = contract ? (PERIOD_MONTHS[contract.contractPeriodType] ?? 1) : 1;
  const [ay, am, ad] = anchor.split("-").map(Number) as [number, number, number];
  const out: Array<[string, string]> = [];
  // Start a period before the window instead of walking from the anchor.
  const [fy, fm] = from.split("-").map(Number) as [number, number];
  const monthsToFrom = (fy - ay) * 12 + (fm - am);
  for (let k = Math.max(0, Math.floor(monthsToFrom / months) - 1); ; k++) {
    const start = anchoredDay(ay, am - 1, ad, k * months);
    if (start >= to) break;
    const end = dayBefore(anchoredDay(ay, am - 1, ad, (k + 1) * months));
    if (end >= from) out.push([start, end]);
  }
  return out;
}
