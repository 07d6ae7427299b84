/**
 * Loads one recompute scope's slice of the tenant as engine input, in one D1
 * batch (one consistent read): a company's agreements and lines, the vendor
 * accounts mapped to it with their latest counts, those services and their
 * mappings, and the tenant-wide aggregates its rows read (suspect services,
 * estimated prices). An `account:<id>` scope is an unmapped account's usage.
 * Cost grows with the company, never with the tenant or its history.
 */
import { and, eq, gt, gte, inArray, type SQL, sql } from "drizzle-orm";
import { exactPrice } from "../../core/reconcile/money.ts";
import { chooseEstimate, type PricePoint } from "../../core/reconcile/catalog.ts";
import { formatDecimal } from "../../core/shared/decimal.ts";
import type { BillingCycle, CatalogEntry, ReconcileInput } from "../../core/reconcile/types.ts";
import type { Db } from "../client.ts";
import * as t from "../schema.ts";
import { activeDismissal, DEFAULT_STALE_AFTER_HOURS, toAgreementInput, toCountInput, toDismissalInput, toCalendars, toLineInput, toServiceInput, toServiceMappingInput } from "./snapshot.ts";

/** The engine input of a scope (without `now`) and the dirty counter it was read at. */
export interface ScopeInput {
  seq: number;
  input: Omit<ReconcileInput, "now">;
}

const ACCOUNT_SCOPE = "account:";

export function accountScope(accountId: string): string {
  return `${ACCOUNT_SCOPE}${accountId}`;
}

export async function loadScopeInput(db: Db, tenantId: string, scope: string, now: Date): Promise<ScopeInput> {
  if (scope.startsWith(ACCOUNT_SCOPE)) return loadAccountScope(db, tenantId, scope.slice(ACCOUNT_SCOPE.length));
  return loadCompanyScope(db, tenantId, scope, new Date(now.getTime() - 400 * 86_400_000).toISOString());
}

function scopeSeq(db: Db, tenantId: string, scope: string) {
  return db.select({ seq: t.reconScopes.dirtySeq }).from(t.reconScopes).where(and(eq(t.reconScopes.tenantId, tenantId), eq(t.reconScopes.scope, scope)));
}

function staleAfter(db: Db, tenantId: string) {
  return db.select({ staleAfterHours: t.tenants.staleAfterHours }).from(t.tenants).where(eq(t.tenants.id, tenantId));
}

