/**
 * In-memory ConnectWise data for the simulator, kept in the published record
 * shapes (API 2025.8, psa-and-vendor-apis.md §2.4–§2.5; checked against the
 * OpenAPI types connectwise-rest ships — no null where the spec has none): companies,
 * agreements, additions, callback registrations and their signing keys, and
 * a record of the callbacks delivered. Mutations made "in the PSA" notify the
 * registered Agreement callbacks (callbacks.ts).
 */

export interface CwRef {
  id: number;
  identifier?: string;
  name?: string;
}

export interface SimAgreement {
  id: number;
  name: string;
  type: { id: number; name: string };
  company: { id: number; identifier: string; name: string };
  agreementStatus: string;
  cancelledFlag: boolean;
  billingCycle: { id: number; name: string };
  startDate: string;
  /** Omitted when the agreement has no end (the spec has no null here). */
  endDate?: string;
  noEndingDateFlag: boolean;
  prorateFlag: boolean;
  currency: { id: number; currencyCode: string };
  _info: { lastUpdated: string };
}

export interface SimAddition {
  id: number;
  agreementId: number;
  /** An IvItemReference: id and identifier (no description in the spec). */
  product: { id: number; identifier: string };
  quantity: number;
  lessIncluded: number;
  unitPrice: number;
  unitCost: number;
  billCustomer: "Billable" | "DoNotBill" | "NoCharge";
  effectiveDate: string;
  /** Omitted until the addition is cancelled (the spec has no null here). */
  cancelledDate?: string;
  description: string;
  _info: { lastUpdated: string };
}

/** A product catalog item (CatalogItem, 2025.8; the fields the simulator keeps). */
export interface SimCatalogItem {
  id: number;
  identifier: string;
  description: string;
  customerDescription: string;
  inactiveFlag: boolean;
  productClass: "Agreement" | "Bundle" | "Inventory" | "NonInventory" | "Service";
  price: number;
  cost: number;
  _info: { lastUpdated: string };
}

export interface SimCallback {
  id: number;
  url: string;
  objectId: number;
  type: string;
  level: string;
  description: string;
  inactiveFlag: boolean;
  isSelfSuppressedFlag: boolean;
  /** The creating member's record id (an integer, as in ConnectWise's CallbackEntry). */
  memberId: number;
  /** Not part of the entry: the creating member's identifier (self-suppression), the key served at key_url, and its id in the URL. */
  memberIdentifier: string;
  signingKey: string;
  keyId: string;
}

export interface Delivery {
  messageId: string;
  url: string;
  body: string;
  headers: Record<string, string>;
  status: number;
}

const CYCLES: Record<string, number> = { Monthly: 1, Quarterly: 2, "Semi-Annual": 3, Annual: 4, None: 5 };

export class CwSimState {
  companies = new Map<number, { id: number; identifier: string; name: string }>();
  agreements = new Map<number, SimAgreement>();
  additions = new Map<number, SimAddition>();
  callbacks = new Map<number, SimCallback>();
  catalog = new Map<number, SimCatalogItem>();
  deliveries: Delivery[] = [];
  private nextId = 900_000;
  readonly now: () => Date;

  constructor(now: () => Date) {
    this.now = now;
  }

  id(): number {
    return this.nextId++;
  }

  stamp(): string {
    return this.now().toISOString().replace(/\.\d{3}Z$/, "Z");
  }

  reset(): void {
    this.companies.clear();
    this.agreements.clear();
    this.additions.clear();
    this.callbacks.clear();
    this.catalog.clear();
    this.deliveries = [];
  }

  addCompany(c: { id?: number; identifier: string; name: string }) {
    const company = { id: c.id ?? this.id(), identifier: c.identifier, name: c.name };
    this.companies.set(company.id, company);
    return company;
  }

  addAgreement(a: { id?: number; companyId: number; name: string; typeName?: string; billingCycle?: string; status?: string; cancelled?: boolean; prorate?: boolean; startDate?: string; currency?: string }): SimAgreement {
    const company = this.companies.get(a.companyId);
    if (!company) throw new Error(`no company ${a.companyId}`);
    const cycle = a.billingCycle ?? "Monthly";
    const agreement: SimAgreement = {
      id: a.id ?? this.id(),
      name: a.name,
      type: { id: 1, name: a.typeName ?? "Managed Services" },
      company: { ...company },
      agreementStatus: a.status ?? (a.cancelled ? "Cancelled" : "Active"),
      cancelledFlag: a.cancelled ?? false,
      billingCycle: { id: CYCLES[cycle] ?? 1, name: cycle },
      startDate: `${a.startDate ?? "2025-01-01"}T00:00:00Z`,
      noEndingDateFlag: true,
      prorateFlag: a.prorate ?? false,
      currency: { id: 1, currencyCode: a.currency ?? "USD" },
      _info: { lastUpdated: this.stamp() },
    };
    this.agreements.set(agreement.id, agreement);
    return agreement;
  }

  addAddition(a: { id?: number; agreementId: number; identifier: string; description: string; quantity: number; unitPrice: number; unitCost: number; billCustomer?: SimAddition["billCustomer"]; effectiveDate?: string }): SimAddition {
    if (!this.agreements.has(a.agreementId)) throw new Error(`no agreement ${a.agreementId}`);
    const addition: SimAddition = {
      id: a.id ?? this.id(),
      agreementId: a.agreementId,
      product: { id: this.findCatalogItem({ identifier: a.identifier })?.id ?? 1, identifier: a.identifier },
      quantity: a.quantity,
      lessIncluded: 0,
      unitPrice: a.unitPrice,
      unitCost: a.unitCost,
      billCustomer: a.billCustomer ?? "Billable",
      effectiveDate: `${a.effectiveDate ?? "2025-01-01"}T00:00:00Z`,
      description: a.description,
      _info: { lastUpdated: this.stamp() },
    };
    this.additions.set(addition.id, addition);
    return addition;
  }

  addCatalogItem(c: { id?: number; identifier: string; description: string; price: number; cost: number; inactive?: boolean }): SimCatalogItem {
    const item: SimCatalogItem = {
      id: c.id ?? this.id(),
      identifier: c.identifier,
      description: c.description,
      customerDescription: c.description,
      inactiveFlag: c.inactive ?? false,
      productClass: "Service",
      price: c.price,
      cost: c.cost,
      _info: { lastUpdated: this.stamp() },
    };
    this.catalog.set(item.id, item);
    return item;
  }

  findCatalogItem(ref: { id?: unknown; identifier?: unknown }): SimCatalogItem | null {
    for (const item of this.catalog.values()) {
      if (typeof ref.id === "number" && item.id === ref.id) return item;
      if (ref.id === undefined && typeof ref.identifier === "string" && item.identifier.toLowerCase() === ref.identifier.toLowerCase()) return item;
    }
    return null;
  }

  additionsOf(agreementId: number): SimAddition[] {
    return [...this.additions.values()].filter((a) => a.agreementId === agreementId).sort((a, b) => a.id - b.id);
  }

  findAddition(agreementId: number, additionId: number): SimAddition | null {
    const addition = this.additions.get(additionId);
    return addition && addition.agreementId === agreementId ? addition : null;
  }
}
