/**
 * Sign-in attempt counters (core/pod/login-limit.ts). `reserveLoginAttempt`
 * is one atomic upsert: it starts a new window when the old one has ended,
 * otherwise adds one, and returns the count — so parallel guesses are
 * counted before any of them is checked.
 */
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { podLoginAttempts } from "../schema.ts";

export interface ReservedAttempt {
  attempts: number;
  windowStartedAt: string;
}

export async function reserveLoginAttempt(db: Db, tenantId: string, subject: string, now: string, cutoff: string, id: string): Promise<ReservedAttempt> {
  const expired = sql`${podLoginAttempts.windowStartedAt} <= ${cutoff}`;
  const rows = await db
    .insert(podLoginAttempts)
    .values({ id, tenantId, subject, attempts: 1, windowStartedAt: now })
    .onConflictDoUpdate({
      target: [podLoginAttempts.tenantId, podLoginAttempts.subject],
      set: {
        attempts: sql`CASE WHEN ${expired} THEN 1 ELSE ${podLoginAttempts.attempts} + 1 END`,
        windowStartedAt: sql`CASE WHEN ${expired} THEN ${now} ELSE ${podLoginAttempts.windowStartedAt} END`,
      },
    })
    .returning({ attempts: podLoginAttempts.attempts, windowStartedAt: podLoginAttempts.windowStartedAt });
  const row = rows[0];
  if (!row) throw new Error("login attempt upsert returned no row");
  return row;
}

/** A successful sign-in clears the subject's counter. */
export async function clearLoginAttempts(db: Db, tenantId: string, subject: string): Promise<void> {
  await db.delete(podLoginAttempts).where(and(eq(podLoginAttempts.tenantId, tenantId), eq(podLoginAttempts.subject, subject)));
}
