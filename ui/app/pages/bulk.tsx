/** The form of a bulk decision (the run itself: lib/bulk-run.ts). */
import { useState } from "preact/hooks";
import type { ReconRowView } from "../../../src/shared/api-types.ts";
import { formatDay } from "../../lib/format.ts";
import { isIsoDate, todayUtc } from "../../lib/proration.ts";
import type { Decide } from "../lib/bulk-run.ts";

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
