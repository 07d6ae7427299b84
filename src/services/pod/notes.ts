/** Line notes from the pod: one note per agreement × PSA product; saving an empty note clears it. Audited. */
import type { Db } from "../../db/client.ts";
import { auditStatement } from "../../db/repos/audit.ts";
import { deleteLineNoteStatement, listLineNotes, upsertLineNoteStatement } from "../../db/repos/pod-notes.ts";
import { findAgreement } from "../../db/repos/snapshot.ts";
import { AppError } from "../../errors.ts";
import { newId } from "../secrets.ts";
import type { LineNoteView } from "../../shared/pod-types.ts";

async function requireAgreement(db: Db, tenantId: string, agreementId: string): Promise<void> {
  // Another tenant's agreement is indistinguishable from a missing one.
  if (!(await findAgreement(db, tenantId, agreementId))) throw new AppError("not_found", "Agreement not found");
}

export async function getLineNotes(db: Db, tenantId: string, agreementId: string): Promise<LineNoteView[]> {
  await requireAgreement(db, tenantId, agreementId);
  return listLineNotes(db, tenantId, agreementId);
}

export async function saveLineNote(
  db: Db,
  tenantId: string,
  line: { agreementId: string; productKey: string },
  text: string,
  actor: string,
  now: Date,
): Promise<LineNoteView | null> {
  await requireAgreement(db, tenantId, line.agreementId);
  const at = now.toISOString();
  const note = text.trim();
  const audit = auditStatement(db, {
    tenantId,
    at,
    actor,
    action: note ? "pod.note.saved" : "pod.note.cleared",
    entityType: "agreement",
    entityId: line.agreementId,
    details: { productKey: line.productKey, note },
  });
  if (!note) {
    await db.batch([deleteLineNoteStatement(db, tenantId, line.agreementId, line.productKey), audit]);
    return null;
  }
  const view = { agreementId: line.agreementId, productKey: line.productKey, note, updatedBy: actor, updatedAt: at };
  await db.batch([upsertLineNoteStatement(db, { id: newId("note"), tenantId, ...view }), audit]);
  return view;
}
