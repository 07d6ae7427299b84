/**
 * Persists what a PSA sync read: companies, agreements and lines keyed by the
 * PSA's own ids (UNIQUE tenant+psa+psa_id), so re-reading the same record is
 * an update, never a duplicate, and existing row ids (and the mappings and
 * decisions pointing at them) survive. Lines that a full re-read of an
 * agreement no longer returns are marked cancelled, never deleted (decisions
 * reference them). Returns statements for one `db.batch`.
 */
import { and, eq, ne, isNull, sql, type SQL } from "drizzle-orm";
import type { AgreementRecord, CompanyRecord, LineRecord, PsaKind } from "../../core/psa/records.ts";
import { newId } from "../../services/secrets.ts";
import type { Db } from "../client.ts";
import { agreementLines, agreements, psaAgreementState, psaCompanies } from "../schema.ts";

export interface SyncStamp {
  tenantId: string;
  integrationId: string;
  psa: PsaKind;
  /** ISO instant written to updated_at: lines not carrying it after a full re-read were not returned. */
  at: string;
  /** Today (UTC), the cancelled date of lines that disappeared. */
  today: string;
}

export type Statement = { run: () => Promise<unknown> } & Parameters<Db["batch"]>[0][number];

function companyIdOf(stamp: SyncStamp, psaId: string): SQL {
  return sql`(SELECT id FROM psa_companies WHERE tenant_id = ${stamp.tenantId} AND psa = ${stamp.psa} AND psa_id = ${psaId})`;
}

function agreementIdOf(stamp: SyncStamp, psaId: string): SQL {
  return sql`(SELECT id FROM agreements WHERE tenant_id = ${stamp.tenantId} AND psa = ${stamp.psa} AND psa_id = ${psaId})`;
}

export function upsertCompanyStatement(db: Db, stamp: SyncStamp, c: CompanyRecord) {
  return db
    .insert(psaCompanies)
    .values({ id: newId("pco"), tenantId: stamp.tenantId, psa: stamp.psa, psaId: c.psaId, name: c.name, identifier: c.identifier, updatedAt: stamp.at })
    .onConflictDoUpdate({
      target: [psaCompanies.tenantId, psaCompanies.psa, psaCompanies.psaId],
      set: { name: c.name, identifier: c.identifier, updatedAt: stamp.at },
    });
}

export function upsertAgreementStatements(db: Db, stamp: SyncStamp, a: AgreementRecord) {
  const fields = {
    companyId: companyIdOf(stamp, a.company.psaId),
    name: a.name,
    type: a.type,
    status: a.status,
    billingCycle: a.billingCycle,
    startDate: a.startDate,
    endDate: a.endDate,
    cancelled: a.cancelled,
    flatRate: a.flatRate,
    currency: a.currency,
    updatedAt: stamp.at,
  };
  const agreement = db
    .insert(agreements)
    .values({ id: newId("agr"), tenantId: stamp.tenantId, psa: stamp.psa, psaId: a.psaId, ...fields })
    .onConflictDoUpdate({ target: [agreements.tenantId, agreements.psa, agreements.psaId], set: fields });
  const state = {
    tenantId: stamp.tenantId,
    integrationId: stamp.integrationId,
    allowsEffectiveDate: a.allowsEffectiveDate,
    psaLastUpdated: a.psaLastUpdated,
    syncedAt: stamp.at,
  };
  const agreementState = db
    .insert(psaAgreementState)
    .values({ agreementId: agreementIdOf(stamp, a.psaId), ...state })
    .onConflictDoUpdate({ target: psaAgreementState.agreementId, set: state });
  return [upsertCompanyStatement(db, stamp, a.company), agreement, agreementState] as const;
}

export function upsertLineStatement(db: Db, stamp: SyncStamp, agreementPsaId: string, currency: string, l: LineRecord) {
  const fields = {
    productKey: l.productKey,
    productName: l.productName,
    quantity: l.quantity,
    lessIncluded: l.lessIncluded,
    unitPriceMinor: l.unitPriceMinor,
    unitCostMinor: l.unitCostMinor,
    unitPrice: l.unitPrice,
    unitCost: l.unitCost,
    currency,
    billCustomer: l.billCustomer,
    effectiveDate: l.effectiveDate,
    cancelledDate: l.cancelledDate,
    updatedAt: stamp.at,
  };
  return db
    .insert(agreementLines)
    .values({ id: newId("aln"), tenantId: stamp.tenantId, agreementId: agreementIdOf(stamp, agreementPsaId), psaId: l.psaId, ...fields })
    .onConflictDoUpdate({ target: [agreementLines.tenantId, agreementLines.agreementId, agreementLines.psaId], set: fields });
}

