/**
 * Activity: the tenant's audit trail (decisions, mappings, connections,
 * users…) newest first, filtered by dates, actor, action and entity type,
 * paged by cursor; and the decisions CSV for the accountant.
 */
import { useEffect, useState } from "preact/hooks";
import { formatInstant } from "../../lib/format.ts";
import { get, messageOf, query } from "../lib/api.ts";
import type { AuditEntryView, AuditPage } from "../lib/types.ts";
import { describeDetails } from "../lib/audit-text.ts";
import { Notice } from "../lib/ui.tsx";

const today = () => new Date().toISOString().slice(0, 10);
const monthStart = () => `${today().slice(0, 8)}01`;

interface Filter {
  from: string;
  to: string;
  actor: string;
  action: string;
  entityType: string;
}

export function Activity() {
  const [filter, setFilter] = useState<Filter>({ from: "", to: "", actor: "", action: "", entityType: "" });
  const [entries, setEntries] = useState<AuditEntryView[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [exportRange, setExportRange] = useState({ from: monthStart(), to: today() });
  const q = query({ ...filter, limit: 50 });
  useEffect(() => {
    setError(null);
    get<AuditPage>(`/api/v1/audit${q}`).then(
      (p) => (setEntries(p.entries), setCursor(p.nextCursor)),
      (e) => setError(messageOf(e)),
    );
  }, [q]);
  const more = async () => {
    if (!cursor) return;
    try {
      const p = await get<AuditPage>(`/api/v1/audit${query({ ...filter, limit: 50, cursor })}`);
      setEntries([...entries, ...p.entries]);
      setCursor(p.nextCursor);
    } catch (e) {
      setError(messageOf(e));
    }
  };
  const set = (k: keyof Filter) => (e: Event) => setFilter({ ...filter, [k]: (e.currentTarget as HTMLInputElement).value });
  return (
    <>
      <div class="page-head">
        <h1>Activity</h1>
        <form class="inline-form" aria-label="Export decisions" onSubmit={(e) => e.preventDefault()}>
          <label class="inline small">
            From <input type="date" value={exportRange.from} onInput={(e) => setExportRange({ ...exportRange, from: e.currentTarget.value })} />
          </label>
          <label class="inline small">
            to <input type="date" value={exportRange.to} onInput={(e) => setExportRange({ ...exportRange, to: e.currentTarget.value })} />
          </label>
          <a class="btn" href={`/api/v1/exports/decisions.csv${query(exportRange)}`} download>
            Export decisions CSV
          </a>
        </form>
      </div>
      <form class="filters" role="search" aria-label="Filter activity" onSubmit={(e) => e.preventDefault()}>
        <label>
          From
          <input type="date" name="from" value={filter.from} onInput={set("from")} />
        </label>
        <label>
          To
          <input type="date" name="to" value={filter.to} onInput={set("to")} />
        </label>
        <label>
          Who
          <input name="actor" value={filter.actor} onChange={set("actor")} placeholder="user:ann@msp.example" />
        </label>
        <label>
          Action
          <input name="action" value={filter.action} onChange={set("action")} placeholder="decision.approve" />
        </label>
        <label>
          On
          <input name="entityType" value={filter.entityType} onChange={set("entityType")} placeholder="decision, mapping…" />
        </label>
      </form>
      {error && <Notice kind="err">{error}</Notice>}
      <table class="grid activity">
        <thead>
          <tr>
            <th>When</th>
            <th>Who</th>
            <th>What</th>
            <th>On</th>
            <th>Change</th>
          </tr>
        </thead>
        <tbody>
          {entries.length === 0 && (
            <tr>
              <td colSpan={5} class="muted">
                Nothing recorded for this filter.
              </td>
            </tr>
          )}
          {entries.map((e) => (
            <tr key={e.seq} data-seq={e.seq}>
              <td>{formatInstant(e.at)}</td>
              <td>{e.actor}</td>
              <td>{e.action}</td>
              <td>
                {e.entityType} <span class="muted small">{e.entityId}</span>
              </td>
              <td class="small details">{describeDetails(e.details)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {cursor && (
        <p class="pager">
          <button type="button" class="btn" onClick={more}>
            Show older
          </button>
        </p>
      )}
    </>
  );
}
