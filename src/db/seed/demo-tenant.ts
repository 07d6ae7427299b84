/**
 * The demo tenant: a dozen MSP customers with Microsoft 365, Azure
 * consumption, EDR and backup lines, and vendor counts chosen so that every
 * reconciliation status appears. Pure data: the clock and the API-key hash
 * are passed in, so the same rows seed `npm run dev` and the tests.
 */
import type { SeedRow, SeedTable } from "./seed-sql.ts";

export const DEMO_TENANT_ID = "tnt_demo";
/** Local-only demo credential, printed by `npm run dev` and in the README. */
export const DEMO_API_KEY = "tu_demo_local_only_3f9c1e7a5b2d4c6e8f0a1b3c5d7e9f1a";

const T = DEMO_TENANT_ID;
const PSA = "demo";

interface Product {
  key: string;
  name: string;
  priceMinor: number;
  costMinor: number;
}

const P = {
  bp: { key: "M365-BP", name: "Microsoft 365 Business Premium", priceMinor: 2600, costMinor: 2200 },
  e3: { key: "M365-E3", name: "Microsoft 365 E3", priceMinor: 4200, costMinor: 3600 },
  exo: { key: "EXO-P1", name: "Exchange Online (Plan 1)", priceMinor: 500, costMinor: 400 },
  azure: { key: "AZURE-CONS", name: "Azure Consumption (per USD)", priceMinor: 115, costMinor: 100 },
  edr: { key: "EDR-S1", name: "SentinelOne Complete EDR", priceMinor: 600, costMinor: 350 },
  siris: { key: "BKP-SIRIS", name: "Datto SIRIS Server Backup", priceMinor: 12500, costMinor: 8000 },
  saas: { key: "BKP-SAAS", name: "Datto SaaS Protection for M365", priceMinor: 300, costMinor: 180 },
  fw: { key: "FW-MGMT", name: "Managed Firewall", priceMinor: 9900, costMinor: 2500 },
  msp: { key: "MSP-ALLIN", name: "Managed Services — All-Inclusive (per user)", priceMinor: 12500, costMinor: 6000 },
} satisfies Record<string, Product>;

const COMPANIES = [
  ["acme", "Acme Dental Group", "acmedental.com"],
  ["bright", "Brightline Logistics", "brightline-logistics.com"],
  ["cedar", "Cedar Law Group", "cedarlaw.com"],
  ["delta", "Delta Veterinary Clinic", "deltavet.com"],
  ["ever", "Evergreen Credit Union", "evergreencu.org"],
  ["fox", "Foxglove Architects", "foxglove-arch.com"],
  ["granite", "Granite Construction Co.", "graniteco.com"],
  ["harbor", "Harbor Pediatrics", "harborpeds.com"],
  ["iron", "Ironwood Manufacturing", "ironwoodmfg.com"],
  ["juniper", "Juniper Realty", "juniperrealty.com"],
  ["key", "Keystone Accounting", "keystonecpa.com"],
  ["lake", "Lakeside Schools", "lakesideschools.org"],
] as const;

interface AgreementSpec {
  id: string;
  company: string;
  name: string;
  type?: string;
  cycle?: string;
  status?: string;
  cancelled?: boolean;
  flat?: boolean;
  lines: Array<[Product, string]>;
}

/** Agreements and their lines (product, quantity). */
const AGREEMENTS: AgreementSpec[] = [
  { id: "acme", company: "acme", name: "Acme Dental — Managed Services", lines: [[P.bp, "25"], [P.edr, "30"], [P.saas, "25"]] },
  { id: "bright", company: "bright", name: "Brightline — Cloud & Security", lines: [[P.bp, "40"], [P.edr, "52"]] },
  { id: "cedar", company: "cedar", name: "Cedar Law — Microsoft 365", lines: [[P.e3, "18"], [P.siris, "2"]] },
  { id: "delta", company: "delta", name: "Delta Vet — Managed Services", lines: [[P.bp, "12"]] },
  { id: "ever", company: "ever", name: "Evergreen CU — Infrastructure", lines: [[P.exo, "60"], [P.fw, "3"]] },
  { id: "fox", company: "fox", name: "Foxglove — Backup & Recovery", lines: [[P.siris, "1"], [P.bp, "9"]] },
  { id: "granite", company: "granite", name: "Granite — Azure Hosting", lines: [[P.azure, "850"], [P.bp, "33"]] },
  { id: "granite-old", company: "granite", name: "Granite — Legacy Exchange (cancelled)", cancelled: true, status: "Cancelled", lines: [[P.exo, "40"]] },
  { id: "harbor", company: "harbor", name: "Harbor Pediatrics — Azure & Security", lines: [[P.azure, "420"], [P.edr, "20"]] },
  { id: "iron", company: "iron", name: "Ironwood — Azure Consumption", lines: [[P.azure, "1650"]] },
  { id: "juniper", company: "juniper", name: "Juniper Realty — Annual M365", cycle: "annual", lines: [[P.e3, "10"]] },
  { id: "key", company: "key", name: "Keystone — All-Inclusive", flat: true, lines: [[P.msp, "12"], [P.bp, "12"]] },
  { id: "lake", company: "lake", name: "Lakeside Schools — Messaging", lines: [[P.exo, "30"], [P.exo, "10"]] },
];

