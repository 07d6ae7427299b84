/**
 * A row's drawer: the figures, every vendor source with its as-of time and
 * period, the reasons, the history of decisions on the line and its note
 * (approvers and admins can edit it). Escape or Close returns focus to the row.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { DecisionListResponse, DecisionView, ReconRowView } from "../../../src/shared/api-types.ts";
import type { LineNoteListResponse, LineNoteResponse } from "../../../src/shared/pod-types.ts";
import { Badge } from "../../components/bits.tsx";
import { formatDay, formatInstant, formatMoney, formatQuantity } from "../../lib/format.ts";
import { rowTitle } from "../../lib/rows.ts";
import { get, messageOf, put } from "../lib/api.ts";
import { can, useSession } from "../lib/session.ts";

function describe(d: DecisionView): string {
  const qty = d.oldQuantity !== null && d.newQuantity !== null ? ` ${formatQuantity(d.oldQuantity)} → ${formatQuantity(d.newQuantity)}` : "";
  const from = d.effectiveDate ? ` from ${formatDay(d.effectiveDate)}` : "";
  return `${d.action}${qty}${from}`;
}

export function Drawer({ row, onClose }: { row: ReconRowView; onClose: () => void }) {
  const { user } = useSession();
  const [history, setHistory] = useState<DecisionView[] | null>(null);
  const [note, setNote] = useState("");
  const [noteState, setNoteState] = useState<string | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  // A note typed before the stored one arrives is not overwritten by it.
  const typed = useRef(false);
  useEffect(() => {
    const back = document.activeElement as HTMLElement | null;
    ref.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === "Escape" && onClose();
    addEventListener("keydown", onKey);
    return () => {
      removeEventListener("keydown", onKey);
      back?.focus();
    };
  }, []);
  useEffect(() => {
    setHistory(null);
    setNote("");
    typed.current = false;
    if (!row.agreementId) return setHistory([]);
    const a = encodeURIComponent(row.agreementId);
    get<DecisionListResponse>(`/api/v1/agreements/${a}/decisions`)
      .then((r) => setHistory(r.decisions.filter((d) => d.productKey === row.productKey)))
      .catch(() => setHistory([]));
    get<LineNoteListResponse>(`/api/v1/agreements/${a}/notes`)
      .then((r) => typed.current || setNote(r.notes.find((n) => n.productKey === row.productKey)?.note ?? ""))
      .catch(() => undefined);
  }, [row.key]);
  const saveNote = async (e: Event) => {
    e.preventDefault();
    if (!row.agreementId || !row.productKey) return;
    setNoteState("Saving…");
    try {
      await put<LineNoteResponse>(`/api/v1/agreements/${encodeURIComponent(row.agreementId)}/notes/${encodeURIComponent(row.productKey)}`, { note });
      setNoteState("Saved.");
    } catch (error) {
      setNoteState(messageOf(error));
    }
  };
  const money = row.monthlyImpactMinor !== null && row.currency ? formatMoney(row.monthlyImpactMinor, row.currency, undefined, true) : "—";
  return (
    <div class="drawer" role="dialog" aria-labelledby="drawer-title" tabIndex={-1} ref={ref}>
      <div class="drawer-head">
        <div>
          <h2 id="drawer-title">{rowTitle(row)}</h2>
          <p class="muted small">
            {row.companyName ?? "No customer"}
            {row.agreementName ? ` · ${row.agreementName}` : ""}
          </p>
        </div>
        <button type="button" class="btn" onClick={onClose}>
          Close
        </button>
      </div>
      <p>
        <Badge status={row.status} /> PSA {formatQuantity(row.psaQuantity)} · vendor {row.vendorQuantity === null ? "—" : formatQuantity(row.vendorQuantity)} · {money} per month
      </p>
      {row.proposal && (
        <p class="small">
          Proposal: {formatQuantity(row.proposal.fromQuantity)} → {formatQuantity(row.proposal.toQuantity)} from {formatDay(row.proposal.effectiveDate)}
        </p>
      )}
      {row.reasons.length > 0 && (
        <ul class="small reasons">
          {row.reasons.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
      <h3>Sources</h3>
      {row.sources.length === 0 ? (
        <p class="muted small">No vendor reports this line.</p>
      ) : (
        <table class="grid small">
          <thead>
            <tr>
              <th>Vendor account · service</th>
              <th class="num">Quantity</th>
              <th>Period</th>
              <th>As of</th>
            </tr>
          </thead>
          <tbody>
            {row.sources.map((s) => (
              <tr key={`${s.accountId}|${s.serviceId}`}>
                <td>
                  {s.accountName} · {s.serviceName} <span class="muted">({s.sourceKind})</span>
                </td>
                <td class="num">{formatQuantity(s.quantity)}</td>
                <td class="nowrap">{s.period}</td>
                <td class="nowrap">{formatInstant(s.observedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {row.computedAt && <p class="muted small">Figures computed {formatInstant(row.computedAt)}</p>}
      <h3>History</h3>
      {history === null ? (
        <p class="muted small">Loading…</p>
      ) : history.length === 0 ? (
        <p class="muted small">No decisions yet.</p>
      ) : (
        <ol class="history small">
          {history.map((d) => (
            <li key={d.id}>
              <b>{describe(d)}</b> — {d.actor}, {formatInstant(d.createdAt)} · PSA: {d.writebackState}
              {d.writebackError ? ` (${d.writebackError})` : ""}
              {d.note ? <div class="muted">“{d.note}”</div> : null}
            </li>
          ))}
        </ol>
      )}
      {row.agreementId && row.productKey && (
        <form onSubmit={saveNote} class="note">
          <h3>
            <label for="drawer-note">Note</label>
          </h3>
          <textarea id="drawer-note" value={note} onInput={(e) => ((typed.current = true), setNote(e.currentTarget.value))} readOnly={!can(user.role, "decide")} />
          {can(user.role, "decide") && (
            <div class="buttons">
              <button class="btn" type="submit">
                Save note
              </button>
              {noteState && <span class="small" role="status">{noteState}</span>}
            </div>
          )}
        </form>
      )}
    </div>
  );
}
