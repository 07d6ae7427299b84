/**
 * After a mapping is saved, what it did and one-click Undo (which restores the
 * mapping it replaced, see view-store.ts undoMapping). The tenant-wide list of
 * ignored accounts is ignored-list.tsx.
 */
import { useState } from "preact/hooks";
import type { ViewStore } from "../state/view-store.ts";

/** After a mapping is saved: what it did and Undo (restores the mapping it replaced). */
export function MappingUndo({ store }: { store: ViewStore }) {
  const last = store.lastMapping.value;
  const [busy, setBusy] = useState(false);
  if (!last) return null;
  const what = last.kind === "ignore" ? `Ignored ${last.label} (not a customer)` : `Mapped ${last.label}`;
  const undo = () => {
    setBusy(true);
    void store.undoMapping().finally(() => setBusy(false));
  };
  return (
    <p class="banner info" role="status" data-mapping-undo>
      {what}.{" "}
      <button class="btn" onClick={undo} disabled={busy} data-action="undo-mapping">
        {busy ? "Undoing…" : "Undo"}
      </button>
    </p>
  );
}
