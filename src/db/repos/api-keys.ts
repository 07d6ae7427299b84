/** Tenant API keys (hash only). */
import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../client.ts";
import { apiKeys } from "../schema.ts";

export async function findActiveKeyByHash(db: Db, keyHash: string) {
  const rows = await db
    .select({ tenantId: apiKeys.tenantId, keyPrefix: apiKeys.keyPrefix })
    .from(apiKeys)
    .where(and(eq(apiKeys.keyHash, keyHash), isNull(apiKeys.revokedAt)))
    .limit(1);
  return rows[0] ?? null;
}
