/**
 * Setting an integration's arrears calendar (core/reconcile/calendar.ts):
 * stored on the integration, audited before → after; the integration's
 * trigger marks every reconciliation scope its accounts feed.
 */
import { and, eq } from "drizzle-orm";
import { calendarOf, type SourceCalendar } from "../../core/reconcile/calendar.ts";
import type { Db } from "../../db/client.ts";
import { auditStatement } from "../../db/repos/audit.ts";
import { runBatch } from "../../db/repos/ingest-ledger.ts";
import { vendorIntegrations } from "../../db/schema.ts";
import type { TenantPrincipal } from "../../env.ts";
import { AppError } from "../../errors.ts";

export interface CalendarView {
  integrationId: string;
  /** What applies now (the kind's default when none was set). */
  calendar: SourceCalendar | { covers: "current" };
}

export async function setIntegrationCalendar(db: Db, who: TenantPrincipal, integrationId: string, calendar: SourceCalendar, now: Date): Promise<CalendarView> {
  const where = and(eq(vendorIntegrations.tenantId, who.tenantId), eq(vendorIntegrations.id, integrationId));
  const [integration] = await db.select().from(vendorIntegrations).where(where).limit(1);
  if (!integration) throw new AppError("not_found", "Integration not found");
  const before = calendarOf(integration.kind, integration.calendar ? (JSON.parse(integration.calendar) as SourceCalendar) : null) ?? { covers: "current" };
  await runBatch(db, [
    db.update(vendorIntegrations).set({ calendar: JSON.stringify(calendar) }).where(where),
    auditStatement(db, {
      tenantId: who.tenantId,
      at: now.toISOString(),
      actor: who.actor,
      action: "integration.calendar-changed",
      entityType: "integration",
      entityId: integrationId,
      details: { from: before, to: calendar },
    }),
  ]);
  return { integrationId, calendar: calendarOf(integration.kind, calendar) ?? { covers: "current" } };
}
