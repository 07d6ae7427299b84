/**
 * Account and service mappings, and what the mapping screens list: PSA
 * companies, PSA products (from agreement lines), unmapped vendor accounts,
 * and services used by mapped accounts but mapped to no product. Every query
 * is scoped by tenant. Id lists travel as one JSON parameter (json_each) so a
 * long list never exceeds D1's 100 bound parameters.
 */
import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { accountMappings, agreementLines, agreements, psaCompanies, serviceMappings, vendorAccounts, vendorIntegrations, vendorServices } from "../schema.ts";

export function listCompanies(db: Db, tenantId: string) {
  return db
    .select({ id: psaCompanies.id, name: psaCompanies.name, identifier: psaCompanies.identifier, domain: psaCompanies.domain })
    .from(psaCompanies)
    .where(eq(psaCompanies.tenantId, tenantId))
    .orderBy(asc(psaCompanies.name), asc(psaCompanies.id));
}

/** PSA products known from agreement lines; the name is the most common spelling's smallest. */
export function listProducts(db: Db, tenantId: string) {
  return db
    .select({ productKey: agreementLines.productKey, productName: sql<string>`min(${agreementLines.productName})` })
    .from(agreementLines)
    .where(eq(agreementLines.tenantId, tenantId))
    .groupBy(agreementLines.productKey)
    .orderBy(asc(agreementLines.productKey));
}

export interface UnmappedAccountRow {
  accountId: string;
  integrationId: string;
  integrationName: string;
  externalId: string;
  name: string;
  description: string | null;
}

/** Accounts of connected integrations with no mapping; `onlyIds` limits the scope (e.g. just-created accounts). */
export function listUnmappedAccounts(db: Db, tenantId: string, onlyIds?: readonly string[]): Promise<UnmappedAccountRow[]> {
  const scope = onlyIds ? sql`AND a.id IN (SELECT value FROM json_each(${JSON.stringify(onlyIds)}))` : sql``;
  return db.all<UnmappedAccountRow>(sql`
    SELECT a.id AS accountId, a.integration_id AS integrationId, i.name AS integrationName, a.external_id AS externalId,
      a.name AS name, a.description AS description
    FROM vendor_accounts AS a
    JOIN vendor_integrations AS i ON i.id = a.integration_id AND i.tenant_id = a.tenant_id
    WHERE a.tenant_id = ${tenantId} AND i.disconnected_at IS NULL AND a.ignored_at IS NULL ${scope}
      AND NOT EXISTS (SELECT 1 FROM account_mappings AS m WHERE m.tenant_id = a.tenant_id AND m.account_id = a.id)
    ORDER BY a.name, a.id`);
}

export interface UnmappedServiceRow {
  serviceId: string;
  integrationId: string;
  integrationName: string;
  externalId: string;
  name: string;
  category: string;
}

/**
 * Services with usage by a mapped account (of `companyId`, if given) and no
 * product mapping. Reads latest counts, never history; for one company it
 * starts from that company's mappings (account_mappings_company_idx).
 */
export function listUnmappedServices(db: Db, tenantId: string, companyId?: string): Promise<UnmappedServiceRow[]> {
  const company = companyId ? sql`AND m.company_id = ${companyId}` : sql``;
  return db.all<UnmappedServiceRow>(sql`
    SELECT DISTINCT s.id AS serviceId, s.integration_id AS integrationId, i.name AS integrationName, s.external_id AS externalId,
      s.name AS name, s.category AS category
    FROM account_mappings AS m
    JOIN latest_counts AS lc ON lc.tenant_id = m.tenant_id AND lc.account_id = m.account_id
    JOIN vendor_services AS s ON s.tenant_id = lc.tenant_id AND s.id = lc.service_id
    JOIN vendor_integrations AS i ON i.id = s.integration_id AND i.tenant_id = s.tenant_id
    WHERE m.tenant_id = ${tenantId} ${company}
      AND NOT EXISTS (SELECT 1 FROM service_mappings AS sm WHERE sm.tenant_id = s.tenant_id AND sm.service_id = s.id)
      AND NOT EXISTS (SELECT 1 FROM vendor_accounts AS va WHERE va.id = m.account_id AND va.ignored_at IS NOT NULL)
    ORDER BY s.name, s.id`);
}

export async function findVendorAccount(db: Db, tenantId: string, accountId: string) {
  const rows = await db.select().from(vendorAccounts).where(and(eq(vendorAccounts.tenantId, tenantId), eq(vendorAccounts.id, accountId))).limit(1);
  return rows[0] ?? null;
}

export async function findVendorService(db: Db, tenantId: string, serviceId: string) {
  const rows = await db.select().from(vendorServices).where(and(eq(vendorServices.tenantId, tenantId), eq(vendorServices.id, serviceId))).limit(1);
  return rows[0] ?? null;
}

export async function findCompany(db: Db, tenantId: string, companyId: string) {
  const rows = await db.select().from(psaCompanies).where(and(eq(psaCompanies.tenantId, tenantId), eq(psaCompanies.id, companyId))).limit(1);
  return rows[0] ?? null;
}

export async function findAgreementOfCompany(db: Db, tenantId: string, agreementId: string) {
  const rows = await db.select().from(agreements).where(and(eq(agreements.tenantId, tenantId), eq(agreements.id, agreementId))).limit(1);
  return rows[0] ?? null;
}

