/**
 * Loads everything the reconciliation engine needs for one tenant, as plain
 * engine input. Every query is scoped by tenant_id.
 */
import { and, eq, sql } from "drizzle-orm";
import type {
  AccountMappingInput,
  AgreementInput,
  BillCustomer,
  BillingCycle,
  CompanyInput,
  DismissalInput,
  LineInput,
  ServiceCategory,
  ServiceMappingInput,
  SourceKind,
  UsageCountInput,
  VendorAccountInput,
  VendorServiceInput,
} from "../../core/reconcile/types.ts";
import { calendarOf, type SourceCalendar } from "../../core/reconcile/calendar.ts";
import { type CountRule, DEFAULT_RULE } from "../../core/reconcile/count-rules.ts";
import type { Db } from "../client.ts";
import * as t from "../schema.ts";

export interface TenantSnapshot {
  /** The tenant's stale threshold (tenants.stale_after_hours). */
  staleAfterHours: number;
  companies: CompanyInput[];
  agreements: AgreementInput[];
  lines: LineInput[];
  accounts: VendorAccountInput[];
  services: VendorServiceInput[];
  accountMappings: AccountMappingInput[];
  serviceMappings: ServiceMappingInput[];
  counts: UsageCountInput[];
  dismissals: DismissalInput[];
  calendars: Map<string, SourceCalendar>;
}

/** The schema default of tenants.stale_after_hours (7 days). */
export const DEFAULT_STALE_AFTER_HOURS = 168;

/**
 * The whole tenant, history included. Not for the request path: it backs the
 * full recompute's reference check and the tests that compare persisted rows
 * with a fresh reconciliation of the same data.
 */
export async function loadTenantSnapshot(db: Db, tenantId: string): Promise<TenantSnapshot> {
  const [tenant, companies, agreements, lines, accounts, services, accountMappings, serviceMappings, counts, dismissals, states, integrations] = await db.batch([
    db.select({ staleAfterHours: t.tenants.staleAfterHours }).from(t.tenants).where(eq(t.tenants.id, tenantId)),
    db.select({ id: t.psaCompanies.id, name: t.psaCompanies.name }).from(t.psaCompanies).where(eq(t.psaCompanies.tenantId, tenantId)),
    db.select().from(t.agreements).where(eq(t.agreements.tenantId, tenantId)),
    db.select().from(t.agreementLines).where(eq(t.agreementLines.tenantId, tenantId)),
    db.select().from(t.vendorAccounts).where(eq(t.vendorAccounts.tenantId, tenantId)),
    db.select().from(t.vendorServices).where(eq(t.vendorServices.tenantId, tenantId)),
    db.select().from(t.accountMappings).where(eq(t.accountMappings.tenantId, tenantId)),
    db.select().from(t.serviceMappings).where(eq(t.serviceMappings.tenantId, tenantId)),
    db.select().from(t.usageCounts).where(eq(t.usageCounts.tenantId, tenantId)),
    db.select().from(t.decisions).where(and(eq(t.decisions.tenantId, tenantId), activeDismissal())),
    db.select({ id: t.psaAgreementState.agreementId }).from(t.psaAgreementState).where(and(eq(t.psaAgreementState.tenantId, tenantId), eq(t.psaAgreementState.allowsEffectiveDate, true))),
    db.select({ id: t.vendorIntegrations.id, kind: t.vendorIntegrations.kind, calendar: t.vendorIntegrations.calendar }).from(t.vendorIntegrations).where(eq(t.vendorIntegrations.tenantId, tenantId)),
  ]);
  const prorating = new Set(states.map((s) => s.id));
  return {
    staleAfterHours: tenant[0]?.staleAfterHours ?? DEFAULT_STALE_AFTER_HOURS,
    companies,
    agreements: agreements.map((a) => toAgreementInput(a, prorating)),
    lines: lines.map(toLineInput),
    accounts: accounts.map((a) => ({ id: a.id, integrationId: a.integrationId, externalId: a.externalId, name: a.name })),
    services: services.map(toServiceInput),
    accountMappings: accountMappings.map((m) => ({ accountId: m.accountId, companyId: m.companyId, agreementId: m.agreementId })),
    serviceMappings: serviceMappings.map(toServiceMappingInput),
    counts: counts.map(toCountInput),
    dismissals: dismissals.map(toDismissalInput),
    calendars: toCalendars(integrations),
  };
}

