/** Tenant API keys (`tu_…`): looked up by SHA-256, never stored in clear. */
import type { Db } from "../../db/client.ts";
import { findActiveKeyByHash } from "../../db/repos/api-keys.ts";
import type { TenantPrincipal } from "../../env.ts";
import { sha256Hex } from "../../services/secrets.ts";

export async function resolveApiKey(db: Db, token: string): Promise<TenantPrincipal | null> {
  const key = await findActiveKeyByHash(db, await sha256Hex(token));
  return key ? { tenantId: key.tenantId, via: "api-key", actor: `api-key:${key.keyPrefix}`, role: "admin" } : null;
}
