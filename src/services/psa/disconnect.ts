/**
 * Disconnecting a PSA: remove the ConnectWise callback / Autotask webhook we
 * registered (a PSA that no longer knows it is fine), then mark the
 * integration disconnected. Synced agreements stay (decisions and the audit
 * log refer to them); they are no longer refreshed.
 */
import type { Db } from "../../db/client.ts";
import { auditStatement } from "../../db/repos/audit.ts";
import { findIntegration, forgetDeliveryIntegration, updateIntegrationStatement } from "../../db/repos/psa-integrations.ts";
import type { Env, TenantPrincipal } from "../../env.ts";
import { AppError } from "../../errors.ts";
import { openConnection } from "./connection.ts";
import { PsaHttpError } from "./http.ts";

export interface DisconnectResult {
  integrationId: string;
  status: "disconnected";
  remoteHookRemoved: boolean;
  warning: string | null;
}

async function removeRemoteHook(env: Env, db: Db, integration: Parameters<typeof openConnection>[2]): Promise<string | null> {
  if (!integration.remoteHookId) return null;
  const conn = await openConnection(env, db, integration);
  try {
    if (conn.kind === "connectwise") await conn.client.deleteCallback(integration.remoteHookId);
    else await conn.client.remove(`CompanyWebhooks/${integration.remoteHookId}`);
    return null;
  } catch (error) {
    if (error instanceof PsaHttpError && error.status === 404) return null;
    return `The PSA hook ${integration.remoteHookId} could not be removed (${error instanceof Error ? error.message : String(error)}); remove it in the PSA.`;
  }
}

export async function disconnectIntegration(env: Env, db: Db, who: TenantPrincipal, id: string, now: Date): Promise<DisconnectResult> {
  const integration = await findIntegration(db, who.tenantId, id);
  if (!integration) throw new AppError("not_found", "Integration not found");
  if (integration.status === "disconnected") return { integrationId: id, status: "disconnected", remoteHookRemoved: true, warning: null };
  const warning = await removeRemoteHook(env, db, integration);
  forgetDeliveryIntegration(db, integration.kind, id);
  const at = now.toISOString();
  await db.batch([
    updateIntegrationStatement(db, who.tenantId, id, { status: "disconnected", disconnectedAt: at, updatedAt: at }),
    auditStatement(db, {
      tenantId: who.tenantId,
      at,
      actor: who.actor,
      action: "psa.disconnected",
      entityType: "psa_integration",
      entityId: id,
      details: { kind: integration.kind, remoteHookId: integration.remoteHookId, warning },
    }),
  ]);
  return { integrationId: id, status: "disconnected", remoteHookRemoved: warning === null, warning };
}
