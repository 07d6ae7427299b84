/**
 * CSV imports, streamed. The import row is written first (status
 * `processing`) and its progress every couple of seconds, so
 * GET /api/v1/imports/:id can drive a progress bar while the upload runs.
 * Rows are judged by the profile and aggregated in memory per key (memory
 * grows with distinct accounts × services × periods, not with rows). Then:
 * - any rejected row, a bad header or a bad total → `failed`, nothing applied,
 *   400 naming the first lines (the import record lists up to 100 with reasons);
 * - otherwise the counts are staged in the ledger under the import id (several
 *   batches, invisible) and one final batch applies them and flips the import
 *   to `live` — it lands whole or not at all;
 * - a byte-identical re-upload with the same options (import-dedupe.ts)
 *   answers with the first live import and leaves nothing of its own.
 */
import type { CountDraft } from "../../core/usage/count-draft.ts";
import { futurePeriodError } from "../../core/usage/date-cell.ts";
import type { CsvProfileRun, ImportDraft } from "../../core/usage/csv-profile.ts";
import type { Db } from "../../db/client.ts";
import { ensureIntegrationStatement } from "../../db/repos/ingest-integrations.ts";
import {
  deleteProcessingImport, failStatement, findImport, findLiveImportByDedupeKey, goLiveStatement, type ImportRow, insertImportStatement, listImports, progressStatement,
} from "../../db/repos/ingest-imports.ts";
import { applyStatements, createdAccountIds, logStatements, runBatch } from "../../db/repos/ingest-ledger.ts";
import type { TenantPrincipal } from "../../env.ts";
import { AppError } from "../../errors.ts";
import { newId } from "../secrets.ts";
import { autoMapNewAccounts } from "./auto-map.ts";
import { isUniqueViolation } from "./push.ts";
import { CsvFormatError, readCsvRecords, type StreamStats } from "./csv-stream.ts";
import { dedupeKeyOf, hashWhileStreaming } from "./import-dedupe.ts";
import type { ImportQuery } from "./import-input.ts";
import { type ResolvedProfile, resolveProfile } from "./import-profiles.ts";

const PROGRESS_EVERY_MS = 2_000;
const MAX_LISTED_REJECTIONS = 100;
const STAGE_STATEMENTS_PER_BATCH = 20;
/** A `processing` import without progress for this long lost its request (client gone, Worker restarted). */
const STALE_IMPORT_MS = 10 * 60_000;

interface Tally {
  rowsRead: number;
  rowsAccepted: number;
  rowsRejected: number;
  rowsSkipped: number;
  rejected: Array<{ line: number; reason: string }>;
  skipped: Record<string, number>;
}

export interface ImportOutcome {
  row: ImportRow;
  /** A byte-identical re-upload: `row` is the first import, nothing was written. */
  duplicate: boolean;
}