interface IntegrationSpec {
  id: string;
  kind: string;
  name: string;
  services: Array<[string, string, "seat" | "consumption", Product | null]>;
  /** An arrears calendar (core/reconcile/calendar.ts); absent = the kind's default. */
  calendar?: { covers: "previous"; completeAfterDay: number; services: "all" | "consumption" };
}

/** Vendor integrations, their services (external id, name, category, mapped product or null). */
const INTEGRATIONS: IntegrationSpec[] = [
  {
    id: "pax8",
    kind: "pax8",
    name: "Pax8",
    services: [
      ["cfb4e0d2-bp", "Microsoft 365 Business Premium", "seat", P.bp],
      ["9a1c77e3-e3", "Microsoft 365 E3", "seat", P.e3],
      ["51d0aa98-exo", "Exchange Online (Plan 1)", "seat", P.exo],
      ["2f8e6c41-teams", "Microsoft Teams Premium", "seat", null],
      ["b7e3d0f2-azure", "Azure Plan (Pax8 usage summary)", "consumption", P.azure],
    ],
  },
  {
    id: "pc",
    kind: "csv",
    name: "Microsoft Partner Center (daily rated usage import)",
    services: [["azure-plan", "Azure plan", "consumption", P.azure]],
  },
  {
    id: "s1",
    kind: "vendor-api",
    name: "SentinelOne (vendor API)",
    services: [
      ["s1-complete", "Singularity Complete", "seat", P.edr],
      ["s1-control", "Singularity Control", "seat", P.edr],
    ],
  },
  {
    // SonicWall reports licences monthly, in arrears (reference §6.2): last month's, complete after the 5th.
    id: "sonicwall",
    kind: "vendor-api",
    name: "SonicWall (monthly licence report, in arrears)",
    services: [["firewalls", "Managed firewalls", "seat", P.fw]],
    calendar: { covers: "previous", completeAfterDay: 5, services: "all" },
  },
  {
    id: "datto",
    kind: "vendor-api",
    name: "Datto (vendor API)",
    services: [
      ["siris", "SIRIS protected servers", "seat", P.siris],
      ["saas-m365", "SaaS Protection M365 seats", "seat", P.saas],
    ],
  },
];

/** Vendor accounts: [integration, external id, name, mapped company or null]. */
const ACCOUNTS: Array<[string, string, string, string | null]> = [
  ["pax8", "acmedental.onmicrosoft.com", "Acme Dental Group", "acme"],
  ["pax8", "brightline.onmicrosoft.com", "Brightline Logistics", "bright"],
  ["pax8", "cedarlaw.onmicrosoft.com", "Cedar Law Group", "cedar"],
  ["pax8", "evergreencu.onmicrosoft.com", "Evergreen Credit Union", "ever"],
  ["pax8", "foxglove.onmicrosoft.com", "Foxglove Architects", "fox"],
  ["pax8", "graniteco.onmicrosoft.com", "Granite Construction", "granite"],
  ["pax8", "harborpeds.onmicrosoft.com", "Harbor Pediatrics", "harbor"],
  ["pax8", "juniperrealty.onmicrosoft.com", "Juniper Realty", "juniper"],
  ["pax8", "keystonecpa.onmicrosoft.com", "Keystone Accounting", "key"],
  ["pax8", "lakesidestaff.onmicrosoft.com", "Lakeside Schools (staff)", "lake"],
  ["pax8", "lakesidestudents.onmicrosoft.com", "Lakeside Schools (students)", "lake"],
  ["pax8", "newcoholdings.onmicrosoft.com", "Newco Holdings LLC", null],
  ["pc", "7d1f3c2a-0b6e-4f11-9a55-1c2d3e4f5a6b", "IRONWOOD MANUFACTURING INC", "iron"],
  ["s1", "site-880231", "Acme Dental", "acme"],
  ["s1", "site-880245", "Brightline Logistics", "bright"],
  ["s1", "site-880266", "Delta Veterinary", "delta"],
  ["s1", "site-880290", "Harbor Pediatrics", "harbor"],
  ["sonicwall", "tenant-7731", "Juniper Realty", "juniper"],
  ["datto", "org-41192", "Acme Dental Group", "acme"],
  ["datto", "org-41207", "Cedar Law Group", "cedar"],
  ["datto", "org-41255", "Foxglove Architects", "fox"],
];

