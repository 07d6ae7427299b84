/**
 * Pod session tokens (`tp_…`), issued to a ConnectWise member verified with
 * ConnectWise or to a signed-in tenant user (services/pod/sign-in.ts). Looked
 * up by SHA-256; expired, revoked and refresh sessions resolve to nothing.
 */
import type { Db } from "../../db/client.ts";
import { findActivePodSession } from "../../db/repos/pod-sessions.ts";
import type { TenantPrincipal } from "../../env.ts";
import { sha256Hex } from "../../services/secrets.ts";

export async function resolvePodSession(db: Db, token: string): Promise<TenantPrincipal | null> {
  const session = await findActivePodSession(db, await sha256Hex(token), ["member", "user"], new Date().toISOString());
  return session ? { tenantId: session.tenantId, via: "pod-session", actor: session.actor } : null;
}
