/**
 * Display names of the people behind pod actors: ConnectWise members (saved
 * at sign-in, pod_people) and standalone tenant users (tenant_users), so the
 * pod shows "Jo Smith" where the audit trail says `member:jsmith`.
 */
import { and, eq, isNotNull, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { podPeople, tenantUsers } from "../schema.ts";

export async function savePersonName(db: Db, tenantId: string, actor: string, displayName: string, now: Date): Promise<void> {
  const updatedAt = now.toISOString();
  await db
    .insert(podPeople)
    .values({ tenantId, actor, displayName, updatedAt })
    .onConflictDoUpdate({ target: [podPeople.tenantId, podPeople.actor], set: { displayName, updatedAt } });
}

/** actor → display name for everyone the tenant knows a name for (members seen, users with a name). */
export async function listPeopleNames(db: Db, tenantId: string): Promise<Record<string, string>> {
  const [members, users] = await db.batch([
    db.select({ actor: podPeople.actor, name: podPeople.displayName }).from(podPeople).where(eq(podPeople.tenantId, tenantId)),
    db
      .select({ actor: sql<string>`'user:' || ${tenantUsers.email}`, name: sql<string>`${tenantUsers.displayName}` })
      .from(tenantUsers)
      .where(and(eq(tenantUsers.tenantId, tenantId), isNotNull(tenantUsers.displayName))),
  ]);
  return Object.fromEntries([...members, ...users].map((p) => [p.actor, p.name]));
}
