/**
 * The last step of connecting a PSA: store the integration and its audit row
 * in one batch — removing the hook just registered in the PSA if that fails,
 * so no orphan callback keeps firing — and start the first full sync.
 */
import type { Db } from "../../db/client.ts";
import { auditStatement } from "../../db/repos/audit.ts";
import { findIntegration, insertIntegrationStatement, type NewPsaIntegration } from "../../db/repos/psa-integrations.ts";
import type { Env, TenantPrincipal } from "../../env.ts";
import { startSyncRun } from "./sync-runs.ts";

export async function storeConnection(
  env: Env,
  db: Db,
  who: TenantPrincipal,
  row: NewPsaIntegration & { id: string },
  details: Record<string, unknown>,
  removeHook: () => Promise<unknown>,
  now: Date,
): Promise<string | null> {
  const at = now.toISOString();
  try {
    await db.batch([
      insertIntegrationStatement(db, { ...row, createdAt: at, updatedAt: at }),
      auditStatement(db, { tenantId: who.tenantId, at, actor: who.actor, action: "psa.connected", entityType: "psa_integration", entityId: row.id, details }),
    ]);
  } catch (error) {
    await removeHook().catch(() => undefined);
    throw error;
  }
  const integration = await findIntegration(db, who.tenantId, row.id);
  return integration ? (await startSyncRun(env, db, integration, "full", now)).runId : null;
}