/** Integrations' arrears calendars (only those that are not the current month). */
export function toCalendars(integrations: ReadonlyArray<{ id: string; kind: string; calendar: string | null }>): Map<string, SourceCalendar> {
  const calendars = new Map<string, SourceCalendar>();
  for (const i of integrations) {
    const calendar = calendarOf(i.kind, i.calendar ? (JSON.parse(i.calendar) as SourceCalendar) : null);
    if (calendar) calendars.set(i.id, calendar);
  }
  return calendars;
}

/** A stored rule was validated when saved (services/ingest/mapping.ts); null = the count as it is. */
export function toServiceMappingInput(m: typeof t.serviceMappings.$inferSelect): ServiceMappingInput {
  return m.rule === null ? { serviceId: m.serviceId, productKey: m.productKey } : { serviceId: m.serviceId, productKey: m.productKey, rule: readStoredRule(m.rule) };
}

/** The `service_mappings.rule` column as a complete rule (null = the default rule, the count as it is). */
export function readStoredRule(column: string | null): CountRule {
  return column === null ? DEFAULT_RULE : (JSON.parse(column) as CountRule);
}

/** Dismissals that no revert decision undid. */
export function activeDismissal() {
  return sql`${t.decisions.action} = 'dismiss' AND NOT EXISTS (SELECT 1 FROM decisions AS r WHERE r.tenant_id = ${t.decisions.tenantId} AND r.action = 'revert' AND r.reverts_decision_id = ${t.decisions.id})`;
}

export function toDismissalInput(d: typeof t.decisions.$inferSelect): DismissalInput {
  return { decisionId: d.id, agreementId: d.agreementId, productKey: d.productKey, actor: d.actor, reason: d.note, at: d.createdAt, vendorQuantity: d.vendorQuantity };
}

/** `prorating`: ids of ConnectWise agreements whose prorateFlag is set (psa_agreement_state). */
export function toAgreementInput(a: typeof t.agreements.$inferSelect, prorating: ReadonlySet<string> = new Set()): AgreementInput {
  return {
    psa: a.psa === "connectwise" || a.psa === "autotask" ? a.psa : "demo",
    prorates: prorating.has(a.id),
    id: a.id,
    companyId: a.companyId,
    name: a.name,
    type: a.type,
    status: a.status,
    cancelled: a.cancelled,
    billingCycle: a.billingCycle as BillingCycle,
    startDate: a.startDate,
    endDate: a.endDate,
    flatRate: a.flatRate,
    currency: a.currency,
  };
}

export function toLineInput(l: typeof t.agreementLines.$inferSelect): LineInput {
  return {
    id: l.id,
    agreementId: l.agreementId,
    productKey: l.productKey,
    productName: l.productName,
    quantity: l.quantity,
    lessIncluded: l.lessIncluded,
    unitPriceMinor: l.unitPriceMinor,
    unitCostMinor: l.unitCostMinor,
    ...(l.unitPrice !== null ? { unitPrice: l.unitPrice } : {}),
    ...(l.unitCost !== null ? { unitCost: l.unitCost } : {}),
    currency: l.currency,
    billCustomer: l.billCustomer as BillCustomer,
    effectiveDate: l.effectiveDate,
    cancelledDate: l.cancelledDate,
  };
}

export function toServiceInput(s: typeof t.vendorServices.$inferSelect): VendorServiceInput {
  return { id: s.id, integrationId: s.integrationId, externalId: s.externalId, name: s.name, category: s.category as ServiceCategory };
}

/** A usage_counts or latest_counts row as engine input. */
export function toCountInput(u: {
  accountId: string;
  serviceId: string;
  measure: string;
  period: string;
  quantity: string;
  costMinor: number | null;
  costCurrency: string | null;
  observedAt: string;
  sourceKind: string;
  sourceRef: string;
}): UsageCountInput {
  return {
    accountId: u.accountId,
    serviceId: u.serviceId,
    period: u.period,
    quantity: u.quantity,
    costMinor: u.costMinor,
    costCurrency: u.costCurrency,
    observedAt: u.observedAt,
    sourceKind: u.sourceKind as SourceKind,
    sourceRef: u.sourceRef,
    ...(u.measure !== "total" ? { measure: u.measure } : {}),
  };
}

export async function findAgreement(db: Db, tenantId: string, agreementId: string) {
  const rows = await agreementQuery(db, tenantId, agreementId);
  return rows[0] ?? null;
}

/** findAgreement as a query, to batch with other reads. Scoped by tenant: another tenant's agreement is indistinguishable from a missing one. */
export function agreementQuery(db: Db, tenantId: string, agreementId: string) {
  return db
    .select()
    .from(t.agreements)
    .where(and(eq(t.agreements.tenantId, tenantId), eq(t.agreements.id, agreementId)))
    .limit(1);
}
