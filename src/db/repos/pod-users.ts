/** Tenant users of the standalone view (email lower-cased; password as a PBKDF2 hash only). */
import { and, eq } from "drizzle-orm";
import type { Db } from "../client.ts";
import { tenantUsers } from "../schema.ts";

export interface NewTenantUser {
  id: string;
  tenantId: string;
  email: string;
  displayName: string | null;
  passwordHash: string;
  role: string;
  createdBy: string;
  createdAt: string;
}

/** A duplicate email violates tenant_users_email_uq; the batch it is in rolls back (the caller answers 409). */
export function insertTenantUserStatement(db: Db, user: NewTenantUser) {
  return db.insert(tenantUsers).values(user);
}

export async function findTenantUserByEmail(db: Db, tenantId: string, email: string) {
  const rows = await db
    .select()
    .from(tenantUsers)
    .where(and(eq(tenantUsers.tenantId, tenantId), eq(tenantUsers.email, email)))
    .limit(1);
  return rows[0] ?? null;
}
