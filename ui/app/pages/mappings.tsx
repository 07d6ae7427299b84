/**
 * Mappings: vendor accounts → customers and vendor services → PSA products in
 * one grid, each with its best suggestion and confidence; pick another target,
 * accept suggestions in bulk, and (with "unmapped only" off) see and remove
 * current mappings and their count rules (current-mappings.tsx). Preview of the effect, undo and "ignore (not a customer)"
 * come from the billing-truth work (lib/mapping-actions.ts): every save shows its
 * effect first and waits for a second click; the last save can be undone.
 */
import { useState } from "preact/hooks";
import type { CompanyListResponse, MappingPreviewResponse, ProductListResponse, UnmappedResponse } from "../../../src/shared/api-types.ts";
import { PreviewSummary } from "../../components/mapping-preview.tsx";
import { messageOf } from "../lib/api.ts";
import { ignoreAccount, type MappingChange, previewChanges, saveChanges, undoSteps, type UndoStep } from "../lib/mapping-actions.ts";
import { can, useSession } from "../lib/session.ts";
import { Notice, useGet } from "../lib/ui.tsx";
import { type CurrentMappings, CurrentMappingsTable } from "./current-mappings.tsx";

interface GridRow {
  id: string;
  kind: "account" | "service";
  name: string;
  vendor: string;
  suggestion: { id: string; name: string; confidence: number } | null;
}

