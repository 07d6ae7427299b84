/**
 * The reconciliation table: one row per reconciled line — status badge,
 * product, PSA and vendor quantity (sources on hover/focus), variance, monthly
 * money, margin — and the row's actions with their write-back state. Fixed
 * column widths so the skeleton and the data occupy the same space.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { DecisionView, ReconRow } from "../../src/shared/api-types.ts";
import { decisionState, describeWrite, failureText, isPartlyFixed, isRevertable, isSupersededByPsa, lineKey, type RowDecisionState } from "../lib/decisions.ts";
import { formatMoney, formatPercent, formatQuantity, formatVariance } from "../lib/format.ts";
import { inferCycle } from "../lib/proration.ts";
import { isProposable, rowTitle, STATUS_META } from "../lib/rows.ts";
import type { ViewStore } from "../state/view-store.ts";
import { Badge, SkeletonRows, VendorFigure } from "./bits.tsx";
import { MapServicePanel, RulePanel } from "./lazy.tsx";
import { ApprovePanel } from "./approve-panel.tsx";
import { DismissPanel, NotePanel, RevertPanel } from "./panels.tsx";
import { DismissedLine, RowNotes } from "./row-details.tsx";

/** How long after a panel closes the row keeps focus from falling to <body> (the write-back re-renders it). */
const FOCUS_RETURN_MS = 10_000;

type PanelKind = "approve" | "adjust" | "dismiss" | "note" | "map" | "revert" | "rule";

/**
 * `appliesAtOnce`: the PSA takes a written quantity immediately (the ConnectWise pod), see
 * isSupersededByPsa. `justDecided`: decided in this session, whose applied state stands even
 * before the re-sync shows the new quantity.
 */
export function rowDecision(row: ReconRow, latest: Map<string, DecisionView>, now: Date, appliesAtOnce: boolean, justDecided = false): RowDecisionState {
  if (row.agreementId === null || row.productKey === null) return { kind: "none" };
  const state = decisionState(latest.get(lineKey(row.agreementId, row.productKey)), now, inferCycle(row.proposal?.periodDays ?? 30));
  // The PSA changed after an applied approval: the row is open again.
  if (state.kind === "applied" && !justDecided && isSupersededByPsa(state.decision, row.psaQuantity, now.toISOString().slice(0, 10), appliesAtOnce)) return { kind: "none" };
  // The API decides whether a dismissal still holds (a changed count or a new period ends it).
  if (state.kind === "dismissed" && !row.dismissed) return { kind: "none" };
  return state;
}

function Money({ row }: { row: ReconRow }) {
  if (row.monthlyImpactMinor === null || row.currency === null) return <span class="muted">—</span>;
  const tone = row.monthlyImpactMinor > 0 ? "up" : row.monthlyImpactMinor < 0 ? "down" : "";
  return (
    <span class={tone} title={row.priceSource === "catalog-estimate" ? "Estimated from this product's other lines" : undefined}>
      {formatMoney(row.monthlyImpactMinor, row.currency, undefined, true)}
      {row.priceSource === "catalog-estimate" ? <span class="small muted"> est.</span> : ""}
    </span>
  );
}

function Margin({ row }: { row: ReconRow }) {
  if (row.marginPct === null) return <span class="muted">—</span>;
  const unit = row.unitMarginMinor !== null && row.currency ? `${formatMoney(row.unitMarginMinor, row.currency)} per unit` : undefined;
  return <span title={unit}>{formatPercent(row.marginPct)}</span>;
}

function StateLine({ row, state, action }: { row: ReconRow; state: RowDecisionState; action: ViewStore["actions"]["value"][string] | undefined }) {
  if (action) return <span class={`wb ${action.phase}`} role={action.phase === "failed" ? "alert" : undefined}>{action.phase === "failed" ? failureText(action.message) : action.message}</span>;
  if (state.kind === "none" || state.kind === "dismissed") return null;
  const d = state.decision;
  const written = describeWrite(d);
  const text = {
    pending: "Writing to the PSA…",
    scheduled: written,
    applied: d.action === "revert" ? "Reverted" : isPartlyFixed(d, row) ? `${written}; ${formatVariance(row.variance)} still to reconcile` : written,
    // The PSA's message, once, in plain words with what to do (the API's writebackError).
    failed: failureText(d.writebackError ?? "no reason given"),
  }[state.kind];
  return <span class={`wb ${state.kind === "scheduled" ? "pending" : state.kind}`}>{text}</span>;
}