/** After a full re-read: lines of the agreement not written by this sync are gone from the PSA. */
export function cancelUnseenLinesStatement(db: Db, stamp: SyncStamp, agreementPsaId: string) {
  return db
    .update(agreementLines)
    .set({ cancelledDate: stamp.today, updatedAt: stamp.at })
    .where(
      and(
        eq(agreementLines.tenantId, stamp.tenantId),
        sql`${agreementLines.agreementId} = ${agreementIdOf(stamp, agreementPsaId)}`,
        ne(agreementLines.updatedAt, stamp.at),
        isNull(agreementLines.cancelledDate),
      ),
    );
}

/** Everything for one agreement: the agreement, and with `lines` its full line set. */
export function agreementSnapshotStatements(db: Db, stamp: SyncStamp, a: AgreementRecord, lines: readonly LineRecord[] | null) {
  const statements: Statement[] = [...upsertAgreementStatements(db, stamp, a)];
  if (lines) {
    for (const line of lines) statements.push(upsertLineStatement(db, stamp, a.psaId, a.currency, line));
    statements.push(cancelUnseenLinesStatement(db, stamp, a.psaId));
  }
  return statements;
}

/** An agreement the PSA deleted or no longer lists: kept (decisions point at it) but cancelled. */
export function markAgreementGoneStatement(db: Db, stamp: SyncStamp, psaId: string, status = "Deleted") {
  return db
    .update(agreements)
    .set({ cancelled: true, status, updatedAt: stamp.at })
    .where(and(eq(agreements.tenantId, stamp.tenantId), eq(agreements.psa, stamp.psa), eq(agreements.psaId, psaId)));
}

export async function findAgreementByPsaId(db: Db, tenantId: string, psa: PsaKind, psaId: string) {
  const rows = await db
    .select()
    .from(agreements)
    .where(and(eq(agreements.tenantId, tenantId), eq(agreements.psa, psa), eq(agreements.psaId, psaId)))
    .limit(1);
  return rows[0] ?? null;
}

export interface KnownAgreement {
  psaId: string;
  /** Not cancelled and status Active: its lines are being kept current. */
  active: boolean;
}

/** The agreements the tenant already has from one PSA. */
export async function listKnownAgreements(db: Db, tenantId: string, psa: PsaKind): Promise<KnownAgreement[]> {
  const rows = await db
    .select({ psaId: agreements.psaId, status: agreements.status, cancelled: agreements.cancelled })
    .from(agreements)
    .where(and(eq(agreements.tenantId, tenantId), eq(agreements.psa, psa)));
  return rows.map((r) => ({ psaId: r.psaId, active: !r.cancelled && r.status.toLowerCase() === "active" }));
}

/**
 * Runs statement groups in D1 batches of about `max` statements; a group
 * (one agreement) is never split, so each agreement is written atomically.
 */
export async function runGroupedBatches(db: Db, groups: readonly Statement[][], max = 150): Promise<void> {
  let batch: Statement[] = [];
  for (const group of groups) {
    if (batch.length > 0 && batch.length + group.length > max) {
      await db.batch(batch as [Statement, ...Statement[]]);
      batch = [];
    }
    batch.push(...group);
  }
  if (batch.length > 0) await db.batch(batch as [Statement, ...Statement[]]);
}

export async function findAgreementState(db: Db, tenantId: string, agreementId: string) {
  const rows = await db
    .select()
    .from(psaAgreementState)
    .where(and(eq(psaAgreementState.tenantId, tenantId), eq(psaAgreementState.agreementId, agreementId)))
    .limit(1);
  return rows[0] ?? null;
}

export async function findLine(db: Db, tenantId: string, lineId: string) {
  const rows = await db
    .select()
    .from(agreementLines)
    .where(and(eq(agreementLines.tenantId, tenantId), eq(agreementLines.id, lineId)))
    .limit(1);
  return rows[0] ?? null;
}
