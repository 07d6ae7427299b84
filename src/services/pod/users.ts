/**
 * Creating tenant users for the standalone (Autotask) view: by the operator
 * (`POST /api/admin/tenants/:tenantId/users`, also scripts/create-user.ts) or
 * by the tenant (`POST /api/v1/users`: its API key or a workspace admin). The password is
 * stored as a PBKDF2 hash only; the user and its audit entry commit together.
 */
import type { Db } from "../../db/client.ts";
import { auditStatement } from "../../db/repos/audit.ts";
import { insertTenantUserStatement } from "../../db/repos/pod-users.ts";
import { findTenant } from "../../db/repos/tenants.ts";
import { AppError } from "../../errors.ts";
import { newId } from "../secrets.ts";
import { hashPassword } from "./passwords.ts";
import type { Role } from "../../core/workspace/roles.ts";
import type { CreatedWorkspaceUserResponse } from "../../shared/workspace-types.ts";

export interface NewUserInput {
  email: string;
  password: string;
  displayName?: string | null;
  /** Workspace role; a user created without one may only read (viewer). */
  role?: Role;
}

export async function createTenantUser(db: Db, tenantId: string, input: NewUserInput, createdBy: string, now: Date): Promise<CreatedWorkspaceUserResponse> {
  if (!(await findTenant(db, tenantId))) throw new AppError("not_found", "Tenant not found");
  const email = input.email.trim().toLowerCase();
  const userId = newId("usr");
  const at = now.toISOString();
  const displayName = input.displayName?.trim() || null;
  const role = input.role ?? "viewer";
  try {
    await db.batch([
      insertTenantUserStatement(db, { id: userId, tenantId, email, displayName, role, passwordHash: await hashPassword(input.password), createdBy, createdAt: at }),
      auditStatement(db, { tenantId, at, actor: createdBy, action: "pod.user.created", entityType: "tenant_user", entityId: userId, details: { email, role } }),
    ]);
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("conflict", `body.email: a user with this email already exists`);
    throw error;
  }
  const user = { id: userId, email, displayName, role, disabled: false, createdAt: at, lastSignInAt: null };
  return { userId, tenantId, email, displayName, role, user };
}

function isUniqueViolation(error: unknown): boolean {
  const texts = [error instanceof Error ? error.message : "", error instanceof Error && error.cause instanceof Error ? error.cause.message : ""];
  return texts.some((text) => text.includes("UNIQUE constraint failed"));
}
