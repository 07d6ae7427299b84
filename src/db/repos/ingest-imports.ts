/** CSV import records and saved import profiles (every query scoped by tenant). */
import { and, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../client.ts";
import { ingestImportProfiles, ingestImports } from "../schema.ts";
import { appliedCountSql } from "./ingest-ledger.ts";

export type ImportRow = typeof ingestImports.$inferSelect;
export type ImportProfileRow = typeof ingestImportProfiles.$inferSelect;

export function insertImportStatement(db: Db, row: typeof ingestImports.$inferInsert) {
  return db.insert(ingestImports).values(row);
}

export interface ImportProgress {
  bytesRead: number;
  rowsRead: number;
  rowsAccepted: number;
  rowsRejected: number;
  rowsSkipped: number;
  rejected: string;
  skipped: string;
  at: string;
}

export function progressStatement(db: Db, tenantId: string, importId: string, p: ImportProgress) {
  return db
    .update(ingestImports)
    .set({ bytesRead: p.bytesRead, rowsRead: p.rowsRead, rowsAccepted: p.rowsAccepted, rowsRejected: p.rowsRejected, rowsSkipped: p.rowsSkipped, rejected: p.rejected, skipped: p.skipped, updatedAt: p.at })
    .where(and(eq(ingestImports.tenantId, tenantId), eq(ingestImports.id, importId)));
}

export function failStatement(db: Db, tenantId: string, importId: string, error: string, at: string) {
  return db
    .update(ingestImports)
    .set({ status: "failed", error, updatedAt: at, finishedAt: at })
    .where(and(eq(ingestImports.tenantId, tenantId), eq(ingestImports.id, importId), eq(ingestImports.status, "processing")));
}

/**
 * The switch that makes an import live: in the same batch as the apply
 * statements. With its dedupe key, a concurrent identical upload that went
 * live first makes this fail (partial UNIQUE index) and the batch roll back.
 */
export function goLiveStatement(db: Db, tenantId: string, importId: string, countsStaged: number, at: string, hashes: { contentHash: string; dedupeKey: string }) {
  return db
    .update(ingestImports)
    .set({ status: "live", countsStaged, countsApplied: sql`${appliedCountSql(tenantId, importId)}`, updatedAt: at, finishedAt: at, ...hashes })
    .where(and(eq(ingestImports.tenantId, tenantId), eq(ingestImports.id, importId)));
}

export async function findImport(db: Db, tenantId: string, importId: string): Promise<ImportRow | null> {
  const rows = await db.select().from(ingestImports).where(and(eq(ingestImports.tenantId, tenantId), eq(ingestImports.id, importId))).limit(1);
  return rows[0] ?? null;
}

/** The live import with this dedupe key (a byte-identical upload with the same options), if any. */
export async function findLiveImportByDedupeKey(db: Db, tenantId: string, dedupeKey: string): Promise<ImportRow | null> {
  const rows = await db.select().from(ingestImports)
    .where(and(eq(ingestImports.tenantId, tenantId), eq(ingestImports.dedupeKey, dedupeKey), eq(ingestImports.status, "live"))).limit(1);
  return rows[0] ?? null;
}

/** Removes a re-upload's own `processing` record: the answer is the first import, and nothing of this one is kept. */
export function deleteProcessingImport(db: Db, tenantId: string, importId: string) {
  return db.delete(ingestImports).where(and(eq(ingestImports.tenantId, tenantId), eq(ingestImports.id, importId), eq(ingestImports.status, "processing")));
}

export function listImports(db: Db, tenantId: string, limit = 50) {
  return db.select().from(ingestImports).where(eq(ingestImports.tenantId, tenantId)).orderBy(desc(ingestImports.createdAt)).limit(limit);
}

export function insertProfileStatement(db: Db, row: typeof ingestImportProfiles.$inferInsert) {
  return db.insert(ingestImportProfiles).values(row);
}

export async function findProfile(db: Db, tenantId: string, profileId: string): Promise<ImportProfileRow | null> {
  const rows = await db.select().from(ingestImportProfiles).where(and(eq(ingestImportProfiles.tenantId, tenantId), eq(ingestImportProfiles.id, profileId))).limit(1);
  return rows[0] ?? null;
}

export function listProfiles(db: Db, tenantId: string) {
  return db.select().from(ingestImportProfiles).where(eq(ingestImportProfiles.tenantId, tenantId)).orderBy(ingestImportProfiles.name);
}
