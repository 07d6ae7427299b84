/**
 * Bulk decisions across customers: one POST /api/v1/decisions per row (with
 * its own Idempotency-Key, four at a time), then each write-back is followed
 * (GET /api/v1/decisions/:id) until the PSA accepted or refused it. The bar
 * shows how far the run is; the summary says what the PSA accepted.
 */
import { useState } from "preact/hooks";
import type { DecisionRequest, DecisionResponse, ReconRowView } from "../../../src/shared/api-types.ts";
import { newIdempotencyKey } from "../../lib/decisions.ts";
import { formatDay } from "../../lib/format.ts";
import { isIsoDate, todayUtc } from "../../lib/proration.ts";
import { get, messageOf, post } from "../lib/api.ts";

export interface RowProgress {
  state: "queued" | "sending" | "pending" | "applied" | "failed" | "dismissed";
  message?: string;
}

export type Decide = { action: "approve"; effectiveDate: string } | { action: "dismiss"; reason: string };

const POLL_MS = 1000;
const POLL_LIMIT_MS = 60_000;

async function followWriteback(id: string): Promise<RowProgress> {
  const deadline = Date.now() + POLL_LIMIT_MS;
  while (Date.now() < deadline) {
    const { decision } = await get<DecisionResponse>(`/api/v1/decisions/${encodeURIComponent(id)}`);
    if (decision.writebackState === "applied") return { state: "applied" };
    if (decision.writebackState === "failed") return { state: "failed", message: decision.writebackError ?? "the PSA refused the change" };
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return { state: "pending", message: "still being written; see Activity" };
}

function requestFor(row: ReconRowView, how: Decide): DecisionRequest {
  const base = { agreementId: row.agreementId as string, productKey: row.productKey as string };
  if (how.action === "dismiss") return { ...base, action: "dismiss", note: how.reason };
  const lineId = row.proposal?.targetLineId;
  return { ...base, ...(lineId ? { lineId } : {}), action: "approve", effectiveDate: how.effectiveDate };
}

/** Runs the decisions, reporting each row's progress; resolves when every row has settled. */
export async function runBulk(rows: readonly ReconRowView[], how: Decide, report: (key: string, p: RowProgress) => void): Promise<void> {
  for (const r of rows) report(r.key, { state: "queued" });
  let next = 0;
  const worker = async () => {
    while (next < rows.length) {
      const row = rows[next++] as ReconRowView;
      report(row.key, { state: "sending" });
      try {
        const { decision } = await post<DecisionResponse>("/api/v1/decisions", requestFor(row, how), { "idempotency-key": newIdempotencyKey() });
        if (how.action === "dismiss") {
          report(row.key, { state: "dismissed" });
          continue;
        }
        report(row.key, { state: "pending" });
        report(row.key, await followWriteback(decision.id));
      } catch (error) {
        report(row.key, { state: "failed", message: messageOf(error) });
      }
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);
}

/** "8 of 10 changes accepted by the PSA; 2 failed." */
export function summarize(progress: ReadonlyMap<string, RowProgress>, keys: readonly string[]): string {
  let applied = 0;
  let failed = 0;
  let dismissed = 0;
  let open = 0;
  for (const k of keys) {
    const s = progress.get(k)?.state;
    if (s === "applied") applied++;
    else if (s === "failed") failed++;
    else if (s === "dismissed") dismissed++;
    else open++;
  }
  if (dismissed > 0) return `${dismissed} of ${keys.length} row${keys.length === 1 ? "" : "s"} dismissed${failed ? `; ${failed} failed` : ""}.`;
  const parts = [`The PSA accepted ${applied} of ${keys.length} change${keys.length === 1 ? "" : "s"}`];
  if (failed) parts.push(`${failed} failed (see the rows)`);
  if (open) parts.push(`${open} still being written`);
  return `${parts.join("; ")}.`;
}

/** The form for a bulk decision: approve with an effective date, or dismiss with a reason. */
export function BulkForm({ rows, action, onRun, onCancel }: { rows: ReconRowView[]; action: "approve" | "dismiss"; onRun: (how: Decide) => void; onCancel: () => void }) {
  const defaultDate = rows.map((r) => r.proposal?.effectiveDate).find((d): d is string => !!d) ?? todayUtc(new Date());
  const [date, setDate] = useState(defaultDate);
  const [reason, setReason] = useState("");
  const today = todayUtc(new Date());
  const dateError = !isIsoDate(date) ? "Pick a date." : date < today ? "The date cannot be in the past." : null;
  const customers = new Set(rows.map((r) => r.companyId)).size;
  const submit = (e: Event) => {
    e.preventDefault();
    if (action === "approve" && !dateError) onRun({ action: "approve", effectiveDate: date });
    if (action === "dismiss" && reason.trim()) onRun({ action: "dismiss", reason: reason.trim() });
  };
  return (
    <form class="card bulk-form" onSubmit={submit} aria-label={action === "approve" ? "Approve selected rows" : "Dismiss selected rows"}>
      <p>
        <b>
          {action === "approve" ? "Approve" : "Dismiss"} {rows.length} row{rows.length === 1 ? "" : "s"}
        </b>{" "}
        of {customers} customer{customers === 1 ? "" : "s"}.
      </p>
      {action === "approve" ? (
        <label>
          Effective date (quantities change in the PSA from this day)
          <input type="date" name="effectiveDate" value={date} min={today} onInput={(e) => setDate(e.currentTarget.value)} aria-invalid={!!dateError} />
          {dateError ? <span class="err small">{dateError}</span> : <span class="muted small">{formatDay(date)}</span>}
        </label>
      ) : (
        <label>
          Reason (kept in the history; the rows stay dismissed for this billing cycle)
          <textarea name="reason" required value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
        </label>
      )}
      <div class="buttons">
        <button class="btn primary" type="submit" disabled={action === "approve" ? !!dateError : !reason.trim()}>
          {action === "approve" ? `Approve ${rows.length}` : `Dismiss ${rows.length}`}
        </button>
        <button class="btn" type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
