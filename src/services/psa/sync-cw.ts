/**
 * ConnectWise sync (psa-and-vendor-apis.md §2.2, §2.4). Fetch-on-notify: a
 * callback only says *which* agreement changed, so the agreement and its
 * additions are re-read and stored as the PSA has them now — duplicate and
 * out-of-order callbacks converge. Polling, because ConnectWise may not call
 * back on addition changes:
 * - full: every non-cancelled agreement (pageSize 1000, Link paging), then
 *   one additions call per recurring active agreement, in queue chunks;
 *   known agreements the listing no longer returns are marked cancelled —
 *   only when the listing is complete and the share is small
 *   (core/psa/listing-guard.ts);
 * - incremental: agreements with `lastUpdated > [cursor]` are re-read in
 *   full; every other active agreement is asked for additions changed since
 *   the cursor and re-read only when there are some.
 * Calls per full sync = pages of agreements + one per agreement.
 */
import { agreementConditions, formatCwDateTime } from "../../core/psa/cw-query.ts";
import { assertListingComplete, massCancelAlert } from "../../core/psa/listing-guard.ts";
import { mapCwAdditions, mapCwAgreement } from "../../core/psa/cw-map.ts";
import type { AgreementRecord } from "../../core/psa/records.ts";
import type { Db } from "../../db/client.ts";
import {
  agreementSnapshotStatements,
  listKnownAgreements,
  markAgreementGoneStatement,
  runGroupedBatches,
  type Statement,
  type SyncStamp,
} from "../../db/repos/psa-records.ts";
import type { CwClient } from "./cw-client.ts";
import { PsaHttpError } from "./http.ts";
import { chunksOf, type CwChunk } from "./jobs.ts";

const FULL_CHUNK = 25;
const DELTA_CHUNK = 50;

export interface Tally {
  agreements: number;
  lines: number;
}

async function readAdditions(client: CwClient, record: AgreementRecord, db: Db, stamp: SyncStamp): Promise<{ statements: Statement[]; lines: number }> {
  try {
    const additions = await client.listAdditions(record.psaId);
    const mapped = mapCwAdditions(additions.items);
    for (const r of mapped.rejected) console.warn("connectwise addition skipped", record.psaId, r.psaId, r.reason);
    return { statements: agreementSnapshotStatements(db, stamp, record, mapped.lines), lines: mapped.lines.length };
  } catch (error) {
    if (error instanceof PsaHttpError && error.status === 404) return { statements: [markAgreementGoneStatement(db, stamp, record.psaId)], lines: 0 };
    throw error;
  }
}

/** Fetch-on-notify for one agreement: the statements that make our copy equal the PSA's. */
export async function readCwAgreement(db: Db, client: CwClient, stamp: SyncStamp, psaId: string, known: boolean): Promise<{ statements: Statement[]; lines: number }> {
  const agreement = await client.getAgreement(psaId);
  if (!agreement) return { statements: known ? [markAgreementGoneStatement(db, stamp, psaId)] : [], lines: 0 };
  const record = mapCwAgreement(agreement);
  if (record.recurringActive) return readAdditions(client, record, db, stamp);
  // No longer counted: keep our copy's status current, without its lines; unknown ones are not imported.
  return { statements: known ? agreementSnapshotStatements(db, stamp, record, null) : [], lines: 0 };
}

export interface CwListing {
  chunks: CwChunk[];
  /** Statements for agreements that changed status or disappeared. */
  statements: Statement[];
  /** Set when the run would cancel too many agreements: it cancels none and says so. */
  alert: string | null;
}

/** The listing step of a run: which agreements to re-read, split into chunks. */
export async function listCwRun(db: Db, client: CwClient, stamp: SyncStamp, since: string | null): Promise<CwListing> {
  const conditions = agreementConditions(since ? new Date(since) : null);
  const listed = await client.listAgreements(conditions);
  // Only a complete listing may cancel what it does not contain (listing-guard.ts).
  if (!since) assertListingComplete("ConnectWise", "agreements", listed.items.length + listed.invalid, await client.countAgreements(conditions));
  const records = listed.items.map(mapCwAgreement);
  const known = await listKnownAgreements(db, stamp.tenantId, "connectwise");
  const knownIds = new Set(known.map((k) => k.psaId));
  const listedIds = new Set(records.map((r) => r.psaId));
  const statements: Statement[] = [];
  for (const r of records) {
    if (!r.recurringActive && knownIds.has(r.psaId)) statements.push(...agreementSnapshotStatements(db, stamp, r, null));
  }
  let alert: string | null = null;
  if (!since) {
    const active = known.filter((k) => k.active);
    const gone = active.filter((k) => !listedIds.has(k.psaId));
    alert = massCancelAlert("ConnectWise", gone.length, active.length);
    if (!alert) for (const k of gone) statements.push(markAgreementGoneStatement(db, stamp, k.psaId, "Cancelled"));
  }
  const counted = records.filter((r) => r.recurringActive);
  const delta = since ? known.filter((k) => k.active && !listedIds.has(k.psaId)).map((k) => k.psaId) : [];
  const chunks: CwChunk[] = [
    ...chunksOf(counted, FULL_CHUNK).map((agreements) => ({ psa: "connectwise" as const, agreements, deltaAgreementIds: [], since })),
    ...chunksOf(delta, DELTA_CHUNK).map((ids) => ({ psa: "connectwise" as const, agreements: [], deltaAgreementIds: ids, since })),
  ];
  return { chunks, statements, alert };
}

/** One chunk: re-read the listed agreements' additions; probe the delta ones. */
export async function syncCwChunk(db: Db, client: CwClient, stamp: SyncStamp, chunk: CwChunk): Promise<Tally> {
  const groups: Statement[][] = [];
  const tally: Tally = { agreements: 0, lines: 0 };
  for (const record of chunk.agreements) {
    const read = await readAdditions(client, record, db, stamp);
    groups.push(read.statements);
    tally.agreements += 1;
    tally.lines += read.lines;
  }
  const since = chunk.since ? formatCwDateTime(new Date(chunk.since)) : null;
  for (const psaId of chunk.deltaAgreementIds) {
    const changed = await client.listAdditions(psaId, since ? `lastUpdated > ${since}` : null).catch((e: unknown) => {
      if (e instanceof PsaHttpError && e.status === 404) return { items: [{}], invalid: 0 };
      throw e;
    });
    if (changed.items.length === 0) continue;
    const read = await readCwAgreement(db, client, stamp, psaId, true);
    groups.push(read.statements);
    tally.agreements += 1;
    tally.lines += read.lines;
  }
  await runGroupedBatches(db, groups);
  return tally;
}
