/**
 * Editing a count rule with its preview (issue 12 §5–6), in the pod's rule
 * panel and the workspace's mapping grid: fields → Preview (which rows change
 * and the money per month, nothing saved) → Save rule. The API validates and
 * names a bad field; its message is shown as it is.
 */
import { useState } from "preact/hooks";
import type { CountRuleView, MappingPreviewResponse } from "../../src/shared/api-types.ts";
import { BASIS_LABELS, draftOf, ROUND_LABELS, type RuleBody, type RuleDraft, ruleOf, SHARE_LABELS } from "../lib/count-rule.ts";
import { PreviewSummary } from "./mapping-preview.tsx";
import "./rule-editor.css";

export interface RuleEditorProps {
  initial: CountRuleView;
  preview: (rule: RuleBody) => Promise<MappingPreviewResponse>;
  save: (rule: RuleBody) => Promise<void>;
  close: () => void;
}

function Choice<K extends string>({ label, value, labels, disabled, set }: { label: string; value: K; labels: Record<K, string>; disabled: boolean; set: (v: K) => void }) {
  return (
    <label>
      {label}
      <select value={value} disabled={disabled} onChange={(e) => set(e.currentTarget.value as K)}>
        {(Object.keys(labels) as K[]).map((k) => (
          <option key={k} value={k}>
            {labels[k]}
          </option>
        ))}
      </select>
    </label>
  );
}

export function RuleEditor({ initial, preview, save, close }: RuleEditorProps) {
  const [draft, setDraft] = useState<RuleDraft>(() => draftOf(initial));
  const [shown, setShown] = useState<MappingPreviewResponse | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const locked = shown !== null || busy;
  const set = <K extends keyof RuleDraft>(k: K) => (v: RuleDraft[K]) => setDraft({ ...draft, [k]: v });
  const field = (k: "multiplier" | "offset" | "step" | "minimum" | "maximum" | "shareValue", label: string, placeholder = "") => (
    <label>
      {label}
      <input inputMode="decimal" size={6} name={k} value={draft[k]} placeholder={placeholder} disabled={locked} onInput={(e) => set(k)(e.currentTarget.value)} />
    </label>
  );
  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      if (!shown) setShown(await preview(ruleOf(draft)));
      else {
        await save(ruleOf(draft));
        close();
      }
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    }
    setBusy(false);
  };
  return (
    <form class="rule-editor" aria-label="Count rule" onSubmit={submit} onKeyDown={(e) => e.key === "Escape" && close()}>
      <p class="small muted">Applied in this order to the vendor's count: count → share → × multiplier → + offset → rounding → minimum → maximum.</p>
      <div class="fields">
        <Choice label="Count" value={draft.basis} labels={BASIS_LABELS} disabled={locked} set={set("basis")} />
        <Choice label="Share" value={draft.share} labels={SHARE_LABELS} disabled={locked} set={set("share")} />
        {(draft.share === "fixed" || draft.share === "weight") && field("shareValue", draft.share === "fixed" ? "Quantity" : "Weight")}
        {field("multiplier", "× Multiplier", "1")}
        {field("offset", "+ Offset", "0")}
        <Choice label="Round" value={draft.mode} labels={ROUND_LABELS} disabled={locked} set={set("mode")} />
        {draft.mode !== "none" && field("step", "To a multiple of", "1")}
        {field("minimum", "Minimum", "none")}
        {field("maximum", "Maximum", "none")}
      </div>
      {shown && <PreviewSummary preview={shown} lead="This rule will:" />}
      <div class="buttons">
        <button class="btn primary" type="submit" disabled={busy} data-action={shown ? "save-rule" : "preview-rule"}>
          {busy ? "Working…" : shown ? "Save rule" : "Preview"}
        </button>
        {shown && (
          <button class="btn" type="button" onClick={() => setShown(null)}>
            Change
          </button>
        )}
        <button class="btn" type="button" onClick={close}>
          Cancel
        </button>
      </div>
      {error && (
        <p class="err" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
