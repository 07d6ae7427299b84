/**
 * Pod session tokens (`tp_…`), issued to a ConnectWise member verified with
 * ConnectWise or to a signed-in tenant user (services/pod/sign-in.ts). Looked
 * up by SHA-256; expired, revoked and refresh sessions resolve to nothing,
 * and so does a user's session once the user is disabled. A member acts as
 * an approver (decides and notes in the pod); a user with their role.
 */
import type { Role } from "../../core/workspace/roles.ts";
import type { Db } from "../../db/client.ts";
import { findActivePodSession } from "../../db/repos/pod-sessions.ts";
import { findSessionUser } from "../../db/repos/workspace-users.ts";
import type { TenantPrincipal } from "../../env.ts";
import { sha256Hex } from "../../services/secrets.ts";

export async function resolvePodSession(db: Db, token: string): Promise<TenantPrincipal | null> {
  const now = new Date().toISOString();
  const hash = await sha256Hex(token);
  const session = await findActivePodSession(db, hash, ["member", "user"], now);
  if (!session) return null;
  if (session.kind === "member") return { tenantId: session.tenantId, via: "pod-session", actor: session.actor, role: "approver" };
  const user = await findSessionUser(db, hash, "user", now);
  return user ? { tenantId: user.tenantId, via: "pod-session", actor: session.actor, role: user.role as Role, userId: user.id } : null;
}
