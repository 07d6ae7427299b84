/**
 * Month end (home): every customer's rows of the current cycle, paged through
 * GET /api/v1/reconciliation (cursor; the first page renders at once, "Show
 * more" fetches the next), grouped by customer; totals per currency over the
 * whole filter; the charts; bulk approve/dismiss across customers; the row
 * drawer; and the CSV export of the current filter.
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import type { ReconciliationPage, ReconRowView } from "../../../src/shared/api-types.ts";
import { formatMoney } from "../../lib/format.ts";
import { get, messageOf, query } from "../lib/api.ts";
import { can, useSession } from "../lib/session.ts";
import type { ReconSummary } from "../lib/types.ts";
import { groupByCustomer } from "../lib/board-groups.ts";
import { BoardTable } from "./board-table.tsx";
import { runBulk, summarize, type Decide, type RowProgress } from "../lib/bulk-run.ts";
import { BulkForm } from "./bulk.tsx";
import { MonthChart, VendorChart } from "./chart.tsx";
import { Drawer } from "./drawer.tsx";
import { boardPagePath, EMPTY_FILTER, filterFromSearch, filterQuery, type BoardFilter } from "../lib/board-query.ts";
import { Filters } from "./board-filters.tsx";

const ACTION = ["increase", "decrease", "missing-line"];

function filterToUrl(f: BoardFilter): void {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v !== (EMPTY_FILTER as unknown as Record<string, string>)[k]) p.set(k, v);
  const s = p.toString();
  history.replaceState(null, "", `${location.pathname}${s ? `?${s}` : ""}`);
}

interface Loaded {
  page: ReconciliationPage;
  rows: ReconRowView[];
}

export function Board() {
  const { user } = useSession();
  const canDecide = can(user.role, "decide");
  const [filter, setFilter] = useState(() => filterFromSearch(location.search));
  const [data, setData] = useState<Loaded | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const [summary, setSummary] = useState<ReconSummary | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [progress, setProgress] = useState<Map<string, RowProgress>>(new Map());
  const [bulk, setBulk] = useState<"approve" | "dismiss" | null>(null);
  const [run, setRun] = useState<{ keys: string[]; done: boolean } | null>(null);
  const [open, setOpen] = useState<ReconRowView | null>(null);
  const [reload, setReload] = useState(0);

  const q = filterQuery(filter);
  const qs = query(q);
  useEffect(() => {
    filterToUrl(filter);
    setLoading(true);
    setError(null);
    let live = true;
    get<ReconciliationPage>(boardPagePath(filter))
      .then((page) => {
        if (!live) return;
        setData({ page, rows: page.rows });
        // When the first page is on screen (after this render): read by bench/workspace-board.ts.
        requestAnimationFrame(() => (document.documentElement.dataset.boardAt ??= String(Math.round(performance.now()))));
      })
      .catch((e) => live && setError(messageOf(e)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [qs, reload]);
  // The chart and the recovered figure come after the rows: the first page is what the admin waits for.
  const firstLoaded = data !== null;
  useEffect(() => {
    if (firstLoaded) get<ReconSummary>("/api/v1/reconciliation/summary").then(setSummary, () => setSummary(null));
  }, [reload, firstLoaded]);

  const more = async () => {
    if (!data?.page.nextCursor) return;
    setLoading(true);
    try {
      const page = await get<ReconciliationPage>(boardPagePath(filter, data.page.nextCursor));
      setData({ page, rows: [...data.rows, ...page.rows] });
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setLoading(false);
    }
  };
  const groups = useMemo(() => groupByCustomer(data?.rows ?? []), [data]);
  const byKey = useMemo(() => new Map((data?.rows ?? []).map((r) => [r.key, r])), [data]);
  const toggle = (keys: string[], on: boolean) => {
    const next = new Set(selected);
    for (const k of keys) on ? next.add(k) : next.delete(k);
    setSelected(next);
  };
  const start = async (how: Decide) => {
    const rows = [...selected].map((k) => byKey.get(k)).filter((r): r is ReconRowView => !!r);
    const keys = rows.map((r) => r.key);
    setBulk(null);
    setRun({ keys, done: false });
    const live = new Map<string, RowProgress>();
    await runBulk(rows, how, (key, p) => {
      live.set(key, p);
      setProgress(new Map(live));
    });
    setRun({ keys, done: true });
    setSelected(new Set());
    // What the run recovered shows at once, not after the next Refresh (the rows keep their progress).
    get<ReconSummary>("/api/v1/reconciliation/summary").then(setSummary, () => undefined);
  };
  const counts = data?.page.counts ?? {};
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const needAction = ACTION.reduce((a, s) => a + (counts[s] ?? 0), 0);
  const currencies = data?.page.totals.length ? data.page.totals : [{ currency: "USD", underBilledMonthlyMinor: 0, overBilledMonthlyMinor: 0 }];
  const settled = run ? run.keys.filter((k) => ["applied", "failed", "dismissed"].includes(progress.get(k)?.state ?? "")).length : 0;

  return (
    <>
      <div class="page-head">
        <h1>Month end</h1>
        <a class="btn" href={`/api/v1/exports/reconciliation.csv${qs}`} download>
          Export CSV (this filter)
        </a>
      </div>
      <section class="totals" aria-label="Totals">
        {currencies.map((t) => (
          <div class="figs" key={t.currency}>
            <Fig label={`Under-billed / month (${t.currency})`} value={formatMoney(t.underBilledMonthlyMinor, t.currency)} tone="up" />
            <Fig label={`Over-billed / month (${t.currency})`} value={formatMoney(t.overBilledMonthlyMinor, t.currency)} tone="down" />
            <Fig
              label={`Recovered this month (${t.currency})`}
              value={formatMoney(summary?.recovered.find((r) => r.currency === t.currency)?.minor ?? (t as { recoveredMonthlyMinor?: number }).recoveredMonthlyMinor ?? 0, t.currency)}
              tone="ok"
            />
          </div>
        ))}
        <div class="figs">
          <Fig label="Need action" value={String(needAction)} />
          <Fig label="Dismissed" value={String(summary?.dismissed ?? counts.dismissed ?? 0)} />
        </div>
      </section>
      {summary && (
        <details class="charts" open>
          <summary>Trend and vendors</summary>
          <div class="chart-row">
            <MonthChart summary={summary} currency={currencies[0]?.currency ?? "USD"} />
            <VendorChart summary={summary} currency={currencies[0]?.currency ?? "USD"} />
          </div>
        </details>
      )}
      <Filters ready={firstLoaded} filter={filter} onChange={(f) => (setFilter(f), setSelected(new Set()))} />
      {canDecide && (selected.size > 0 || run) && (
        <div class="bulkbar" role="region" aria-label="Selection">
          {selected.size > 0 && (
            <>
              <span>
                <b>{selected.size}</b> selected
              </span>
              <button class="btn primary" type="button" onClick={() => setBulk("approve")} disabled={!!run && !run.done}>
                Approve…
              </button>
              <button class="btn" type="button" onClick={() => setBulk("dismiss")} disabled={!!run && !run.done}>
                Dismiss…
              </button>
              <button class="btn link" type="button" onClick={() => setSelected(new Set())}>
                Clear
              </button>
            </>
          )}
          {run && (
            <div class="run" role="status" aria-live="polite">
              <progress max={run.keys.length} value={settled} aria-label="Decisions settled" />
              <span>{run.done ? summarize(progress, run.keys) : `${settled} of ${run.keys.length} done…`}</span>
              {run.done && (
                <button class="btn" type="button" onClick={() => (setRun(null), setProgress(new Map()), setReload(reload + 1))}>
                  Refresh the board
                </button>
              )}
            </div>
          )}
        </div>
      )}
      {bulk && <BulkForm action={bulk} rows={[...selected].map((k) => byKey.get(k)).filter((r): r is ReconRowView => !!r)} onRun={start} onCancel={() => setBulk(null)} />}
      {error && (
        <p class="banner err" role="alert">
          {error}
        </p>
      )}
      {data && data.page.freshness.pendingScopes > 0 && <p class="banner info">{data.page.freshness.pendingScopes} customers are being recomputed; their rows update in a moment.</p>}
      {data && data.rows.length === 0 && !loading && <p class="empty">Nothing to show for this filter. {filter.status === "action" ? "Every customer is billed right." : ""}</p>}
      {data && data.rows.length > 0 && <BoardTable groups={groups} selected={selected} canDecide={canDecide} progress={progress} onToggle={toggle} onOpen={setOpen} />}
      <p class="pager">
        {data && (
          <span class="muted small">
            {data.rows.length} of {total} rows
          </span>
        )}
        {data?.page.nextCursor && (
          <button class="btn" type="button" onClick={more} disabled={loading}>
            Show more rows
          </button>
        )}
        {loading && <span class="muted small" aria-live="polite">Loading…</span>}
      </p>
      {open && <Drawer row={open} onClose={() => setOpen(null)} />}
    </>
  );
}

function Fig({ label, value, tone }: { label: string; value: string; tone?: string }) {
  return (
    <div class="fig">
      <span class="small muted">{label}</span>
      <b class={tone ?? ""}>{value}</b>
    </div>
  );
}