export async function runImport(db: Db, who: TenantPrincipal, query: ImportQuery, body: ReadableStream<Uint8Array>, bytesTotal: number | null, now: Date): Promise<ImportOutcome> {
  const resolved = await resolveProfile(db, who.tenantId, query, now);
  const importId = newId("imp");
  const at = now.toISOString();
  await runBatch(db, [
    ...(resolved.ensureIntegration ? [ensureIntegrationStatement(db, resolved.ensureIntegration)] : []),
    insertImportStatement(db, {
      id: importId, tenantId: who.tenantId, integrationId: resolved.integrationId, profile: query.profile, profileId: query.profileId ?? null,
      status: "processing", options: JSON.stringify(query), bytesTotal, actor: who.actor, createdAt: at, updatedAt: at,
    }),
  ]);
  const stats: StreamStats = { bytesRead: 0 };
  const tally: Tally = { rowsRead: 0, rowsAccepted: 0, rowsRejected: 0, rowsSkipped: 0, rejected: [], skipped: {} };
  const progress = () => progressStatement(db, who.tenantId, importId, { ...stats, ...tally, rejected: JSON.stringify(tally.rejected), skipped: JSON.stringify(tally.skipped), at: new Date().toISOString() });
  const hashed = hashWhileStreaming(body);
  let dedupeKey: string | null = null;
  try {
    await streamRows(hashed.body, stats, resolved, tally, progress);
    const contentHash = await hashed.contentHash();
    dedupeKey = await dedupeKeyOf(contentHash, resolved.integrationId, query);
    const first = await findLiveImportByDedupeKey(db, who.tenantId, dedupeKey);
    if (first) return await answerWithFirst(db, who.tenantId, importId, first);
    const drafts = checkOutcome(resolved.run, tally, importId, now);
    await stage(db, who.tenantId, resolved.integrationId, importId, drafts, at);
    const results = await runBatch(db, [
      ...applyStatements(db, { tenantId: who.tenantId, integrationId: resolved.integrationId, sourceId: importId, now: new Date().toISOString() }),
      progress(),
      goLiveStatement(db, who.tenantId, importId, drafts.length, new Date().toISOString(), { contentHash, dedupeKey }),
    ]);
    await autoMapNewAccounts(db, who.tenantId, createdAccountIds(results[0]), now);
  } catch (error) {
    // An identical upload running alongside went live first: answer with it (this one's staged rows were never applied).
    const winner = dedupeKey && isUniqueViolation(error) ? await findLiveImportByDedupeKey(db, who.tenantId, dedupeKey) : null;
    if (winner) return answerWithFirst(db, who.tenantId, importId, winner);
    const message = error instanceof Error ? error.message : String(error);
    await runBatch(db, [progress(), failStatement(db, who.tenantId, importId, message, new Date().toISOString())]);
    if (error instanceof AppError) throw error;
    if (error instanceof CsvFormatError) throw new AppError("bad_request", `${message}; nothing imported`);
    throw new AppError("internal_error", `Import ${importId} failed`);
  }
  return { row: (await findImport(db, who.tenantId, importId)) as ImportRow, duplicate: false };
}

async function answerWithFirst(db: Db, tenantId: string, importId: string, first: ImportRow): Promise<ImportOutcome> {
  await deleteProcessingImport(db, tenantId, importId);
  return { row: first, duplicate: true };
}

async function streamRows(body: ReadableStream<Uint8Array>, stats: StreamStats, resolved: ResolvedProfile, tally: Tally, progress: () => PromiseLike<unknown>): Promise<void> {
  const run = resolved.run;
  let columns = -1;
  let lastFlush = Date.now();
  for await (const batch of readCsvRecords(body, stats, resolved.delimiter)) {
    let start = 0;
    if (columns < 0) {
      const header = batch.records[0] as string[];
      const bound = run.bindHeader(header);
      if (!bound.ok) throw new AppError("validation_failed", `${bound.error} (profile ${resolved.label})`);
      columns = header.length;
      start = 1;
    }
    for (let i = start; i < batch.records.length; i++) {
      const cells = batch.records[i] as string[];
      const line = batch.lines[i] as number;
      tally.rowsRead += 1;
      const outcome = cells.length === columns ? run.acceptRow(cells, line) : { kind: "rejected" as const, reason: `expected ${columns} fields like the header, got ${cells.length}` };
      if (outcome.kind === "accepted") tally.rowsAccepted += 1;
      else if (outcome.kind === "skipped") {
        tally.rowsSkipped += 1;
        tally.skipped[outcome.reason] = (tally.skipped[outcome.reason] ?? 0) + 1;
      } else {
        tally.rowsRejected += 1;
        if (tally.rejected.length < MAX_LISTED_REJECTIONS) tally.rejected.push({ line, reason: outcome.reason });
      }
    }
    if (Date.now() - lastFlush >= PROGRESS_EVERY_MS) {
      await progress();
      lastFlush = Date.now();
    }
  }
  if (columns < 0) throw new AppError("validation_failed", "body: the file is empty (no header line)");
}

