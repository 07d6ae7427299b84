/**
 * Alerts, their delivery log and the tenant's alert settings. Alerts are
 * raised by triggers (migration 0009) and the cron (services/workspace/alert-cron.ts);
 * here they are listed, claimed for delivery once, and their channel states
 * and delivery attempts recorded. Every query is scoped by tenant.
 */
import { and, desc, eq, isNull, lt, or, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { alertDeliveries, alerts, alertSettings } from "../schema.ts";

export type AlertRow = typeof alerts.$inferSelect;

export interface AlertCursor {
  at: string;
  id: string;
}

export async function readAlertPage(db: Db, tenantId: string, before: AlertCursor | null, limit: number): Promise<AlertRow[]> {
  return db
    .select()
    .from(alerts)
    .where(and(eq(alerts.tenantId, tenantId), before ? or(lt(alerts.at, before.at), and(eq(alerts.at, before.at), lt(alerts.id, before.id))) : undefined))
    .orderBy(desc(alerts.at), desc(alerts.id))
    .limit(limit + 1);
}

export async function findAlert(db: Db, tenantId: string, id: string): Promise<AlertRow | null> {
  const rows = await db.select().from(alerts).where(and(eq(alerts.tenantId, tenantId), eq(alerts.id, id))).limit(1);
  return rows[0] ?? null;
}

/**
 * Marks up to `limit` undispatched alerts of the tenant as dispatched and
 * returns them, so each is queued once; a channel the tenant has not set up
 * is settled as `none` right here (nothing to queue for it).
 */
export async function claimUndispatched(db: Db, tenantId: string, at: string, limit: number, channels: { email: boolean; webhook: boolean }): Promise<string[]> {
  const d1 = db.$client as D1Database;
  const result = await d1
    .prepare(
      `UPDATE alerts SET dispatched_at = ?2,
         email_state = CASE WHEN ?4 = 1 THEN email_state ELSE 'none' END,
         webhook_state = CASE WHEN ?5 = 1 THEN webhook_state ELSE 'none' END
       WHERE id IN (SELECT id FROM alerts WHERE tenant_id = ?1 AND dispatched_at IS NULL LIMIT ?3) RETURNING id`,
    )
    .bind(tenantId, at, limit, channels.email ? 1 : 0, channels.webhook ? 1 : 0)
    .all<{ id: string }>();
  return result.results.map((r) => r.id);
}

/** Tenants with alerts waiting to be queued (the cron's sweep after raising its own). */
export async function tenantsWithUndispatched(db: Db, limit: number): Promise<string[]> {
  const rows = await db.selectDistinct({ tenantId: alerts.tenantId }).from(alerts).where(isNull(alerts.dispatchedAt)).limit(limit);
  return rows.map((r) => r.tenantId);
}

export function setChannelState(db: Db, tenantId: string, id: string, channel: "email" | "webhook", state: string) {
  const set = channel === "email" ? { emailState: state } : { webhookState: state };
  return db.update(alerts).set(set).where(and(eq(alerts.tenantId, tenantId), eq(alerts.id, id)));
}

export interface DeliveryAttempt {
  id: string;
  tenantId: string;
  alertId: string | null;
  channel: "email" | "webhook";
  target: string;
  status: string;
  responseStatus: number | null;
  lastError: string | null;
  subject: string;
  body: string;
  at: string;
}

/** One row per alert × channel (id is deterministic); each attempt bumps `attempts`. Returns the attempt count. */
export async function recordDelivery(db: Db, a: DeliveryAttempt): Promise<number> {
  const delivered = a.status === "sent" || a.status === "logged" ? a.at : null;
  const rows = await db
    .insert(alertDeliveries)
    .values({ ...a, attempts: 1, createdAt: a.at, deliveredAt: delivered })
    .onConflictDoUpdate({
      target: alertDeliveries.id,
      set: { attempts: sql`${alertDeliveries.attempts} + 1`, status: a.status, responseStatus: a.responseStatus, lastError: a.lastError, deliveredAt: delivered },
    })
    .returning({ attempts: alertDeliveries.attempts });
  return rows[0]?.attempts ?? 1;
}

export async function listDeliveries(db: Db, tenantId: string, limit: number) {
  return db.select().from(alertDeliveries).where(eq(alertDeliveries.tenantId, tenantId)).orderBy(desc(alertDeliveries.createdAt)).limit(limit);
}

export async function findAlertSettings(db: Db, tenantId: string) {
  const rows = await db.select().from(alertSettings).where(eq(alertSettings.tenantId, tenantId)).limit(1);
  return rows[0] ?? null;
}

export type AlertSettingsRow = typeof alertSettings.$inferInsert;

export async function saveAlertSettings(db: Db, row: AlertSettingsRow): Promise<void> {
  const { tenantId: _t, ...set } = row;
  await db.insert(alertSettings).values(row).onConflictDoUpdate({ target: alertSettings.tenantId, set });
}

/** Alerts vendors pushed through the Gradient-compatible alerting API (table of migration 0008, when present). */
export async function readVendorAlerts(db: Db, tenantId: string, limit: number): Promise<Record<string, unknown>[]> {
  const d1 = db.$client as D1Database;
  const exists = await d1.prepare("SELECT 1 AS x FROM sqlite_master WHERE type = 'table' AND name = 'vendor_alerts'").first();
  if (!exists) return [];
  const result = await d1.prepare("SELECT * FROM vendor_alerts WHERE tenant_id = ?1 ORDER BY rowid DESC LIMIT ?2").bind(tenantId, limit).all<Record<string, unknown>>();
  return result.results;
}
