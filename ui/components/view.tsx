/**
 * One pod view: an agreement (ConnectWise agreement screen, Autotask contract)
 * or all agreements of a company (ConnectWise company screen). Totals on top,
 * rows needing action first, bulk approve per agreement, unmapped usage with
 * inline mapping; loading, empty, stale-data and error states.
 */
import { useEffect, useMemo, useState } from "preact/hooks";
import type { DecisionView, ReconRow } from "../../src/shared/api-types.ts";
import { latestByLine } from "../lib/decisions.ts";
import { formatAge, formatMoney } from "../lib/format.ts";
import type { PodAgreementSummary, PodContextResponse } from "../../src/shared/pod-types.ts";
import { groupByAgreement, isProposable, sortRows, STATUS_META } from "../lib/rows.ts";
import type { ViewStore } from "../state/view-store.ts";
import { Totals, TotalsSkeleton } from "./bits.tsx";
import { UnmappedAccounts } from "./mapping.tsx";
import { MappingUndo } from "./mapping-undo.tsx";
import { rowDecision, RowsTable } from "./table.tsx";

let marked = false;
/** Load-to-rows time: performance.now() in the pod's frame is measured from its navigation start. */
function markRowsRendered(): void {
  if (marked) return;
  marked = true;
  performance.mark("trueup:rows");
  document.documentElement.dataset.rowsAt = String(Math.round(performance.now()));
}

function BulkApprove({ rows, store, latest, now }: { rows: ReconRow[]; store: ViewStore; latest: Map<string, DecisionView>; now: Date }) {
  const [confirming, setConfirming] = useState(false);
  const eligible = rows.filter((r) => isProposable(r) && !r.dismissed && !store.actions.value[r.key] && rowDecision(r, latest, now, store.psaAppliesAtOnce, Boolean(store.actions.value[r.key])).kind === "none");
  if (eligible.length === 0) return null;
  const currency = eligible[0]?.currency ?? "USD";
  const net = eligible.reduce((sum, r) => sum + (r.currency === currency ? (r.monthlyImpactMinor ?? 0) : 0), 0);
  const approveAll = () => {
    setConfirming(false);
    for (const r of eligible) {
      const p = r.proposal;
      if (!p || !r.agreementId || !r.productKey) continue;
      void store.decide(r.key, { agreementId: r.agreementId, productKey: r.productKey, ...(p.targetLineId ? { lineId: p.targetLineId } : {}), action: "approve", effectiveDate: p.effectiveDate });
    }
  };
  return confirming ? (
    <span class="buttons" role="group" aria-label="Confirm bulk approve">
      <span class="small">
        Approve {eligible.length} change{eligible.length === 1 ? "" : "s"} ({formatMoney(net, currency, undefined, true)}/month)?
      </span>{" "}
      <button class="btn primary" onClick={approveAll} autoFocus>
        Approve {eligible.length}
      </button>{" "}
      <button class="btn" onClick={() => setConfirming(false)}>
        Cancel
      </button>
    </span>
  ) : (
    <button class="btn" onClick={() => setConfirming(true)} data-action="bulk">
      Approve all ({eligible.length})
    </button>
  );
}

function Section({ title, agreement, rows, store, latest, now }: { title: string; agreement: PodAgreementSummary | null; rows: ReconRow[]; store: ViewStore; latest: Map<string, DecisionView>; now: Date }) {
  return (
    <section aria-label={title}>
      <div class="head">
        <h2>{title}</h2>
        {agreement && <BulkApprove rows={rows} store={store} latest={latest} now={now} />}
      </div>
      {rows.length === 0 ? <p class="muted">Nothing to reconcile on this agreement.</p> : <RowsTable rows={rows} store={store} latest={latest} now={now} label={title} />}
    </section>
  );
}

interface SectionData {
  title: string;
  agreement: PodAgreementSummary | null;
  rows: ReconRow[];
}

