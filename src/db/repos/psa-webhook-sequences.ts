/**
 * The highest Autotask webhook SequenceNumber seen per webhook Guid of an
 * integration (migration 0014), scoped by tenant. Reading the old value and
 * raising it happen in one batch (one transaction), so two concurrent
 * deliveries each see the number the other one left.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { psaWebhookSequences } from "../schema.ts";

export interface SequenceScope {
  tenantId: string;
  integrationId: string;
  webhookGuid: string;
}

/** Records `sequence` (keeping the highest) and returns the highest seen before it, or null for the webhook's first. */
export async function noteSequence(db: Db, scope: SequenceScope, sequence: number, at: string): Promise<number | null> {
  const t = psaWebhookSequences;
  const [before] = await db.batch([
    db
      .select({ last: t.lastSequence })
      .from(t)
      .where(and(eq(t.tenantId, scope.tenantId), eq(t.integrationId, scope.integrationId), eq(t.webhookGuid, scope.webhookGuid))),
    db
      .insert(t)
      .values({ id: `${scope.integrationId}:${scope.webhookGuid}`, ...scope, lastSequence: sequence, updatedAt: at })
      .onConflictDoUpdate({ target: [t.tenantId, t.integrationId, t.webhookGuid], set: { lastSequence: sql`max(${t.lastSequence}, excluded.last_sequence)`, updatedAt: at } }),
  ]);
  return before[0]?.last ?? null;
}
