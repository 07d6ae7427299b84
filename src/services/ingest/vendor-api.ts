/**
 * The Gradient-compatible vendor API (reference §1): the same resources and
 * JSON shapes as Gradient's `/api/vendor-api`, mapped onto one vendor-api
 * integration: the vendor is the integration, its "skus" are vendor-level
 * services, accounts are vendor accounts, clients are the MSP's PSA
 * companies. Unlike Gradient, a count for an account or service nobody has
 * mapped (or even created) is accepted, stored through the ledger, and shows
 * up as unmapped — it is never a 404 and never dropped.
 */
import { parseQuantity } from "../../core/usage/push-counts.ts";
import { periodOfInstant } from "../../core/usage/date-cell.ts";
import type { Db } from "../../db/client.ts";
import { findIntegration, setIntegrationConfig, setIntegrationStatus } from "../../db/repos/ingest-integrations.ts";
import { applyStatements, changesOf, createdAccountIds, logStatements, runBatch } from "../../db/repos/ingest-ledger.ts";
import { insertPushStatement, tallyAppliedStatement } from "../../db/repos/ingest-pushes.ts";
import { type GradientServiceRow, lastPushAt, listGradientServices, mappedFlags, type Scope } from "../../db/repos/ingest-vendor-api.ts";
import { findTenant } from "../../db/repos/tenants.ts";
import type { TenantPrincipal } from "../../env.ts";
import { AppError } from "../../errors.ts";
import { newId, sha256Hex } from "../secrets.ts";
import { autoMapNewAccounts } from "./auto-map.ts";

export const INTEGRATION_STATUSES = ["active", "inactive", "pending", "disabled", "error"] as const;

export interface VendorProfile {
  name?: string | undefined;
  description?: string | undefined;
  vendorSupportPageUrl?: string | undefined;
  integrationPortalUrl?: string | undefined;
}

export function scopeOf(who: TenantPrincipal): Scope {
  return { tenantId: who.tenantId, integrationId: who.integrationId as string };
}

async function loadIntegration(db: Db, s: Scope) {
  const integration = await findIntegration(db, s.tenantId, s.integrationId);
  if (!integration) throw new AppError("unauthorized", "Unauthorized");
  const profile = (integration.config ? (JSON.parse(integration.config) as { vendor?: VendorProfile }).vendor : undefined) ?? {};
  return { integration, profile };
}

/** Gradient's VendorSkuData. */
export function toSku(row: GradientServiceRow) {
  return {
    _id: row.externalId, id: row.externalId, name: row.name, description: row.description ?? "", logo: null,
    category: row.category, subcategory: row.subcategory, supportArticle: row.supportArticle, supportContact: row.supportContact,
  };
}

/** Gradient's vendor object (GET /api/vendor-api `data`). */
export async function vendorData(db: Db, s: Scope) {
  const [{ integration, profile }, services] = await Promise.all([loadIntegration(db, s), listGradientServices(db, s, "vendor")]);
  return {
    _id: integration.id, id: integration.id, name: profile.name ?? integration.name, description: profile.description ?? "",
    integrationType: "custom", isDistributor: false, externalIntegrationStatus: integration.status,
    mappingResponsibilities: ["accounts", "services"], modules: [{ variation: "billing" }], organizationId: s.tenantId, attributes: [],
    vendorSupportPageUrl: profile.vendorSupportPageUrl ?? null, integrationPortalUrl: profile.integrationPortalUrl ?? null,
    skus: services.map(toSku), createdAt: integration.createdAt, updatedAt: integration.createdAt, __v: 0,
  };
}

export async function updateVendor(db: Db, s: Scope, patch: VendorProfile) {
  const { integration, profile } = await loadIntegration(db, s);
  const config = integration.config ? (JSON.parse(integration.config) as Record<string, unknown>) : {};
  const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined));
  await setIntegrationConfig(db, s.tenantId, s.integrationId, JSON.stringify({ ...config, vendor: { ...profile, ...defined } }));
  return vendorData(db, s);
}

/** Gradient's partner integration object (GET /api/vendor-api/organization). */
export async function organization(db: Db, s: Scope) {
  const [{ integration, profile }, tenant, lastSyncedAt] = await Promise.all([loadIntegration(db, s), findTenant(db, s.tenantId), lastPushAt(db, s)]);
  return {
    organizationId: s.tenantId, name: tenant?.name ?? "", vendorId: integration.id, vendorName: profile.name ?? integration.name,
    integrationId: integration.id, status: integration.status, lastSyncedAt,
  };
}

export async function setStatus(db: Db, s: Scope, status: string) {
  if (!(INTEGRATION_STATUSES as readonly string[]).includes(status)) {
    throw new AppError("validation_failed", `status must be one of ${INTEGRATION_STATUSES.join(", ")}`);
  }
  await setIntegrationStatus(db, s.tenantId, s.integrationId, status);
  return organization(db, s);
}

export interface CountInput {
  accountId: string;
  unitCount: string;
}

/**
 * POST /service/:id/count. The count lands in the ledger and is applied in one
 * batch with its push record; unknown accounts/services are created with
 * their id as name (the vendor can name them later) and show as unmapped.
 * The count is for the current month (Gradient has no period field), so it
 * can never be for a future one. A count equal to the stored figure writes
 * no ledger row (`unchanged: true`): it only confirms the figure.
 */
export async function recordCount(db: Db, who: TenantPrincipal, serviceId: string, input: CountInput, rawBody: string, now: Date) {
  const quantity = parseQuantity(input.unitCount);
  if (!quantity.ok) throw new AppError("validation_failed", `unitCount: ${quantity.error}`);
  const s = scopeOf(who);
  const pushId = newId("psh");
  const at = now.toISOString();
  const draft = {
    accountExternalId: input.accountId, accountName: null, accountDescription: null, serviceExternalId: serviceId, serviceName: null,
    serviceCategory: null, serviceUnit: null, period: periodOfInstant(now), quantity: quantity.value, costMinor: null, costCurrency: null,
    observedAt: at, sourceRef: `vendor-api:${pushId}`, lineCount: null,
  };
  const logs = logStatements(db, { ...s, sourceKind: "vendor-api", sourceId: pushId, receivedAt: at }, [draft], { skipUnchanged: true });
  const results = await runBatch(db, [
    insertPushStatement(db, { id: pushId, tenantId: s.tenantId, integrationId: s.integrationId, sourceKind: "vendor-api", idempotencyKey: null, bodyHash: await sha256Hex(rawBody), actor: who.actor, countsReceived: 1, receivedAt: at }),
    ...logs,
    ...applyStatements(db, { ...s, sourceId: pushId, now: at }),
    tallyAppliedStatement(db, s.tenantId, pushId),
  ]);
  await autoMapNewAccounts(db, s.tenantId, createdAccountIds(results[1 + logs.length]), now);
  const mapped = await mappedFlags(db, s, input.accountId, serviceId);
  const unchanged = changesOf(results[1]) === 0;
  return { accountId: input.accountId, serviceId, unitCount: quantity.value, period: draft.period, pushId, unchanged, mapped };
}
