/**
 * Vendor accounts marked "Not a customer / ignore" (migration 0012): the
 * tenant-wide ignored list and the statements that set or clear the mark.
 * The recompute skips ignored accounts (recon-input.ts), a trigger marks the
 * scope holding their rows dirty.
 */
import { and, asc, eq, isNotNull, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { vendorAccounts } from "../schema.ts";

export function listIgnoredAccounts(db: Db, tenantId: string) {
  return db
    .select({
      accountId: vendorAccounts.id,
      integrationId: vendorAccounts.integrationId,
      integrationName: sql<string>`(SELECT name FROM vendor_integrations WHERE id = ${vendorAccounts.integrationId})`,
      externalId: vendorAccounts.externalId,
      name: vendorAccounts.name,
      ignoredAt: sql<string>`${vendorAccounts.ignoredAt}`,
      ignoredBy: sql<string>`coalesce(${vendorAccounts.ignoredBy}, '')`,
    })
    .from(vendorAccounts)
    .where(and(eq(vendorAccounts.tenantId, tenantId), isNotNull(vendorAccounts.ignoredAt)))
    .orderBy(asc(vendorAccounts.name), asc(vendorAccounts.id));
}

/** Sets or clears the mark; `at` null un-ignores. */
export function setIgnoredStatement(db: Db, tenantId: string, accountId: string, at: string | null, by: string | null) {
  return db
    .update(vendorAccounts)
    .set({ ignoredAt: at, ignoredBy: by })
    .where(and(eq(vendorAccounts.tenantId, tenantId), eq(vendorAccounts.id, accountId)));
}