async function loadCompanyScope(db: Db, tenantId: string, companyId: string, since: string): Promise<ScopeInput> {
  const agreementIds = db.select({ id: t.agreements.id }).from(t.agreements).where(and(eq(t.agreements.tenantId, tenantId), eq(t.agreements.companyId, companyId)));
  const accountIds = db
    .select({ id: t.accountMappings.accountId })
    .from(t.accountMappings)
    .where(and(eq(t.accountMappings.tenantId, tenantId), eq(t.accountMappings.companyId, companyId), sql`NOT EXISTS (SELECT 1 FROM vendor_accounts AS va WHERE va.id = ${t.accountMappings.accountId} AND va.ignored_at IS NOT NULL)`));
  const serviceIds = db
    .select({ id: t.latestCounts.serviceId })
    .from(t.latestCounts)
    .where(and(eq(t.latestCounts.tenantId, tenantId), inArray(t.latestCounts.accountId, accountIds)));
  const integrationIds = db
    .select({ id: t.vendorAccounts.integrationId })
    .from(t.vendorAccounts)
    .where(and(eq(t.vendorAccounts.tenantId, tenantId), inArray(t.vendorAccounts.id, accountIds)));
  const [seq, tenant, companies, agreements, lines, mappings, accounts, counts, services, serviceMappings, stats, dismissals, states, integrations] = await db.batch([
    scopeSeq(db, tenantId, companyId),
    staleAfter(db, tenantId),
    db.select({ id: t.psaCompanies.id, name: t.psaCompanies.name }).from(t.psaCompanies).where(and(eq(t.psaCompanies.tenantId, tenantId), eq(t.psaCompanies.id, companyId))),
    db.select().from(t.agreements).where(and(eq(t.agreements.tenantId, tenantId), eq(t.agreements.companyId, companyId))),
    db.select().from(t.agreementLines).where(and(eq(t.agreementLines.tenantId, tenantId), inArray(t.agreementLines.agreementId, agreementIds))),
    db.select().from(t.accountMappings).where(and(eq(t.accountMappings.tenantId, tenantId), eq(t.accountMappings.companyId, companyId))),
    db.select().from(t.vendorAccounts).where(and(eq(t.vendorAccounts.tenantId, tenantId), inArray(t.vendorAccounts.id, accountIds))),
    db.select().from(t.latestCounts).where(and(eq(t.latestCounts.tenantId, tenantId), inArray(t.latestCounts.accountId, accountIds))),
    db.select().from(t.vendorServices).where(and(eq(t.vendorServices.tenantId, tenantId), inArray(t.vendorServices.id, serviceIds))),
    db.select().from(t.serviceMappings).where(and(eq(t.serviceMappings.tenantId, tenantId), inArray(t.serviceMappings.serviceId, serviceIds))),
    db.select().from(t.serviceStats).where(and(eq(t.serviceStats.tenantId, tenantId), inArray(t.serviceStats.serviceId, serviceIds))),
    // A dismissal holds at most one billing period (a year at most): older ones are history, not read.
    db.select().from(t.decisions).where(and(eq(t.decisions.tenantId, tenantId), inArray(t.decisions.agreementId, agreementIds), activeDismissal(), gte(t.decisions.createdAt, since))),
    db
      .select({ id: t.psaAgreementState.agreementId })
      .from(t.psaAgreementState)
      .where(and(eq(t.psaAgreementState.tenantId, tenantId), inArray(t.psaAgreementState.agreementId, agreementIds), eq(t.psaAgreementState.allowsEffectiveDate, true))),
    integrationsOf(db, tenantId, sql`(${integrationIds})`),
  ]);
  const prorating = new Set(states.map((s) => s.id));
  const serviceInputs = services.map(toServiceInput);
  return {
    seq: seq[0]?.seq ?? 0,
    input: {
      staleAfterHours: tenant[0]?.staleAfterHours ?? DEFAULT_STALE_AFTER_HOURS,
      companies,
      agreements: agreements.map((a) => toAgreementInput(a, prorating)),
      lines: lines.map(toLineInput),
      accounts: accounts.map((a) => ({ id: a.id, integrationId: a.integrationId, externalId: a.externalId, name: a.name })),
      services: serviceInputs,
      accountMappings: mappings.map((m) => ({ accountId: m.accountId, companyId: m.companyId, agreementId: m.agreementId })),
      serviceMappings: serviceMappings.map(toServiceMappingInput),
      counts: counts.map(toCountInput),
      dismissals: dismissals.map(toDismissalInput),
      calendars: toCalendars(integrations),
      // Estimated prices are loaded by the recompute for the rows that turn out to need one.
      aggregates: { suspect: suspectOf(stats, serviceInputs), catalog: new Map() },
    },
  };
}

async function loadAccountScope(db: Db, tenantId: string, accountId: string): Promise<ScopeInput> {
  const serviceIds = db
    .select({ id: t.latestCounts.serviceId })
    .from(t.latestCounts)
    .where(and(eq(t.latestCounts.tenantId, tenantId), eq(t.latestCounts.accountId, accountId)));
  // Only an account without a mapping has rows of its own (once mapped, its company's scope holds them).
  // An ignored account ("not a customer", migration 0012) has no rows anywhere.
  const unmapped = sql`NOT EXISTS (SELECT 1 FROM account_mappings WHERE tenant_id = ${tenantId} AND account_id = ${accountId}) AND NOT EXISTS (SELECT 1 FROM vendor_accounts WHERE id = ${accountId} AND ignored_at IS NOT NULL)`;
  const integrationIds = db.select({ id: t.vendorAccounts.integrationId }).from(t.vendorAccounts).where(and(eq(t.vendorAccounts.tenantId, tenantId), eq(t.vendorAccounts.id, accountId)));
  const [seq, tenant, accounts, counts, services, stats, integrations] = await db.batch([
    scopeSeq(db, tenantId, accountScope(accountId)),
    staleAfter(db, tenantId),
    db.select().from(t.vendorAccounts).where(and(eq(t.vendorAccounts.tenantId, tenantId), eq(t.vendorAccounts.id, accountId), unmapped)),
    db.select().from(t.latestCounts).where(and(eq(t.latestCounts.tenantId, tenantId), eq(t.latestCounts.accountId, accountId), unmapped)),
    db.select().from(t.vendorServices).where(and(eq(t.vendorServices.tenantId, tenantId), inArray(t.vendorServices.id, serviceIds))),
    db.select().from(t.serviceStats).where(and(eq(t.serviceStats.tenantId, tenantId), inArray(t.serviceStats.serviceId, serviceIds))),
    integrationsOf(db, tenantId, sql`(${integrationIds})`),
  ]);
  const serviceInputs = services.map(toServiceInput);
  return {
    seq: seq[0]?.seq ?? 0,
    input: {
      staleAfterHours: tenant[0]?.staleAfterHours ?? DEFAULT_STALE_AFTER_HOURS,
      calendars: toCalendars(integrations),
      companies: [],
      agreements: [],
      lines: [],
      accounts: accounts.map((a) => ({ id: a.id, integrationId: a.integrationId, externalId: a.externalId, name: a.name })),
      services: serviceInputs,
      accountMappings: [],
      serviceMappings: [],
      counts: counts.map(toCountInput),
      aggregates: { suspect: suspectOf(stats, serviceInputs), catalog: new Map() },
    },
  };
}