/** Counts: [integration, account external id, service external id, quantity, age in hours, months back (period)]. */
const COUNTS: Array<[string, string, string, string, number, number?]> = [
  ["pax8", "acmedental.onmicrosoft.com", "cfb4e0d2-bp", "25", 6], // match
  ["pax8", "acmedental.onmicrosoft.com", "2f8e6c41-teams", "5", 6], // unmapped-service
  ["pax8", "brightline.onmicrosoft.com", "cfb4e0d2-bp", "44", 6], // increase +4
  ["pax8", "cedarlaw.onmicrosoft.com", "9a1c77e3-e3", "15", 6], // decrease −3
  ["pax8", "evergreencu.onmicrosoft.com", "51d0aa98-exo", "60", 6], // match (FW line: no-usage)
  ["pax8", "foxglove.onmicrosoft.com", "cfb4e0d2-bp", "9", 6], // match
  ["pax8", "graniteco.onmicrosoft.com", "b7e3d0f2-azure", "1", 6], // suspect (all accounts = 1)
  ["pax8", "graniteco.onmicrosoft.com", "cfb4e0d2-bp", "36", 6], // increase +3
  ["pax8", "harborpeds.onmicrosoft.com", "b7e3d0f2-azure", "1", 6], // suspect
  ["pax8", "juniperrealty.onmicrosoft.com", "9a1c77e3-e3", "12", 6], // increase +2 on an annual agreement
  ["pax8", "keystonecpa.onmicrosoft.com", "cfb4e0d2-bp", "14", 6], // flat-rate
  ["pax8", "lakesidestaff.onmicrosoft.com", "51d0aa98-exo", "38", 6], // two accounts summed: 52 vs 40 lines
  ["pax8", "lakesidestudents.onmicrosoft.com", "51d0aa98-exo", "14", 6],
  ["pax8", "newcoholdings.onmicrosoft.com", "cfb4e0d2-bp", "8", 6], // unmapped-account
  ["pc", "7d1f3c2a-0b6e-4f11-9a55-1c2d3e4f5a6b", "azure-plan", "1843.27", 20], // increase, decimal consumption
  ["s1", "site-880231", "s1-complete", "22", 3], // two services → one product: 22 + 8 = 30, match
  ["s1", "site-880231", "s1-control", "8", 3],
  ["s1", "site-880245", "s1-complete", "49", 3], // decrease −3
  ["s1", "site-880266", "s1-complete", "12", 3], // missing-line (Delta has no EDR line)
  ["s1", "site-880290", "s1-complete", "20", 3], // match
  ["datto", "org-41192", "saas-m365", "27", 10], // increase +2
  ["datto", "org-41207", "siris", "2", 10], // match
  ["datto", "org-41255", "siris", "1", 24 * 12], // stale: 12 days old
  ["sonicwall", "tenant-7731", "firewalls", "2", 24 * 20, 2], // waiting: last month's report hasn't come
];

function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function companyRows(): SeedRow[] {
  return COMPANIES.map(([slug, name, domain], i) => ({
    id: `demo_co_${slug}`,
    tenant_id: T,
    psa: PSA,
    psa_id: String(19300 + i),
    name,
    identifier: slug.toUpperCase(),
    domain,
  }));
}