export function Mappings() {
  const { user } = useSession();
  const canMap = can(user.role, "decide");
  const [unmappedOnly, setUnmappedOnly] = useState(true);
  const unmapped = useGet<UnmappedResponse>("/api/v1/mappings/unmapped");
  const current = useGet<CurrentMappings>(unmappedOnly ? null : "/api/v1/mappings");
  const companies = useGet<CompanyListResponse>("/api/v1/companies");
  const products = useGet<ProductListResponse>("/api/v1/products");
  const [picked, setPicked] = useState<Record<string, string>>({});
  const [checked, setChecked] = useState<Set<string>>(new Set());
  const [msg, setMsg] = useState<{ kind: "ok" | "err" | "info"; text: string } | null>(null);

  const rows: GridRow[] = [
    ...(unmapped.data?.accounts ?? []).map((a) => ({ id: a.accountId, kind: "account" as const, name: a.name, vendor: a.integrationName, suggestion: a.suggestions[0] ? { id: a.suggestions[0].companyId, name: a.suggestions[0].companyName, confidence: a.suggestions[0].confidence } : null })),
    ...(unmapped.data?.services ?? []).map((s) => ({ id: s.serviceId, kind: "service" as const, name: s.name, vendor: s.integrationName, suggestion: s.suggestions[0] ? { id: s.suggestions[0].productKey, name: s.suggestions[0].productName, confidence: s.suggestions[0].confidence } : null })),
  ];
  const key = (r: GridRow) => `${r.kind}:${r.id}`;
  const withSuggestion = rows.filter((r) => r.suggestion).map(key);
  const target = (r: GridRow) => picked[key(r)] ?? r.suggestion?.id ?? "";
  const changeOf = (r: GridRow): MappingChange => (r.kind === "account" ? { kind: "account", accountId: r.id, companyId: target(r) } : { kind: "service", serviceId: r.id, productKey: target(r) });
  const reload = () => {
    unmapped.reload();
    current.reload();
    setChecked(new Set());
  };
  const [pending, setPending] = useState<{ changes: MappingChange[]; suggested: boolean; effect: MappingPreviewResponse } | null>(null);
  const [undo, setUndo] = useState<UndoStep[] | null>(null);
  const run = async (action: () => Promise<void>) => {
    try {
      await action();
    } catch (e) {
      setMsg({ kind: "err", text: messageOf(e) });
    }
  };
  // First the effect (nothing saved), then Save or Cancel (issue 11 §3, issue 9 mapping preview).
  const save = (changes: MappingChange[], suggested: boolean) =>
    run(async () => {
      setMsg(null);
      setPending({ changes, suggested, effect: await previewChanges(changes) });
    });
  const confirm = () =>
    run(async () => {
      if (!pending) return;
      setPending(null);
      setUndo(await saveChanges(pending.changes, pending.suggested));
      setMsg({ kind: "ok", text: `${pending.changes.length} mapping${pending.changes.length === 1 ? "" : "s"} saved. The board recomputes the affected customers.` });
      reload();
    });
  const ignore = (r: GridRow) =>
    run(async () => {
      setUndo(await ignoreAccount(r.id));
      setMsg({ kind: "ok", text: `${r.name} is marked as not a customer; its usage leaves the board.` });
      reload();
    });
  const undoLast = () =>
    run(async () => {
      if (!undo) return;
      await undoSteps(undo);
      setUndo(null);
      setMsg({ kind: "ok", text: "Undone: the previous mappings are back." });
      reload();
    });
  const acceptChecked = () => {
    const list = rows.filter((r) => checked.has(key(r)) && r.suggestion && target(r) === r.suggestion.id);
    if (list.length > 0) void save(list.map(changeOf), true);
  };
  const companyName = new Map((companies.data?.companies ?? []).map((c) => [c.companyId, c.name]));
  const productName = new Map((products.data?.products ?? []).map((p) => [p.productKey, p.productName]));
  return (
    <>
      <div class="page-head">
        <h1>Mappings</h1>
        <label class="inline">
          <input type="checkbox" checked={unmappedOnly} onChange={(e) => setUnmappedOnly(e.currentTarget.checked)} /> Unmapped only
        </label>
      </div>
      <p class="muted small">Vendor accounts must belong to a customer and vendor services to a PSA product before their usage reconciles.</p>
      {unmapped.error && <Notice kind="err">{unmapped.error}</Notice>}
      {msg && <Notice kind={msg.kind}>{msg.text}</Notice>}
      {undo && canMap && (
        <p>
          <button type="button" class="btn" onClick={undoLast}>
            Undo last change
          </button>
        </p>
      )}
      {pending && (
        <div class="banner info pending-mapping">
          <PreviewSummary preview={pending.effect} lead={`Saving ${pending.changes.length === 1 ? "this mapping" : `these ${pending.changes.length} mappings`} will:`} />
          <button type="button" class="btn primary" onClick={confirm}>
            Save {pending.changes.length === 1 ? "mapping" : `${pending.changes.length} mappings`}
          </button>{" "}
          <button type="button" class="btn" onClick={() => setPending(null)}>
            Cancel
          </button>
        </div>
      )}
      {canMap && rows.length > 0 && (
        <div class="bulkbar">
          <button type="button" class="btn primary" disabled={checked.size === 0} onClick={acceptChecked}>
            Accept {checked.size} suggestion{checked.size === 1 ? "" : "s"}
          </button>
        </div>
      )}
      {unmapped.data && rows.length === 0 && <p class="empty">Everything is mapped.</p>}
      {rows.length > 0 && (
        <table class="grid mappings">
          <thead>
            <tr>
              {canMap && (
                <th class="c-sel">
                  <input type="checkbox" aria-label="Select every suggestion" checked={withSuggestion.length > 0 && withSuggestion.every((k) => checked.has(k))} onChange={(e) => setChecked(e.currentTarget.checked ? new Set(withSuggestion) : new Set())} />
                </th>
              )}
              <th>Vendor item</th>
              <th>Maps to</th>
              <th class="num">Confidence</th>
              {canMap && <th><span class="sr">Actions</span></th>}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={key(r)} data-map={key(r)}>
                {canMap && (
                  <td class="c-sel">
                    {r.suggestion && (
                      <input type="checkbox" aria-label={`Accept suggestion for ${r.name}`} checked={checked.has(key(r))} onChange={(e) => {
                        const next = new Set(checked);
                        e.currentTarget.checked ? next.add(key(r)) : next.delete(key(r));
                        setChecked(next);
                      }} />
                    )}
                  </td>
                )}
                <td>
                  <b>{r.name}</b>
                  <div class="muted small">
                    {r.kind === "account" ? "Account" : "Service"} · {r.vendor}
                  </div>
                </td>
                <td>
                  <select aria-label={`${r.kind === "account" ? "Customer" : "Product"} for ${r.name}`} value={target(r)} disabled={!canMap} onChange={(e) => setPicked({ ...picked, [key(r)]: e.currentTarget.value })}>
                    <option value="">— choose —</option>
                    {r.kind === "account"
                      ? (companies.data?.companies ?? []).map((c) => <option key={c.companyId} value={c.companyId}>{c.name}</option>)
                      : (products.data?.products ?? []).map((p) => <option key={p.productKey} value={p.productKey}>{p.productName}</option>)}
                  </select>
                </td>
                <td class="num">{r.suggestion && target(r) === r.suggestion.id ? `${r.suggestion.confidence} %` : "—"}</td>
                {canMap && (
                  <td>
                    <div class="acts">
                    <button type="button" class="btn" disabled={!target(r)} onClick={() => save([changeOf(r)], false)}>
                      Map
                    </button>
                    {r.kind === "account" && (
                      <button type="button" class="btn" onClick={() => ignore(r)}>
                        Not a customer
                      </button>
                    )}
                    </div>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {!unmappedOnly && current.data && (
        <CurrentMappingsTable
          current={current.data}
          companyName={(id) => companyName.get(id) ?? id}
          productName={(key) => productName.get(key) ?? key}
          canMap={canMap}
          done={(m) => {
            setMsg(m);
            reload();
          }}
        />
      )}
    </>
  );
}
