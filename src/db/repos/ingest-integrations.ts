/**
 * Vendor integrations and their keys (`ti_` integration keys, Gradient
 * vendor/partner key pairs): hashes only, every query scoped by tenant.
 */
import { and, desc, eq, isNull } from "drizzle-orm";
import type { Db } from "../client.ts";
import { ingestKeys, ingestPullSecrets, vendorIntegrations } from "../schema.ts";

export type IntegrationRow = typeof vendorIntegrations.$inferSelect;

export interface NewIntegration {
  id: string;
  tenantId: string;
  kind: string;
  name: string;
  status: string;
  config: string | null;
  createdAt: string;
}

export function insertIntegrationStatement(db: Db, integration: NewIntegration) {
  return db.insert(vendorIntegrations).values(integration);
}

/** Idempotent: default integrations (e.g. the tenant's "Batch API") have deterministic ids. */
export function ensureIntegrationStatement(db: Db, integration: NewIntegration) {
  return db.insert(vendorIntegrations).values(integration).onConflictDoNothing();
}

export interface NewKey {
  id: string;
  tenantId: string;
  integrationId: string;
  kind: "integration" | "gradient";
  keyHash: string;
  vendorKeyHash: string | null;
  keyPrefix: string;
  createdAt: string;
}

export function insertKeyStatement(db: Db, key: NewKey) {
  return db.insert(ingestKeys).values(key);
}

export async function findIntegration(db: Db, tenantId: string, integrationId: string): Promise<IntegrationRow | null> {
  const rows = await db
    .select()
    .from(vendorIntegrations)
    .where(and(eq(vendorIntegrations.tenantId, tenantId), eq(vendorIntegrations.id, integrationId)))
    .limit(1);
  return rows[0] ?? null;
}

export function listIntegrations(db: Db, tenantId: string) {
  return db.select().from(vendorIntegrations).where(eq(vendorIntegrations.tenantId, tenantId)).orderBy(desc(vendorIntegrations.createdAt));
}

export function disconnectStatements(db: Db, tenantId: string, integrationId: string, at: string) {
  return [
    db
      .update(vendorIntegrations)
      .set({ status: "disconnected", disconnectedAt: at })
      .where(and(eq(vendorIntegrations.tenantId, tenantId), eq(vendorIntegrations.id, integrationId))),
    db
      .update(ingestKeys)
      .set({ revokedAt: at })
      .where(and(eq(ingestKeys.tenantId, tenantId), eq(ingestKeys.integrationId, integrationId), isNull(ingestKeys.revokedAt))),
  ] as const;
}

export function setIntegrationStatus(db: Db, tenantId: string, integrationId: string, status: string) {
  return db
    .update(vendorIntegrations)
    .set({ status })
    .where(and(eq(vendorIntegrations.tenantId, tenantId), eq(vendorIntegrations.id, integrationId)));
}

export function renameIntegrationStatement(db: Db, tenantId: string, integrationId: string, name: string) {
  return db
    .update(vendorIntegrations)
    .set({ name })
    .where(and(eq(vendorIntegrations.tenantId, tenantId), eq(vendorIntegrations.id, integrationId)));
}

export function setIntegrationConfig(db: Db, tenantId: string, integrationId: string, config: string) {
  return db
    .update(vendorIntegrations)
    .set({ config })
    .where(and(eq(vendorIntegrations.tenantId, tenantId), eq(vendorIntegrations.id, integrationId)));
}

export interface ActiveKey {
  tenantId: string;
  integrationId: string;
  keyPrefix: string;
  vendorKeyHash: string | null;
  integrationKind: string;
}

/**
 * An unrevoked key of a connected integration, looked up by hash. This is the
 * authentication lookup itself, so it is the one query not scoped by a tenant
 * (the tenant is what it finds); it matches only on the key's own hash.
 */
export async function findActiveKeyByHash(db: Db, kind: "integration" | "gradient", keyHash: string): Promise<ActiveKey | null> {
  const rows = await db
    .select({
      tenantId: ingestKeys.tenantId,
      integrationId: ingestKeys.integrationId,
      keyPrefix: ingestKeys.keyPrefix,
      vendorKeyHash: ingestKeys.vendorKeyHash,
      integrationKind: vendorIntegrations.kind,
    })
    .from(ingestKeys)
    .innerJoin(vendorIntegrations, and(eq(vendorIntegrations.id, ingestKeys.integrationId), eq(vendorIntegrations.tenantId, ingestKeys.tenantId)))
    .where(and(eq(ingestKeys.keyHash, keyHash), eq(ingestKeys.kind, kind), isNull(ingestKeys.revokedAt), isNull(vendorIntegrations.disconnectedAt)))
    .limit(1);
  return rows[0] ?? null;
}

export function upsertPullSecretStatement(db: Db, row: typeof ingestPullSecrets.$inferInsert) {
  return db
    .insert(ingestPullSecrets)
    .values(row)
    .onConflictDoUpdate({ target: ingestPullSecrets.integrationId, set: { credentials: row.credentials, accessToken: null, tokenExpiresAt: null, updatedAt: row.updatedAt } });
}

export async function findPullSecret(db: Db, tenantId: string, integrationId: string) {
  const rows = await db
    .select()
    .from(ingestPullSecrets)
    .where(and(eq(ingestPullSecrets.tenantId, tenantId), eq(ingestPullSecrets.integrationId, integrationId)))
    .limit(1);
  return rows[0] ?? null;
}

export async function saveAccessToken(db: Db, tenantId: string, integrationId: string, sealedToken: string | null, expiresAt: string | null, at: string) {
  await db
    .update(ingestPullSecrets)
    .set({ accessToken: sealedToken, tokenExpiresAt: expiresAt, updatedAt: at })
    .where(and(eq(ingestPullSecrets.tenantId, tenantId), eq(ingestPullSecrets.integrationId, integrationId)));
}