export async function productExists(db: Db, tenantId: string, productKey: string): Promise<boolean> {
  const rows = await db
    .select({ id: agreementLines.id })
    .from(agreementLines)
    .where(and(eq(agreementLines.tenantId, tenantId), eq(agreementLines.productKey, productKey)))
    .limit(1);
  return rows.length > 0;
}

export async function findAccountMapping(db: Db, tenantId: string, accountId: string) {
  const rows = await db.select().from(accountMappings).where(and(eq(accountMappings.tenantId, tenantId), eq(accountMappings.accountId, accountId))).limit(1);
  return rows[0] ?? null;
}

export type NewAccountMapping = typeof accountMappings.$inferInsert & { tenantId: string; accountId: string };

/** Manual mapping: replaces whatever mapping the account had (manual override wins). */
export function upsertManualMappingStatement(db: Db, m: NewAccountMapping) {
  return db
    .insert(accountMappings)
    .values(m)
    .onConflictDoUpdate({
      target: [accountMappings.tenantId, accountMappings.accountId],
      set: { companyId: m.companyId, agreementId: m.agreementId ?? null, method: m.method, confidence: m.confidence ?? null, createdBy: m.createdBy, createdAt: m.createdAt as string },
    });
}

/** Auto mapping: never replaces an existing mapping (manual or auto). */
export function insertAutoMappingStatement(db: Db, m: NewAccountMapping) {
  return db.insert(accountMappings).values(m).onConflictDoNothing();
}

export function deleteAccountMappingStatement(db: Db, tenantId: string, accountId: string) {
  return db.delete(accountMappings).where(and(eq(accountMappings.tenantId, tenantId), eq(accountMappings.accountId, accountId)));
}

export function insertServiceMappingStatement(db: Db, m: typeof serviceMappings.$inferInsert) {
  return db.insert(serviceMappings).values(m).onConflictDoNothing();
}

export function deleteServiceMappingStatement(db: Db, tenantId: string, serviceId: string, productKey: string) {
  return db
    .delete(serviceMappings)
    .where(and(eq(serviceMappings.tenantId, tenantId), eq(serviceMappings.serviceId, serviceId), eq(serviceMappings.productKey, productKey)));
}

export async function findServiceMapping(db: Db, tenantId: string, serviceId: string, productKey: string) {
  const rows = await db
    .select()
    .from(serviceMappings)
    .where(and(eq(serviceMappings.tenantId, tenantId), eq(serviceMappings.serviceId, serviceId), eq(serviceMappings.productKey, productKey)))
    .limit(1);
  return rows[0] ?? null;
}

/** One service → product mapping with its service's name (the rule editor's starting point). */
export async function findServiceMappingWithName(db: Db, tenantId: string, serviceId: string, productKey: string) {
  const rows = await selectServiceMappingsWithNames(db)
    .where(and(eq(serviceMappings.tenantId, tenantId), eq(serviceMappings.serviceId, serviceId), eq(serviceMappings.productKey, productKey)))
    .limit(1);
  return rows[0] ?? null;
}

export function listAccountMappings(db: Db, tenantId: string) {
  return db
    .select({ mapping: accountMappings, accountName: vendorAccounts.name, integrationId: vendorAccounts.integrationId, integrationName: vendorIntegrations.name })
    .from(accountMappings)
    .innerJoin(vendorAccounts, and(eq(vendorAccounts.id, accountMappings.accountId), eq(vendorAccounts.tenantId, accountMappings.tenantId)))
    .innerJoin(vendorIntegrations, and(eq(vendorIntegrations.id, vendorAccounts.integrationId), eq(vendorIntegrations.tenantId, vendorAccounts.tenantId)))
    .where(eq(accountMappings.tenantId, tenantId))
    .orderBy(asc(vendorAccounts.name));
}

/** Service mappings with their service's name, for the list and for one mapping. */
function selectServiceMappingsWithNames(db: Db) {
  return db
    .select({ mapping: serviceMappings, serviceName: vendorServices.name })
    .from(serviceMappings)
    .innerJoin(vendorServices, and(eq(vendorServices.id, serviceMappings.serviceId), eq(vendorServices.tenantId, serviceMappings.tenantId)));
}

export function listServiceMappings(db: Db, tenantId: string) {
  return selectServiceMappingsWithNames(db)
    .where(eq(serviceMappings.tenantId, tenantId))
    .orderBy(asc(vendorServices.name), asc(serviceMappings.productKey));
}

/**
 * An audit row written only if the row `rowId` of `table` exists when the
 * batch reaches it — i.e. only if the preceding conditional insert happened
 * (an auto mapping that lost to a concurrent manual one leaves no audit row).
 */
export function auditIfInsertedStatement(db: Db, table: "account_mappings" | "service_mappings", rowId: string, e: { tenantId: string; at: string; actor: string; action: string; entityType: string; entityId: string; details: Record<string, unknown> }) {
  return db.run(sql`
    INSERT INTO audit_log (tenant_id, at, actor, action, entity_type, entity_id, details)
    SELECT ${e.tenantId}, ${e.at}, ${e.actor}, ${e.action}, ${e.entityType}, ${e.entityId}, ${JSON.stringify(e.details)}
    WHERE EXISTS (SELECT 1 FROM ${sql.raw(table)} WHERE tenant_id = ${e.tenantId} AND id = ${rowId})`);
}
