/**
 * The inline panels under a row: dismiss with a reason, revert, and the line
 * note (approve/adjust is approve-panel.tsx). Focus moves into a panel when
 * it opens and back to the row's button when it closes.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { DecisionView, ReconRow } from "../../src/shared/api-types.ts";
import { formatInstant, formatQuantity } from "../lib/format.ts";
import type { ViewStore } from "../state/view-store.ts";

export interface PanelProps {
  row: ReconRow;
  store: ViewStore;
  close: () => void;
}

/** Moves focus into the panel when it opens; Escape closes it. */
export function usePanelFocus(close: () => void) {
  const ref = useRef<HTMLFormElement>(null);
  useEffect(() => {
    const form = ref.current;
    form?.querySelector<HTMLElement>("input, select, textarea, button")?.focus({ preventScroll: true });
    // The whole panel, submit included, into the pod's fixed height (at 390 px the focused
    // field alone fits while its submit button stays below the fold).
    form?.scrollIntoView({ block: "nearest" });
  }, []);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === "Escape") close();
  };
  return { ref, onKeyDown };
}

/** A panel's submit button beside Cancel. */
export function PanelButtons({ label, close, disabled = false }: { label: string; close: () => void; disabled?: boolean }) {
  return (
    <div class="buttons">
      <button class="btn primary" type="submit" disabled={disabled}>
        {label}
      </button>
      <button class="btn" type="button" onClick={close}>
        Cancel
      </button>
    </div>
  );
}

const REASONS = ["Billed on another agreement", "Vendor count is wrong", "Agreed exception with the customer", "Other"];

export function DismissPanel({ row, store, close }: PanelProps) {
  const [reason, setReason] = useState("");
  const [detail, setDetail] = useState("");
  const focus = usePanelFocus(close);
  const note = [reason, detail.trim()].filter(Boolean).join(": ");
  const submit = (e: Event) => {
    e.preventDefault();
    if (!reason || row.agreementId === null || row.productKey === null) return;
    close();
    void store.decide(row.key, { agreementId: row.agreementId, productKey: row.productKey, action: "dismiss", note });
  };
  return (
    <form class="panel" ref={focus.ref} onKeyDown={focus.onKeyDown} onSubmit={submit} aria-label="Dismiss">
      <div class="fields">
        <label>
          Reason
          <select value={reason} onChange={(e) => setReason(e.currentTarget.value)} required>
            <option value="">Choose…</option>
            {REASONS.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        <label>
          Details
          <input value={detail} maxLength={500} size={28} onInput={(e) => setDetail(e.currentTarget.value)} />
        </label>
      </div>
      <p class="small muted">Leaves the totals until the vendor count changes or this billing period ends; Undo brings it back.</p>
      <PanelButtons label="Dismiss" disabled={!reason} close={close} />
    </form>
  );
}

export function RevertPanel({ row, store, close, decision }: PanelProps & { decision: DecisionView }) {
  const focus = usePanelFocus(close);
  const submit = (e: Event) => {
    e.preventDefault();
    close();
    void store.decide(row.key, {
      agreementId: decision.agreementId,
      productKey: decision.productKey,
      ...(decision.lineId ? { lineId: decision.lineId } : {}),
      action: "revert",
      revertsDecisionId: decision.id,
    });
  };
  return (
    <form class="panel" ref={focus.ref} onKeyDown={focus.onKeyDown} onSubmit={submit} aria-label="Revert">
      <p>
        Put the PSA line back to <b>{formatQuantity(decision.oldQuantity ?? "0")}</b> (changed to {formatQuantity(decision.newQuantity ?? "0")} by{" "}
        {store.nameOf(decision.actor)} on {formatInstant(decision.createdAt)})?
      </p>
      <PanelButtons label="Revert" close={close} />
    </form>
  );
}

export function NotePanel({ row, store, close }: PanelProps) {
  const key = `${row.agreementId}|${row.productKey}`;
  const existing = store.notes.value[key];
  const [text, setText] = useState(existing?.note ?? "");
  const [error, setError] = useState<string | null>(null);
  const focus = usePanelFocus(close);
  const submit = async (e: Event) => {
    e.preventDefault();
    if (row.agreementId === null || row.productKey === null) return;
    try {
      await store.saveNote(row.agreementId, row.productKey, text);
      close();
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
  };
  return (
    <form class="panel" ref={focus.ref} onKeyDown={focus.onKeyDown} onSubmit={submit} aria-label="Line note">
      <label>
        Line note
        <textarea value={text} maxLength={2000} onInput={(e) => setText(e.currentTarget.value)} />
      </label>
      {existing && (
        <p class="small muted">
          Last saved by {store.nameOf(existing.updatedBy)}, {formatInstant(existing.updatedAt)}
        </p>
      )}
      {error && <p class="err">{error}</p>}
      <PanelButtons label="Save note" close={close} />
    </form>
  );
}
