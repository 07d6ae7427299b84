/**
 * After a mapping is saved, what it did and one-click Undo (which restores the
 * mapping it replaced, see view-store.ts undoMapping); and the tenant-wide list
 * of vendor accounts ignored as "Not a customer", each reversible.
 */
import { useState } from "preact/hooks";
import type { IgnoredAccountsResponse } from "../../src/shared/api-types.ts";
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

export function IgnoredList({ store }: { store: ViewStore }) {
  const [list, setList] = useState<IgnoredAccountsResponse["accounts"] | null>(null);
  const load = () => void store.ignoredAccounts().then((r) => setList(r.accounts), () => setList([]));
  return (
    <details class="ignored" onToggle={(e) => (e.currentTarget as HTMLDetailsElement).open && load()}>
      <summary class="small">Ignored accounts (not customers)</summary>
      {list === null ? (
        <p class="small muted">Loading…</p>
      ) : list.length === 0 ? (
        <p class="small muted">None.</p>
      ) : (
        <ul>
          {list.map((a) => (
            <li key={a.accountId}>
              <span>
                <b>{a.name}</b> <span class="muted small">({a.integrationName}) ignored by {store.nameOf(a.ignoredBy)}</span>
              </span>
              <button class="btn link" onClick={() => void store.setIgnored(a.accountId, false).then(load)}>
                Stop ignoring
              </button>
            </li>
          ))}
        </ul>
      )}
    </details>
  );
}
