/**
 * Vendor integration keys (`ti_…`), issued per "batch" integration by
 * POST /api/v1/integrations and accepted where a route allows them (the batch
 * usage API). Looked up by SHA-256 only; a revoked key or a disconnected
 * integration no longer resolves.
 */
import type { Db } from "../../db/client.ts";
import { findActiveKeyByHash } from "../../db/repos/ingest-integrations.ts";
import type { TenantPrincipal } from "../../env.ts";
import { sha256Hex } from "../../services/secrets.ts";

const KEY_PATTERN = /^ti_[0-9A-Za-z]{40}$/;

export async function resolveIntegrationKey(db: Db, token: string): Promise<TenantPrincipal | null> {
  if (!KEY_PATTERN.test(token)) return null;
  const key = await findActiveKeyByHash(db, "integration", await sha256Hex(token));
  if (!key) return null;
  return { tenantId: key.tenantId, via: "integration-key", actor: `integration-key:${key.keyPrefix}`, integrationId: key.integrationId, role: null };
}
