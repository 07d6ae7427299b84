/**
 * Fetch-on-notify: a recorded callback/webhook is only a hint of *what*
 * changed — its action and entity are never trusted (a key anyone can fetch
 * signs ConnectWise callbacks). The job re-reads the record from the PSA with
 * the tenant's own credentials and stores what the PSA says: a "deleted"
 * agreement is cancelled only when the PSA answers 404 for it; an Autotask
 * webhook re-reads the company's contracts. The inbox row is marked
 * the inbox row processed in the same batch. Duplicates were already merged
 * by the inbox; a late or out-of-order delivery just re-reads the same truth,
 * and other deliveries about the same record that arrived before the re-read
 * started are covered by it (marked processed in the same batch).
 */
import type { Db } from "../../db/client.ts";
import { findInboxRow, type InboxRow, markCoveredStatement, markInboxStatement } from "../../db/repos/psa-inbox.ts";
import { findIntegration } from "../../db/repos/psa-integrations.ts";
import { findAgreementByPsaId, runGroupedBatches, type Statement } from "../../db/repos/psa-records.ts";
import type { Env } from "../../env.ts";
import { type PsaConnection, openConnection } from "./connection.ts";
import { PsaHttpError } from "./http.ts";
import type { CallbackJob } from "./jobs.ts";
import { syncAtCompany } from "./sync-at.ts";
import { readCwAgreement } from "./sync-cw.ts";
import { syncStamp } from "./sync-jobs.ts";

async function readForCallback(db: Db, conn: PsaConnection, row: InboxRow, now: Date): Promise<{ statements: Statement[]; note: string | null }> {
  const stamp = syncStamp(conn.integration, now);
  const recordId = row.recordId ?? "";
  if (conn.kind === "connectwise") {
    if (row.entityType !== "agreement") return { statements: [], note: `ignored ${row.entityType ?? "unknown"} callback` };
    if (!/^\d+$/.test(recordId)) return { statements: [], note: `ignored callback for agreement id ${recordId}` };
    const known = (await findAgreementByPsaId(db, row.tenantId, "connectwise", recordId)) !== null;
    // "deleted" or not, the PSA decides: readCwAgreement marks it gone only on a 404.
    return { statements: (await readCwAgreement(db, conn.client, stamp, recordId, known)).statements, note: null };
  }
  if (row.entityType !== "company" || !/^\d+$/.test(recordId)) return { statements: [], note: `ignored ${row.entityType ?? "unknown"} webhook` };
  await syncAtCompany(db, conn.client, stamp, Number(recordId));
  return { statements: [], note: null };
}

export async function runNotifyJob(env: Env, db: Db, job: CallbackJob, now: Date): Promise<void> {
  const row = await findInboxRow(db, job.tenantId, job.inboxId);
  if (!row || row.state !== "received") return;
  const integration = await findIntegration(db, row.tenantId, row.integrationId);
  if (!integration || integration.status === "disconnected") {
    await markInboxStatement(db, row.tenantId, row.id, "processed", now.toISOString(), "integration disconnected");
    return;
  }
  try {
    const conn = await openConnection(env, db, integration);
    const readStartedAt = new Date().toISOString();
    const read = await readForCallback(db, conn, row, now);
    const at = new Date().toISOString();
    await runGroupedBatches(db, [[...read.statements, markInboxStatement(db, row.tenantId, row.id, "processed", at, read.note), markCoveredStatement(db, row, readStartedAt, at)]]);
  } catch (error) {
    if (error instanceof PsaHttpError && error.failure === "rejected") {
      await markInboxStatement(db, row.tenantId, row.id, "failed", now.toISOString(), error.message);
      return;
    }
    throw error;
  }
}

