/**
 * In-memory Autotask data for the simulator (psa-and-vendor-apis.md §3):
 * Companies, Contracts, Services, ContractServices, adjustments, webhooks.
 * ContractServiceUnits are computed like Autotask's: one row per monthly
 * period, split where an adjustment takes effect mid-period, units = the
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
  services = new Map<number, { id: number; name: string }>();
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

  /** ContractServiceUnits rows from last month to a year ahead. */
  unitRows(): Array<Record<string, unknown>> {
    const now = this.now();
    const rows: Array<Record<string, unknown>> = [];
    for (const cs of this.contractServices.values()) {
      const adjustments = this.adjustments.filter((a) => a.contractServiceID === cs.id);
      for (let m = -1; m <= 12; m++) {
        const [y, mo] = addMonths(now.getUTCFullYear(), now.getUTCMonth(), m);
        const last = new Date(Date.UTC(y, mo + 1, 0)).getUTCDate();
        const starts = [iso(y, mo, 1), ...adjustments.map((a) => day(a.effectiveDate)).filter((d) => d > iso(y, mo, 1) && d <= iso(y, mo, last))];
        const unique = [...new Set(starts)].sort();
        unique.forEach((start, i) => {
          const next = unique[i + 1];
          const end = next ? new Date(Date.parse(`${next}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10) : iso(y, mo, last);
          const units = (this.baseUnits.get(cs.id) ?? 0) + adjustments.filter((a) => day(a.effectiveDate) <= start).reduce((s, a) => s + a.unitChange, 0);
          rows.push({
            id: cs.id * 1000 + (m + 1) * 10 + i,
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
      }
    }
    return rows;
  }
}
