/** The tenant-wide list of vendor accounts ignored as "Not a customer", each reversible. */
import { useEffect, useState } from "preact/hooks";
import type { IgnoredAccountsResponse } from "../../src/shared/api-types.ts";
import type { ViewStore } from "../state/view-store.ts";

/** The accounts' list, loaded when its disclosure first opens (lazy.tsx). */
export function IgnoredList({ store }: { store: ViewStore }) {
  const [list, setList] = useState<IgnoredAccountsResponse["accounts"] | null>(null);
  const load = () => void store.ignoredAccounts().then((r) => setList(r.accounts), () => setList([]));
  useEffect(load, []);
  return (
    <>
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
    </>
  );
}