function RowItem({ row, store, latest, now }: { row: ReconRow; store: ViewStore; latest: Map<string, DecisionView>; now: Date }) {
  const [panel, setPanel] = useState<PanelKind | null>(null);
  const opener = useRef<HTMLElement | null>(null);
  const action = store.actions.value[row.key];
  const state = rowDecision(row, latest, now, store.psaAppliesAtOnce, action !== undefined);
  const busy = action?.phase === "submitting" || action?.phase === "pending" || state.kind === "pending";
  const partly = state.kind === "applied" && isPartlyFixed(state.decision, row);
  const canDecide = isProposable(row) && !busy && !row.dismissed && (state.kind === "none" || state.kind === "failed" || partly);
  const canNote = row.agreementId !== null && row.productKey !== null;
  const revertable = state.kind === "applied" && isRevertable(state.decision) && !busy;
  const note = canNote ? store.notes.value[lineKey(row.agreementId as string, row.productKey as string)] : undefined;
  const panelId = `panel-${row.key.replace(/[^A-Za-z0-9_-]/g, "_")}`;
  const open = (kind: PanelKind) => (e: Event) => {
    opener.current = e.currentTarget as HTMLElement;
    setPanel(panel === kind ? null : kind);
  };
  const rowRef = useRef<HTMLTableRowElement>(null);
  const closedAt = useRef(0);
  // After a panel closes, focus goes back to its button — or, when the submit removed that
  // button (the row went pending or dismissed), to the row itself; never to <body>.
  useEffect(() => {
    if (Date.now() - closedAt.current > FOCUS_RETURN_MS) return;
    const lost = document.activeElement === null || document.activeElement === document.body;
    if (lost) (opener.current?.isConnected ? opener.current : rowRef.current)?.focus();
  });
  const close = () => {
    closedAt.current = Date.now();
    setPanel(null);
    requestAnimationFrame(() => (opener.current?.isConnected ? opener.current : rowRef.current)?.focus());
  };
  const button = (kind: PanelKind, label: string, primary = false) => (
    <button class={`btn${primary ? " primary" : ""}`} aria-expanded={panel === kind} aria-controls={panelId} onClick={open(kind)} data-action={kind}>
      {label}
    </button>
  );
  const title = rowTitle(row);
  const meta = STATUS_META[row.status];
  return (
    <>
      <tr ref={rowRef} tabIndex={-1} class={row.dismissed ? "dismissed" : meta.group === 0 ? "hot" : ""} data-row={row.key} data-status={row.status} data-dismissed={row.dismissed ? "true" : undefined}>
        <td class="c-status">
          <Badge status={row.status} />
        </td>
        <td class="c-prod">
          <div class="prod">{title}</div>
          {row.reasons.length > 0 && meta.group !== 0 && <div class="why">{row.reasons[0]}</div>}
          {row.proposal?.canApply === false && <div class="why">{row.proposal.reason}</div>}
          <RowNotes row={row} />
          {note && <div class="why">Note: {note.note}</div>}
        </td>
        <td class="c-q num" data-label="PSA">{formatQuantity(row.psaQuantity)}</td>
        <td class="c-q num" data-label="Vendor">
          <VendorFigure row={row} now={now} />
        </td>
        <td class="c-var num" data-label="Variance">{formatVariance(row.variance)}</td>
        <td class="c-money num" data-label="Per month">
          <Money row={row} />
        </td>
        <td class="c-margin num" data-label="Margin">
          <Margin row={row} />
        </td>
        <td class="c-acts">
          <div class="acts" role="group" aria-label={`Actions for ${title}`}>
            {row.dismissed && (!action || action.phase === "applied") ? <DismissedLine row={row} store={store} busy={busy} /> : <StateLine row={row} state={state} action={action} />}
            {state.kind === "scheduled" && !busy && (
              <button class="btn" data-action="cancel" onClick={() => void store.follow(row.key, state.decision.id, "cancel")}>
                Cancel
              </button>
            )}
            {state.kind === "failed" && !busy && (
              <button class="btn primary" data-action="retry" onClick={() => void store.follow(row.key, state.decision.id, "retry")}>
                Retry
              </button>
            )}
            {canDecide && button("approve", "Approve", state.kind !== "failed")}
            {canDecide && button("adjust", "Adjust")}
            {canDecide && button("dismiss", "Dismiss")}
            {revertable && button("revert", "Revert")}
            {row.status === "unmapped-service" && button("map", "Map", true)}
            {canNote && button("note", note ? "Edit note" : "Note")}
            {row.productKey !== null && row.sources.length > 0 && row.status !== "unmapped-account" && button("rule", "Rule")}
          </div>
        </td>
      </tr>
      {panel && (
        <tr class="panel-row">
          <td colSpan={8} id={panelId}>
            {(panel === "approve" || panel === "adjust") && <ApprovePanel row={row} store={store} close={close} adjust={panel === "adjust"} />}
            {panel === "dismiss" && <DismissPanel row={row} store={store} close={close} />}
            {panel === "note" && <NotePanel row={row} store={store} close={close} />}
            {panel === "map" && <MapServicePanel row={row} store={store} close={close} />}
            {panel === "rule" && <RulePanel row={row} store={store} close={close} />}
            {panel === "revert" && state.kind === "applied" && <RevertPanel row={row} store={store} close={close} decision={state.decision} />}
          </td>
        </tr>
      )}
    </>
  );
}

export function RowsTable({ rows, store, latest, now, label, loading }: { rows: ReconRow[]; store: ViewStore; latest: Map<string, DecisionView>; now: Date; label: string; loading?: boolean }) {
  return (
    <table class="rows" aria-label={label} aria-busy={loading ? "true" : "false"}>
      <colgroup>
        <col class="col-status" />
        <col />
        <col class="col-q" />
        <col class="col-q" />
        <col class="col-var" />
        <col class="col-money" />
        <col class="col-margin" />
        <col class="col-acts" />
      </colgroup>
      <thead>
        <tr>
          <th scope="col">Status</th>
          <th scope="col">Product</th>
          <th scope="col" class="num">PSA</th>
          <th scope="col" class="num">Vendor</th>
          <th scope="col" class="num">Variance</th>
          <th scope="col" class="num">Per month</th>
          <th scope="col" class="num">Margin</th>
          <th scope="col">
            <span class="sr">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>{loading ? <SkeletonRows count={6} /> : rows.map((row) => <RowItem key={row.key} row={row} store={store} latest={latest} now={now} />)}</tbody>
    </table>
  );
}
