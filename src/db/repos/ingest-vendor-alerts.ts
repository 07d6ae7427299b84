/** Alerts sent through the Gradient-compatible API (`ingest_vendor_alerts`), scoped by tenant, integration and vendor account. */
import { and, desc, eq } from "drizzle-orm";
import type { Db } from "../client.ts";
import { ingestVendorAlerts } from "../schema.ts";

export type VendorAlertRow = typeof ingestVendorAlerts.$inferSelect;

export async function insertVendorAlert(db: Db, row: VendorAlertRow): Promise<void> {
  await db.insert(ingestVendorAlerts).values(row);
}

export async function findVendorAlert(db: Db, tenantId: string, integrationId: string, messageId: string): Promise<VendorAlertRow | null> {
  const rows = await db.select().from(ingestVendorAlerts)
    .where(and(eq(ingestVendorAlerts.tenantId, tenantId), eq(ingestVendorAlerts.integrationId, integrationId), eq(ingestVendorAlerts.id, messageId)))
    .limit(1);
  return rows[0] ?? null;
}

/** An account's alerts, newest first (for showing them on the account's reconciliation rows). */
export function listAccountAlerts(db: Db, tenantId: string, integrationId: string, accountExternalId: string, limit = 20) {
  return db.select().from(ingestVendorAlerts)
    .where(and(eq(ingestVendorAlerts.tenantId, tenantId), eq(ingestVendorAlerts.integrationId, integrationId), eq(ingestVendorAlerts.accountExternalId, accountExternalId)))
    .orderBy(desc(ingestVendorAlerts.receivedAt))
    .limit(limit);
}
