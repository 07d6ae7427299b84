/** Tenants and their API keys. */
import { eq } from "drizzle-orm";
import type { Db } from "../client.ts";
import { apiKeys, tenants } from "../schema.ts";

export interface NewTenant {
  id: string;
  name: string;
  createdAt: string;
}

export interface NewApiKey {
  id: string;
  tenantId: string;
  keyHash: string;
  keyPrefix: string;
  label: string;
  createdAt: string;
}

export function insertTenantStatement(db: Db, tenant: NewTenant) {
  return db.insert(tenants).values(tenant);
}

export function insertApiKeyStatement(db: Db, key: NewApiKey) {
  return db.insert(apiKeys).values(key);
}

export async function findTenant(db: Db, tenantId: string) {
  const rows = await db.select().from(tenants).where(eq(tenants.id, tenantId)).limit(1);
  return rows[0] ?? null;
}
