/**
 * Builders for engine inputs. Defaults describe one customer (company c1
 * "Acme") with one active monthly agreement a1, one vendor account acc1
 * mapped to c1, and a seat service s1 mapped to product P1; each test
 * overrides only what it is about.
 */
import { reconcile } from "../../../src/core/reconcile/engine.ts";
import type {
  AccountMappingInput,
  AgreementInput,
  CompanyInput,
  LineInput,
  ReconcileInput,
  ReconRow,
  ServiceMappingInput,
  UsageCountInput,
  VendorAccountInput,
  VendorServiceInput,
} from "../../../src/core/reconcile/types.ts";

/** Sunday 15 March 2026, midday UTC. */
export const NOW = new Date("2026-03-15T12:00:00Z");
export const FRESH = "2026-03-15T06:00:00Z";

export function company(id = "c1", name = "Acme"): CompanyInput {
  return { id, name };
}

export function agreement(overrides: Partial<AgreementInput> = {}): AgreementInput {
  return {
    id: "a1",
    companyId: "c1",
    name: "Managed Services",
    type: "Managed Services",
    status: "Active",
    cancelled: false,
    billingCycle: "monthly",
    startDate: "2025-01-01",
    endDate: null,
    flatRate: false,
    currency: "USD",
    ...overrides,
  };
}

export function line(overrides: Partial<LineInput> = {}): LineInput {
  return {
    id: "L1",
    agreementId: "a1",
    productKey: "P1",
    productName: "Microsoft 365 Business Premium",
    quantity: "10",
    lessIncluded: "0",
    unitPriceMinor: 2200,
    unitCostMinor: 1800,
    currency: "USD",
    billCustomer: "Billable",
    effectiveDate: null,
    cancelledDate: null,
    ...overrides,
  };
}

export function account(id = "acc1", name = "Acme Tenant"): VendorAccountInput {
  return { id, integrationId: "int-pax8", externalId: `ext-${id}`, name };
}

export function service(id = "s1", overrides: Partial<VendorServiceInput> = {}): VendorServiceInput {
  return { id, integrationId: "int-pax8", externalId: `ext-${id}`, name: `Service ${id}`, category: "seat", ...overrides };
}

export function accountMapping(accountId = "acc1", companyId = "c1", agreementId: string | null = null): AccountMappingInput {
  return { accountId, companyId, agreementId };
}

export function serviceMapping(serviceId = "s1", productKey = "P1"): ServiceMappingInput {
  return { serviceId, productKey };
}

export function count(overrides: Partial<UsageCountInput> = {}): UsageCountInput {
  return {
    accountId: "acc1",
    serviceId: "s1",
    period: "2026-03",
    quantity: "10",
    costMinor: null,
    costCurrency: null,
    observedAt: FRESH,
    sourceKind: "vendor-api",
    sourceRef: "run-1",
    ...overrides,
  };
}

/** The default tenant with `overrides` replacing whole collections. */
export function input(overrides: Partial<ReconcileInput> = {}): ReconcileInput {
  return {
    now: NOW,
    staleAfterHours: 168,
    companies: [company()],
    agreements: [agreement()],
    lines: [line()],
    accounts: [account()],
    services: [service()],
    accountMappings: [accountMapping()],
    serviceMappings: [serviceMapping()],
    counts: [count()],
    ...overrides,
  };
}

export function run(overrides: Partial<ReconcileInput> = {}): ReconRow[] {
  return reconcile(input(overrides));
}

/** The row with this key; fails the test (by throwing) when it is absent. */
export function rowOf(rows: readonly ReconRow[], key: string): ReconRow {
  const row = rows.find((r) => r.key === key);
  if (!row) throw new Error(`No row ${key}; rows: ${rows.map((r) => r.key).join(", ")}`);
  return row;
}