function agreementRows(now: Date): { agreements: SeedRow[]; lines: SeedRow[] } {
  const start = isoDate(new Date(Date.UTC(now.getUTCFullYear() - 1, 0, 1)));
  const agreements: SeedRow[] = [];
  const lines: SeedRow[] = [];
  AGREEMENTS.forEach((a, i) => {
    const agreementId = `demo_agr_${a.id}`;
    agreements.push({
      id: agreementId,
      tenant_id: T,
      company_id: `demo_co_${a.company}`,
      psa: PSA,
      psa_id: String(4100 + i),
      name: a.name,
      type: a.flat ? "All-Inclusive" : "Managed Services",
      status: a.status ?? "Active",
      billing_cycle: a.cycle ?? "monthly",
      start_date: start,
      end_date: null,
      cancelled: a.cancelled ?? false,
      flat_rate: a.flat ?? false,
      currency: "USD",
    });
    a.lines.forEach(([product, quantity], j) => {
      const annual = a.cycle === "annual" ? 12 : 1;
      lines.push({
        id: `demo_line_${a.id}_${j + 1}`,
        tenant_id: T,
        agreement_id: agreementId,
        psa_id: String(88000 + i * 10 + j),
        product_key: product.key,
        product_name: product.name,
        quantity,
        less_included: "0",
        unit_price_minor: product.priceMinor * annual,
        unit_cost_minor: product.costMinor * annual,
        currency: "USD",
        bill_customer: "Billable",
        effective_date: start,
        cancelled_date: null,
      });
    });
  });
  return { agreements, lines };
}

function vendorRows(now: Date) {
  const integrations: SeedRow[] = INTEGRATIONS.map((g) => ({
    id: `demo_int_${g.id}`,
    tenant_id: T,
    kind: g.kind,
    name: g.name,
    status: "active",
    config: null,
    calendar: g.calendar ? JSON.stringify(g.calendar) : null,
  }));
  const services: SeedRow[] = [];
  const serviceMappings: SeedRow[] = [];
  for (const g of INTEGRATIONS) {
    for (const [externalId, name, category, product] of g.services) {
      const id = `demo_svc_${g.id}_${externalId}`;
      services.push({ id, tenant_id: T, integration_id: `demo_int_${g.id}`, external_id: externalId, name, category, unit: category === "consumption" ? "USD" : "seat" });
      if (product) serviceMappings.push({ id: `demo_sm_${g.id}_${externalId}`, tenant_id: T, service_id: id, product_key: product.key, created_by: "seed" });
    }
  }
  const accounts: SeedRow[] = [];
  const accountMappings: SeedRow[] = [];
  for (const [integration, externalId, name, company] of ACCOUNTS) {
    const id = accountId(integration, externalId);
    accounts.push({ id, tenant_id: T, integration_id: `demo_int_${integration}`, external_id: externalId, name, description: null });
    if (company) accountMappings.push({ id: `demo_am_${id}`, tenant_id: T, account_id: id, company_id: `demo_co_${company}`, agreement_id: null, method: "manual", confidence: null, created_by: "seed" });
  }
  const periodBack = (months: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, 1)).toISOString().slice(0, 7);
  const counts: SeedRow[] = COUNTS.map(([integration, account, service, quantity, ageHours, monthsBack = 0]) => ({
    id: `demo_uc_${accountId(integration, account)}_${service}`,
    tenant_id: T,
    account_id: accountId(integration, account),
    service_id: `demo_svc_${integration}_${service}`,
    period: periodBack(monthsBack),
    quantity,
    cost_minor: null,
    cost_currency: null,
    observed_at: new Date(now.getTime() - ageHours * 3_600_000).toISOString(),
    source_kind: "seed",
    source_ref: `seed:${integration}:${account}:${service}`,
  }));
  return { integrations, services, serviceMappings, accounts, accountMappings, counts };
}

function accountId(integration: string, externalId: string): string {
  return `demo_acct_${integration}_${externalId.replace(/[^a-zA-Z0-9]+/g, "_").slice(0, 40)}`;
}

/** All demo rows, parents first. */
export function buildDemoTenant(now: Date, apiKeyHash: string): SeedTable[] {
  const { agreements, lines } = agreementRows(now);
  const v = vendorRows(now);
  return [
    { table: "tenants", rows: [{ id: T, name: "Demo MSP (Northwind IT)", stale_after_hours: 168 }] },
    { table: "api_keys", rows: [{ id: "key_demo", tenant_id: T, key_hash: apiKeyHash, key_prefix: DEMO_API_KEY.slice(0, 10), label: "demo", revoked_at: null }] },
    { table: "psa_companies", rows: companyRows() },
    { table: "agreements", rows: agreements },
    { table: "agreement_lines", rows: lines },
    { table: "vendor_integrations", rows: v.integrations },
    { table: "vendor_services", rows: v.services },
    { table: "vendor_accounts", rows: v.accounts },
    { table: "usage_counts", rows: v.counts },
    { table: "account_mappings", rows: v.accountMappings },
    { table: "service_mappings", rows: v.serviceMappings },
  ];
}