/** The vendor integrations behind the accounts `ids` selects (their arrears calendars). */
function integrationsOf(db: Db, tenantId: string, ids: SQL) {
  return db
    .select({ id: t.vendorIntegrations.id, kind: t.vendorIntegrations.kind, calendar: t.vendorIntegrations.calendar })
    .from(t.vendorIntegrations)
    .where(and(eq(t.vendorIntegrations.tenantId, tenantId), sql`${t.vendorIntegrations.id} IN ${ids}`));
}

/** The engine's suspect rule over the kept aggregate: a consumption service whose ≥ 2 reporting accounts all show exactly 1. */
function suspectOf(stats: ReadonlyArray<{ serviceId: string; reporting: number; ones: number }>, services: ReturnType<typeof toServiceInput>[]) {
  const consumption = new Set(services.filter((s) => s.category === "consumption").map((s) => s.id));
  const suspect = new Map<string, number>();
  for (const s of stats) if (consumption.has(s.serviceId) && s.reporting >= 2 && s.ones === s.reporting) suspect.set(s.serviceId, s.reporting);
  return suspect;
}

/**
 * The estimate rule (core/reconcile/tenant-index.ts chooseEstimate: the
 * product's most common current price, ties → lowest) over the product's
 * price points (product_price_points, migration 0015: distinct points with
 * their line counts), for the products a scope's rows need it for — a handful
 * of rows per product, not every line of it in the tenant.
 */
export async function loadCatalog(db: Db, tenantId: string, productKeys: readonly string[], today: string): Promise<Map<string, CatalogEntry>> {
  const catalog = new Map<string, CatalogEntry>();
  if (productKeys.length === 0) return catalog;
  const p = t.productPricePoints;
  const queries = productKeys.map((productKey) =>
    db.select().from(p).where(and(eq(p.tenantId, tenantId), eq(p.productKey, productKey), gt(p.lines, 0), gt(p.cancelledDay, today))),
  );
  const results = await db.batch(queries as unknown as [(typeof queries)[number], ...(typeof queries)[number][]]);
  results.forEach((found, i) => {
    if (found.length === 0) return;
    const points = found.flatMap((row) => new Array<PricePoint>(row.lines).fill(toPricePoint(row)));
    catalog.set(productKeys[i] as string, chooseEstimate(points));
  });
  return catalog;
}

/** A price point as the engine's estimate takes it (the line filter's NULLs were kept as ''). */
function toPricePoint(row: typeof t.productPricePoints.$inferSelect): PricePoint {
  const price = exactPrice({
    unitPriceMinor: row.unitPriceMinor,
    unitCostMinor: row.unitCostMinor,
    ...(row.unitPrice !== "" ? { unitPrice: row.unitPrice } : {}),
    ...(row.unitCost !== "" ? { unitCost: row.unitCost } : {}),
    currency: row.currency,
  });
  return {
    productName: row.productName,
    unitPrice: formatDecimal(price.unitPrice),
    unitCost: formatDecimal(price.unitCost),
    currency: row.currency,
    billingCycle: row.billingCycle && row.billingCycle !== "none" ? (row.billingCycle as BillingCycle) : null,
  };
}
