/**
 * Tenant provisioning: a tenant row, its first API key (returned once, stored
 * hashed) and the audit entry, written in one D1 batch.
 */
import type { Db } from "../db/client.ts";
import { auditStatement } from "../db/repos/audit.ts";
import { findTenant, insertApiKeyStatement, insertTenantStatement } from "../db/repos/tenants.ts";
import { generateApiKey, newId } from "./secrets.ts";

export interface CreatedTenant {
  tenantId: string;
  name: string;
  apiKey: string;
}

/** `tenantId` is given when the operator routed the tenant to another database up front (docs/scaling.md). */
export async function createTenant(db: Db, name: string, now: Date, tenantId = newId("tnt")): Promise<CreatedTenant> {
  const key = await generateApiKey();
  const at = now.toISOString();
  await db.batch([
    insertTenantStatement(db, { id: tenantId, name, createdAt: at }),
    insertApiKeyStatement(db, {
      id: newId("key"),
      tenantId,
      keyHash: key.hash,
      keyPrefix: key.prefix,
      label: "initial",
      createdAt: at,
    }),
    auditStatement(db, {
      tenantId,
      at,
      actor: "operator",
      action: "tenant.created",
      entityType: "tenant",
      entityId: tenantId,
      details: { name, keyPrefix: key.prefix },
    }),
  ]);
  return { tenantId, name, apiKey: key.key };
}

