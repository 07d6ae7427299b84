/**
 * Changing the count rule of an existing service → product mapping: stored
 * as JSON on the mapping, audited before → after in the same batch; the
 * mapping's trigger marks every reconciliation scope the service feeds.
 */
import { and, eq, sql } from "drizzle-orm";
import { type CountRule, isDefaultRule } from "../../core/reconcile/count-rules.ts";
import type { Db } from "../../db/client.ts";
import { auditStatement } from "../../db/repos/audit.ts";
import { runBatch } from "../../db/repos/ingest-ledger.ts";
import { readStoredRule } from "../../db/repos/snapshot.ts";
import { serviceMappings } from "../../db/schema.ts";
import type { TenantPrincipal } from "../../env.ts";

/** The column value: null for the default rule (the count as it is). */
export function storedRule(rule: CountRule | undefined): string | null {
  return rule === undefined || isDefaultRule(rule) ? null : JSON.stringify(rule);
}

export async function changeServiceRule(db: Db, who: TenantPrincipal, service: { id: string; name: string }, productKey: string, rule: CountRule, at: string): Promise<CountRule> {
  const where = and(eq(serviceMappings.tenantId, who.tenantId), eq(serviceMappings.serviceId, service.id), eq(serviceMappings.productKey, productKey));
  const [row] = await db.select({ rule: serviceMappings.rule }).from(serviceMappings).where(where).limit(1);
  const before = readStoredRule(row?.rule ?? null);
  const next = storedRule(rule);
  if ((row?.rule ?? null) === next) return rule;
  await runBatch(db, [
    db.update(serviceMappings).set({ rule: next }).where(and(where, sql`${serviceMappings.rule} IS NOT ${next}`)),
    auditStatement(db, {
      tenantId: who.tenantId,
      at,
      actor: who.actor,
      action: "mapping.service.rule-changed",
      entityType: "vendor_service",
      entityId: service.id,
      details: { serviceName: service.name, productKey, from: before, to: rule },
    }),
  ]);
  return rule;
}
