/** Line notes: one per agreement × PSA product, upserted; an empty note deletes it. */
import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../client.ts";
import { podLineNotes } from "../schema.ts";

export interface LineNoteInput {
  id: string;
  tenantId: string;
  agreementId: string;
  productKey: string;
  note: string;
  updatedBy: string;
  updatedAt: string;
}

export function upsertLineNoteStatement(db: Db, note: LineNoteInput) {
  return db
    .insert(podLineNotes)
    .values(note)
    .onConflictDoUpdate({
      target: [podLineNotes.tenantId, podLineNotes.agreementId, podLineNotes.productKey],
      set: { note: note.note, updatedBy: note.updatedBy, updatedAt: note.updatedAt },
    });
}

export function deleteLineNoteStatement(db: Db, tenantId: string, agreementId: string, productKey: string) {
  return db
    .delete(podLineNotes)
    .where(and(eq(podLineNotes.tenantId, tenantId), eq(podLineNotes.agreementId, agreementId), eq(podLineNotes.productKey, productKey)));
}

export async function listLineNotes(db: Db, tenantId: string, agreementId: string) {
  return db
    .select({
      agreementId: podLineNotes.agreementId,
      productKey: podLineNotes.productKey,
      note: podLineNotes.note,
      updatedBy: podLineNotes.updatedBy,
      updatedAt: podLineNotes.updatedAt,
    })
    .from(podLineNotes)
    .where(and(eq(podLineNotes.tenantId, tenantId), eq(podLineNotes.agreementId, agreementId)))
    .orderBy(asc(podLineNotes.productKey));
}
