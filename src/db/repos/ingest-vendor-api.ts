/**
 * Storage of the Gradient-compatible vendor API: the integration's services
 * (vendor-level "skus" and organization-level services) with their Gradient
 * fields, its accounts, and the MSP's PSA companies ("clients"). Everything is
 * scoped by tenant and integration; vendor ids are the external ids.
 */
import { and, asc, desc, eq, gt, like, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { ingestGradientServices, ingestPushes, psaCompanies, vendorAccounts, vendorServices } from "../schema.ts";

export interface Scope {
  tenantId: string;
  integrationId: string;
}

export interface GradientServiceRow {
  id: string;
  externalId: string;
  name: string;
  scope: string | null;
  description: string | null;
  category: string | null;
  subcategory: string | null;
  supportArticle: string | null;
  supportContact: string | null;
  isMapped: number;
}

export function listGradientServices(db: Db, s: Scope, scope: "vendor" | "organization" | null): Promise<GradientServiceRow[]> {
  const scoped = scope ? sql`AND g.scope = ${scope}` : sql``;
  return db.all<GradientServiceRow>(sql`
    SELECT v.id AS id, v.external_id AS externalId, v.name AS name, g.scope AS scope, g.description AS description, g.category AS category,
      g.subcategory AS subcategory, g.support_article AS supportArticle, g.support_contact AS supportContact,
      EXISTS (SELECT 1 FROM service_mappings AS m WHERE m.tenant_id = v.tenant_id AND m.service_id = v.id) AS isMapped
    FROM vendor_services AS v
    LEFT JOIN ingest_gradient_services AS g ON g.service_id = v.id AND g.tenant_id = v.tenant_id
    WHERE v.tenant_id = ${s.tenantId} AND v.integration_id = ${s.integrationId} ${scoped}
    ORDER BY v.created_at, v.rowid`);
}

export async function findGradientService(db: Db, s: Scope, externalId: string): Promise<GradientServiceRow | null> {
  const rows = await listGradientServices(db, s, null);
  return rows.find((r) => r.externalId === externalId) ?? null;
}

export interface NewGradientService {
  id: string;
  externalId: string;
  name: string;
  scope: "vendor" | "organization";
  description: string | null;
  category: string | null;
  subcategory: string | null;
  supportArticle: string | null;
  supportContact: string | null;
  at: string;
}

export function insertGradientServiceStatements(db: Db, s: Scope, n: NewGradientService) {
  return [
    db.insert(vendorServices).values({ id: n.id, tenantId: s.tenantId, integrationId: s.integrationId, externalId: n.externalId, name: n.name, category: "seat", unit: null, createdAt: n.at, updatedAt: n.at }),
    db.insert(ingestGradientServices).values({
      serviceId: n.id, tenantId: s.tenantId, integrationId: s.integrationId, scope: n.scope, description: n.description, category: n.category,
      subcategory: n.subcategory, supportArticle: n.supportArticle, supportContact: n.supportContact, createdAt: n.at, updatedAt: n.at,
    }),
  ] as const;
}

export type GradientServicePatch = Partial<Pick<NewGradientService, "name" | "description" | "category" | "subcategory" | "supportArticle" | "supportContact">>;

export function updateGradientServiceStatements(db: Db, s: Scope, serviceId: string, scope: "vendor" | "organization", patch: GradientServicePatch, at: string) {
  const { name, ...details } = patch;
  const defined = Object.fromEntries(Object.entries(details).filter(([, v]) => v !== undefined));
  return [
    db.update(vendorServices).set({ ...(name ? { name } : {}), updatedAt: at }).where(and(eq(vendorServices.tenantId, s.tenantId), eq(vendorServices.id, serviceId))),
    db
      .insert(ingestGradientServices)
      .values({ serviceId, tenantId: s.tenantId, integrationId: s.integrationId, scope, createdAt: at, updatedAt: at, ...defined })
      .onConflictDoUpdate({ target: ingestGradientServices.serviceId, set: { ...defined, updatedAt: at } }),
  ] as const;
}

export interface AccountRow {
  id: string;
  externalId: string;
  name: string;
  description: string | null;
  isMapped: number;
}

export function listAccounts(db: Db, s: Scope): Promise<AccountRow[]> {
  return db.all<AccountRow>(sql`
    SELECT a.id AS id, a.external_id AS externalId, a.name AS name, a.description AS description,
      EXISTS (SELECT 1 FROM account_mappings AS m WHERE m.tenant_id = a.tenant_id AND m.account_id = a.id) AS isMapped
    FROM vendor_accounts AS a WHERE a.tenant_id = ${s.tenantId} AND a.integration_id = ${s.integrationId}
    ORDER BY a.created_at, a.rowid`);
}

/** Creates or renames accounts by the vendor's id; returns the stored rows' ids. */
export function upsertAccountStatement(db: Db, s: Scope, a: { id: string; externalId: string; name: string; description: string | null; at: string }) {
  return db
    .insert(vendorAccounts)
    .values({ id: a.id, tenantId: s.tenantId, integrationId: s.integrationId, externalId: a.externalId, name: a.name, description: a.description, createdAt: a.at, updatedAt: a.at })
    .onConflictDoUpdate({
      target: [vendorAccounts.tenantId, vendorAccounts.integrationId, vendorAccounts.externalId],
      set: { name: a.name, description: a.description, updatedAt: a.at },
    })
    .returning({ id: vendorAccounts.id });
}

export function updateAccountStatement(db: Db, s: Scope, externalId: string, patch: { name?: string | undefined; description?: string | null | undefined }, at: string) {
  const set = { ...(patch.name ? { name: patch.name } : {}), ...(patch.description !== undefined ? { description: patch.description } : {}), updatedAt: at };
  return db
    .update(vendorAccounts)
    .set(set)
    .where(and(eq(vendorAccounts.tenantId, s.tenantId), eq(vendorAccounts.integrationId, s.integrationId), eq(vendorAccounts.externalId, externalId)))
    .returning();
}

/** PSA companies, Gradient-style cursor paging: ids after `previousId`, optionally name-filtered. */
export function listClients(db: Db, tenantId: string, search: string | undefined, previousId: string | undefined, limit: number) {
  const filters = [eq(psaCompanies.tenantId, tenantId)];
  if (search) filters.push(like(psaCompanies.name, `%${search.replace(/[%_\\]/g, "").slice(0, 40)}%`));
  if (previousId) filters.push(gt(psaCompanies.id, previousId));
  return db
    .select({ id: psaCompanies.id, name: psaCompanies.name, identifier: psaCompanies.identifier, domain: psaCompanies.domain })
    .from(psaCompanies)
    .where(and(...filters))
    .orderBy(asc(psaCompanies.id))
    .limit(limit);
}

export async function lastPushAt(db: Db, s: Scope): Promise<string | null> {
  const rows = await db
    .select({ at: ingestPushes.receivedAt })
    .from(ingestPushes)
    .where(and(eq(ingestPushes.tenantId, s.tenantId), eq(ingestPushes.integrationId, s.integrationId)))
    .orderBy(desc(ingestPushes.receivedAt))
    .limit(1);
  return rows[0]?.at ?? null;
}

/** Whether the vendor's account and service are mapped yet (a count for unmapped ones is kept and shows as unmapped). */
export async function mappedFlags(db: Db, s: Scope, accountExternalId: string, serviceExternalId: string): Promise<{ account: boolean; service: boolean }> {
  const rows = await db.all<{ account: number; service: number }>(sql`
    SELECT
      EXISTS (SELECT 1 FROM vendor_accounts AS a JOIN account_mappings AS m ON m.tenant_id = a.tenant_id AND m.account_id = a.id
        WHERE a.tenant_id = ${s.tenantId} AND a.integration_id = ${s.integrationId} AND a.external_id = ${accountExternalId}) AS account,
      EXISTS (SELECT 1 FROM vendor_services AS v JOIN service_mappings AS m ON m.tenant_id = v.tenant_id AND m.service_id = v.id
        WHERE v.tenant_id = ${s.tenantId} AND v.integration_id = ${s.integrationId} AND v.external_id = ${serviceExternalId}) AS service`);
  return { account: rows[0]?.account === 1, service: rows[0]?.service === 1 };
}
