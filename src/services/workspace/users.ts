/**
 * Managing tenant users from the workspace (admins only; routes enforce the
 * role): list, change role, disable/enable, reset a password. Disabling or a
 * new password ends the user's sessions in the same batch; the tenant always
 * keeps an active admin (the guarded update refuses otherwise). Each change
 * is audited with before → after.
 */
import type { Role } from "../../core/workspace/roles.ts";
import type { Db } from "../../db/client.ts";
import { applyUserChange, findTenantUser, listTenantUsers } from "../../db/repos/workspace-users.ts";
import { AppError } from "../../errors.ts";
import type { UserView } from "../../shared/workspace-types.ts";
import { hashPassword } from "../pod/passwords.ts";

type UserRow = Awaited<ReturnType<typeof listTenantUsers>>[number];

function toView(row: UserRow): UserView {
  return {
    id: row.id,
    email: row.email,
    displayName: row.displayName,
    role: row.role as Role,
    disabled: row.disabledAt !== null,
    createdAt: row.createdAt,
    lastSignInAt: row.lastSignInAt,
  };
}

export async function listUsers(db: Db, tenantId: string): Promise<UserView[]> {
  return (await listTenantUsers(db, tenantId)).map(toView);
}

export interface UserPatch {
  role?: Role;
  disabled?: boolean;
  password?: string;
}

export async function updateUser(db: Db, tenantId: string, userId: string, patch: UserPatch, actor: string, now: Date): Promise<UserView> {
  const before = await findTenantUser(db, tenantId, userId);
  if (!before) throw new AppError("not_found", "User not found");
  const at = now.toISOString();
  const disabledAt = patch.disabled === undefined ? before.disabledAt : patch.disabled ? (before.disabledAt ?? at) : null;
  const change = {
    role: patch.role ?? before.role,
    disabledAt,
    passwordHash: patch.password === undefined ? before.passwordHash : await hashPassword(patch.password),
  };
  const endSessions = patch.password !== undefined || (disabledAt !== null && before.disabledAt === null);
  const auditDetails = {
    email: before.email,
    before: { role: before.role, disabled: before.disabledAt !== null },
    after: { role: change.role, disabled: disabledAt !== null },
    passwordReset: patch.password !== undefined,
  };
  const applied = await applyUserChange(db, { tenantId, userId, ...change, endSessions, at, actor, auditDetails });
  if (!applied) throw new AppError("conflict", "The tenant must keep an active admin: make another user admin first");
  return toView({ ...before, role: change.role, disabledAt });
}
