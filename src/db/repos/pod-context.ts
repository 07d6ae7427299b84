/**
 * Read-only lookups of the pod: the PSA integration a pod URL names, and the
 * agreement or company behind a PSA record id (`[cw_id]`, an Autotask
 * contract id) via `psa_id`. Every query is scoped by tenant except the
 * integration lookup by id, which is how a pod URL identifies its tenant.
 */
import { and, asc, eq, inArray } from "drizzle-orm";
import type { Db } from "../client.ts";
import { agreements, psaCompanies, psaIntegrations } from "../schema.ts";

/** The integration a pod URL names; the caller checks kind and status. */
export async function findPsaIntegrationForPod(db: Db, integrationId: string) {
  const rows = await db
    .select({
      id: psaIntegrations.id,
      tenantId: psaIntegrations.tenantId,
      kind: psaIntegrations.kind,
      status: psaIntegrations.status,
      apiBaseUrl: psaIntegrations.apiBaseUrl,
      webOrigins: psaIntegrations.webOrigins,
      loginCompanyId: psaIntegrations.loginCompanyId,
      clientId: psaIntegrations.clientId,
    })
    .from(psaIntegrations)
    .where(eq(psaIntegrations.id, integrationId))
    .limit(1);
  return rows[0] ?? null;
}

const agreementColumns = {
  id: agreements.id,
  name: agreements.name,
  psa: agreements.psa,
  psaId: agreements.psaId,
  companyId: agreements.companyId,
  cancelled: agreements.cancelled,
};

/** Agreements with this PSA record id from any of `psas` (e.g. connectwise, plus demo data). */
export async function findAgreementsByPsaId(db: Db, tenantId: string, psas: readonly string[], psaId: string) {
  return db
    .select(agreementColumns)
    .from(agreements)
    .where(and(eq(agreements.tenantId, tenantId), inArray(agreements.psa, [...psas]), eq(agreements.psaId, psaId)));
}

export async function findCompaniesByPsaId(db: Db, tenantId: string, psas: readonly string[], psaId: string) {
  return db
    .select({ id: psaCompanies.id, name: psaCompanies.name, psa: psaCompanies.psa, psaId: psaCompanies.psaId })
    .from(psaCompanies)
    .where(and(eq(psaCompanies.tenantId, tenantId), inArray(psaCompanies.psa, [...psas]), eq(psaCompanies.psaId, psaId)));
}

export async function findCompanyById(db: Db, tenantId: string, companyId: string) {
  const rows = await db
    .select({ id: psaCompanies.id, name: psaCompanies.name, psa: psaCompanies.psa, psaId: psaCompanies.psaId })
    .from(psaCompanies)
    .where(and(eq(psaCompanies.tenantId, tenantId), eq(psaCompanies.id, companyId)))
    .limit(1);
  return rows[0] ?? null;
}

export async function listCompanyAgreements(db: Db, tenantId: string, companyId: string) {
  return db
    .select(agreementColumns)
    .from(agreements)
    .where(and(eq(agreements.tenantId, tenantId), eq(agreements.companyId, companyId)))
    .orderBy(asc(agreements.name));
}

/** Whether the tenant has any agreement synced from one of `psas`. */
export async function hasAgreementsOf(db: Db, tenantId: string, psas: readonly string[]): Promise<boolean> {
  const rows = await db.select({ id: agreements.id }).from(agreements).where(and(eq(agreements.tenantId, tenantId), inArray(agreements.psa, [...psas]))).limit(1);
  return rows.length > 0;
}
