/**
 * PSA connections (psa_integrations). Every query is scoped by tenant except
 * two, and they say why: a webhook delivery finds its tenant *through* the
 * integration id in its URL, and the cron walks all tenants one by one.
 */
import { and, asc, eq, ne } from "drizzle-orm";
import type { Db } from "../client.ts";
import { psaIntegrations } from "../schema.ts";

export type PsaIntegration = typeof psaIntegrations.$inferSelect;
export type NewPsaIntegration = typeof psaIntegrations.$inferInsert;

export function insertIntegrationStatement(db: Db, row: NewPsaIntegration) {
  return db.insert(psaIntegrations).values(row);
}

export async function findIntegration(db: Db, tenantId: string, id: string): Promise<PsaIntegration | null> {
  const rows = await db
    .select()
    .from(psaIntegrations)
    .where(and(eq(psaIntegrations.tenantId, tenantId), eq(psaIntegrations.id, id)))
    .limit(1);
  return rows[0] ?? null;
}

/** Webhook routing: the unguessable integration id in the URL is how a delivery finds its tenant. */
export async function findIntegrationForDelivery(db: Db, id: string, kind: string): Promise<PsaIntegration | null> {
  const cache = cacheOf(db);
  const cached = cache.get(`${kind}:${id}`);
  if (cached && cached.until > Date.now()) return cached.row;
  const rows = await db
    .select()
    .from(psaIntegrations)
    .where(and(eq(psaIntegrations.id, id), eq(psaIntegrations.kind, kind), ne(psaIntegrations.status, "disconnected")))
    .limit(1);
  const row = rows[0] ?? null;
  if (row) {
    if (cache.size > 1000) cache.clear();
    cache.set(`${kind}:${id}`, { row, until: Date.now() + DELIVERY_CACHE_MS });
  }
  return row;
}

/**
 * Webhook bursts hit the same integration: its row is kept per isolate for a
 * few seconds. A disconnect or deactivation is seen by intake at most that
 * late; the queue consumer re-reads the row before doing any work. Kept per
 * database (createDb keeps one Db per binding): a row cached from one database
 * must not answer for another (tenant-db.ts findInDatabases: a stale copy left
 * in a tenant's former database never authenticates).
 */
const DELIVERY_CACHE_MS = 10_000;
const deliveryCaches = new WeakMap<Db, Map<string, { row: PsaIntegration; until: number }>>();

function cacheOf(db: Db): Map<string, { row: PsaIntegration; until: number }> {
  let cache = deliveryCaches.get(db);
  if (!cache) deliveryCaches.set(db, (cache = new Map()));
  return cache;
}

/** Drops a cached delivery row after this isolate changed the integration. */
export function forgetDeliveryIntegration(db: Db, kind: string, id: string): void {
  deliveryCaches.get(db)?.delete(`${kind}:${id}`);
}

/** The tenant's connected (active or polling-only) integration of a kind. */
export async function findConnectedIntegration(db: Db, tenantId: string, kind: string): Promise<PsaIntegration | null> {
  const rows = await db
    .select()
    .from(psaIntegrations)
    .where(and(eq(psaIntegrations.tenantId, tenantId), eq(psaIntegrations.kind, kind), ne(psaIntegrations.status, "disconnected")))
    .limit(1);
  return rows[0] ?? null;
}

export async function listIntegrations(db: Db, tenantId: string): Promise<PsaIntegration[]> {
  return db.select().from(psaIntegrations).where(eq(psaIntegrations.tenantId, tenantId)).orderBy(asc(psaIntegrations.createdAt));
}

/** Cron only: every connected integration of every tenant, processed tenant by tenant. */
export async function listConnectedIntegrationsAllTenants(db: Db): Promise<PsaIntegration[]> {
  return db
    .select()
    .from(psaIntegrations)
    .where(ne(psaIntegrations.status, "disconnected"))
    .orderBy(asc(psaIntegrations.tenantId), asc(psaIntegrations.id));
}

/** Tenants with at least one integration not disconnected (the cron fans out one message per tenant). */
export async function listTenantsWithConnectedIntegrations(db: Db): Promise<string[]> {
  const rows = await db.selectDistinct({ tenantId: psaIntegrations.tenantId }).from(psaIntegrations).where(ne(psaIntegrations.status, "disconnected")).orderBy(asc(psaIntegrations.tenantId));
  return rows.map((r) => r.tenantId);
}

/** One tenant's integrations that are not disconnected. */
export async function listConnectedIntegrations(db: Db, tenantId: string): Promise<PsaIntegration[]> {
  return db
    .select()
    .from(psaIntegrations)
    .where(and(eq(psaIntegrations.tenantId, tenantId), ne(psaIntegrations.status, "disconnected")))
    .orderBy(asc(psaIntegrations.id));
}

export function updateIntegrationStatement(db: Db, tenantId: string, id: string, patch: Partial<NewPsaIntegration>) {
  return db
    .update(psaIntegrations)
    .set({ ...patch, updatedAt: patch.updatedAt ?? new Date().toISOString() })
    .where(and(eq(psaIntegrations.tenantId, tenantId), eq(psaIntegrations.id, id)));
}