function checkOutcome(run: CsvProfileRun, tally: Tally, importId: string, now: Date): ImportDraft[] {
  if (tally.rowsRejected > 0) {
    const first = tally.rejected.slice(0, 3).map((r) => `line ${r.line}: ${r.reason}`).join("; ");
    const more = tally.rowsRejected > 3 ? `; ${tally.rowsRejected - 3} more` : "";
    throw new AppError("validation_failed", `${tally.rowsRejected} row(s) rejected, nothing imported — ${first}${more} (GET /api/v1/imports/${importId} lists them)`);
  }
  const drafts = run.finish();
  if (!drafts.ok) throw new AppError("validation_failed", `${drafts.error}; nothing imported`);
  // Every profile's periods (a period column, a date, ChargeStartDate…) end up here: none may be after the current month.
  for (const draft of drafts.value) {
    const future = futurePeriodError(draft.period, now);
    const where = draft.firstLine === draft.lastLine ? `line ${draft.firstLine}` : `lines ${draft.firstLine}–${draft.lastLine}`;
    if (future) throw new AppError("validation_failed", `${where}: period ${future}; nothing imported`);
  }
  return drafts.value;
}

/** Appends the counts to the ledger under the import id; not live until the final batch. */
async function stage(db: Db, tenantId: string, integrationId: string, importId: string, drafts: ImportDraft[], at: string): Promise<void> {
  const counts: CountDraft[] = drafts.map(({ firstLine, lastLine, ...d }) => ({ ...d, observedAt: at, sourceRef: `import:${importId}:L${firstLine}-L${lastLine}` }));
  const statements = logStatements(db, { tenantId, integrationId, sourceKind: "import", sourceId: importId, receivedAt: at }, counts);
  for (let i = 0; i < statements.length; i += STAGE_STATEMENTS_PER_BATCH) {
    await runBatch(db, statements.slice(i, i + STAGE_STATEMENTS_PER_BATCH));
  }
}

/**
 * Reads an import, first failing it if it has been `processing` without
 * progress for 10 minutes: its request died before the final batch, so
 * nothing of it was applied, and the UI must not wait on it forever.
 */
export async function readImport(db: Db, tenantId: string, importId: string, now: Date): Promise<ImportRow | null> {
  const row = await findImport(db, tenantId, importId);
  if (!row || !isStale(row, now)) return row;
  await failStatement(db, tenantId, importId, "interrupted: no progress for 10 minutes (upload cut off or Worker restarted); nothing was applied", now.toISOString());
  return findImport(db, tenantId, importId);
}

export async function readImports(db: Db, tenantId: string, now: Date): Promise<ImportRow[]> {
  const rows = await listImports(db, tenantId);
  return Promise.all(rows.map((row) => (isStale(row, now) ? readImport(db, tenantId, row.id, now).then((r) => r ?? row) : row)));
}

function isStale(row: ImportRow, now: Date): boolean {
  return row.status === "processing" && Date.parse(row.updatedAt) < now.getTime() - STALE_IMPORT_MS;
}

export function toImportView(row: ImportRow) {
  return {
    importId: row.id, profile: row.profile, profileId: row.profileId, integrationId: row.integrationId, status: row.status,
    bytesTotal: row.bytesTotal, bytesRead: row.bytesRead, rowsRead: row.rowsRead, rowsAccepted: row.rowsAccepted,
    rowsRejected: row.rowsRejected, rowsSkipped: row.rowsSkipped, countsStaged: row.countsStaged, countsApplied: row.countsApplied,
    rejected: JSON.parse(row.rejected) as Array<{ line: number; reason: string }>, skipped: JSON.parse(row.skipped) as Record<string, number>,
    error: row.error, createdAt: row.createdAt, updatedAt: row.updatedAt, finishedAt: row.finishedAt,
  };
}