function sections(ctx: PodContextResponse, rows: ReconRow[]): SectionData[] {
  const groups = groupByAgreement(sortRows(rows));
  const agreements = ctx.kind === "agreement" ? [ctx.agreement] : ctx.agreements.filter((a) => !a.cancelled || groups.has(a.id));
  // The agreement view's header already names the agreement.
  const out: SectionData[] = agreements.map((a) => ({ title: ctx.kind === "agreement" ? "Agreement lines" : a.name, agreement: a, rows: groups.get(a.id) ?? [] }));
  const loose = groups.get(null);
  if (loose) out.push({ title: `${ctx.company.name}: usage on no agreement`, agreement: null, rows: loose });
  return out;
}

/** The store is created (and starts loading) by the caller, as soon as the context is known. */
export function View({ store, actor, onSignOut }: { store: ViewStore; actor: string; onSignOut?: () => void }) {
  const { ctx } = store;
  const now = new Date();
  const data = store.data.value;
  const latest = useMemo(() => latestByLine(store.decisions.value ?? []), [store.decisions.value]);
  useEffect(() => {
    if (store.state.value === "ready") markRowsRendered();
  }, [store.state.value]);
  const title = ctx.kind === "agreement" ? ctx.agreement.name : ctx.company.name;
  const subtitle = ctx.kind === "agreement" ? ctx.company.name : `${ctx.agreements.length} agreement${ctx.agreements.length === 1 ? "" : "s"}`;
  const stale = data?.rows.filter((r) => r.status === "stale").length ?? 0;
  // Rows are persisted; the oldest computation is how fresh the whole view is.
  const computedAt = data?.rows.reduce<string | null>((oldest, r) => (r.computedAt && (oldest === null || r.computedAt < oldest) ? r.computedAt : oldest), null) ?? null;
  // A dismissed row keeps its status but needs nothing: counted apart.
  const needAction = data?.rows.filter((r) => STATUS_META[r.status].group === 0 && !r.dismissed).length ?? 0;
  const cancelled = ctx.kind === "agreement" && ctx.agreement.cancelled;
  return (
    <main aria-busy={store.state.value === "loading"}>
      <header class="head">
        <div>
          <h1>{title}</h1>
          <p class="muted small">{subtitle}</p>
        </div>
        <div class="meta small muted">
          {data && <span>Updated {formatAge(data.generatedAt, now)}</span>}
          {computedAt && <span>Figures from {formatAge(computedAt, now)}</span>}
          <button class="btn" onClick={() => void store.load()}>
            Refresh
          </button>
          <span>Signed in as {store.nameOf(actor)}</span>
          {onSignOut && (
            <button class="btn link" onClick={onSignOut}>
              Sign out
            </button>
          )}
        </div>
      </header>
      {data ? <Totals totals={data.totals} needAction={needAction} dismissed={data.dismissed ?? 0} /> : <TotalsSkeleton />}
      {cancelled && (
        <p class="banner" role="status">
          This agreement is cancelled in the PSA: none of its lines are billed any more, so nothing here is proposed.
        </p>
      )}
      <MappingUndo store={store} />
      {store.refreshFailed.value && (
        <p class="banner err" role="alert">
          Couldn't refresh ({store.refreshFailed.value}). Showing data from {data ? formatAge(data.generatedAt, now) : "earlier"}.
        </p>
      )}
      {stale > 0 && (
        <p class="banner" role="status">
          {stale} line{stale === 1 ? " uses" : "s use"} vendor counts older than the stale limit: check the vendor sync first.
        </p>
      )}
      {store.state.value === "error" && (
        <div class="banner err" role="alert">
          <p>Couldn't load the reconciliation: {store.error.value}</p>
          <button class="btn" onClick={() => void store.load()}>
            Try again
          </button>
        </div>
      )}
      {store.state.value === "loading" && <RowsTable rows={[]} store={store} latest={latest} now={now} label="Loading" loading />}
      {data && data.rows.length === 0 && !cancelled && <p class="banner info">No agreement lines or vendor usage to reconcile here yet.</p>}
      {data && data.rows.length > 0 && sections(ctx, data.rows).map((s) => <Section key={s.agreement?.id ?? "none"} {...s} store={store} latest={latest} now={now} />)}
      {data && <UnmappedAccounts store={store} />}
    </main>
  );
}
