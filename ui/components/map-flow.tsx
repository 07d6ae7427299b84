/**
 * The mapping flows, loaded when first opened (lazy.tsx: not in the pod's
 * first payload): choose → preview → save for a vendor service → PSA product
 * (with an optional count rule, issue 12) or a vendor account → company.
 * Nothing is saved with one click (issue 9 §3): a picker starts empty unless a
 * suggestion is near-exact (lib/mapping.ts), a mapping is previewed first —
 * which rows appear or change and the money per month
 * (POST /api/v1/mappings/preview) — and after saving, Undo is one click.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { MapAccountRequest, MappingPreviewResponse, MapServiceRequest, ProductListResponse } from "../../src/shared/api-types.ts";
import { preselected } from "../lib/mapping.ts";
import type { ViewStore } from "../state/view-store.ts";
import type { PanelProps } from "./panels.tsx";
import { PreviewSummary } from "./mapping-preview.tsx";

export type Option = { value: string; label: string };

function usePicker(initial: Option[], load: () => Promise<Option[]>) {
  const [options, setOptions] = useState(initial);
  useEffect(() => {
    load()
      .then((more) => setOptions([...initial, ...more.filter((m) => !initial.some((i) => i.value === m.value))]))
      .catch(() => undefined);
  }, []);
  return options;
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * Choose → preview → save. `initial` is the preselected value ("" = start empty).
 * `save` gets the chosen value and its label.
 */
export function MapFlow({ store, label, options, initial, body, save, close }: {
  label: string;
  options: Option[];
  initial: string;
  body: (value: string) => MapServiceRequest | MapAccountRequest;
  save: (value: string, label: string) => Promise<void>;
  close?: () => void;
  store: ViewStore;
}) {
  const [value, setValue] = useState(initial);
  const [preview, setPreview] = useState<MappingPreviewResponse | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLSelectElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const chosenLabel = options.find((o) => o.value === value)?.label ?? value;
  const run = async (step: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await step();
    } catch (err) {
      setError(errorText(err));
    }
    setBusy(false);
  };
  const submit = (e: Event) => {
    e.preventDefault();
    if (!value) return;
    void run(async () => {
      if (!preview) setPreview(await store.preview(body(value)));
      else {
        await save(value, chosenLabel);
        close?.();
      }
    });
  };
  return (
    <form class="fields map-flow" onSubmit={submit} onKeyDown={(e) => e.key === "Escape" && close?.()}>
      <label>
        {label}
        <select ref={ref} value={value} disabled={preview !== null} onChange={(e) => setValue(e.currentTarget.value)} required>
          <option value="">Choose…</option>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      {preview && <PreviewSummary preview={preview} />}
      <div class="buttons">
        <button class="btn primary" type="submit" disabled={busy || !value} data-action={preview ? "save-mapping" : "preview-mapping"}>
          {busy ? "Working…" : preview ? "Save mapping" : "Preview"}
        </button>
        {preview && (
          <button class="btn" type="button" onClick={() => setPreview(null)}>
            Change
          </button>
        )}
        {close && (
          <button class="btn" type="button" onClick={close}>
            Cancel
          </button>
        )}
      </div>
      {error && <span class="err" role="alert">{error}</span>}
    </form>
  );
}

/** Maps the vendor service behind an unmapped-service row to a PSA product. */
export function MapServicePanel({ row, store, close }: PanelProps) {
  const serviceId = row.sources[0]?.serviceId;
  const all = store.unmapped.value?.services.find((s) => s.serviceId === serviceId)?.suggestions ?? [];
  const suggested: Option[] = all.map((s) => ({ value: s.productKey, label: `${s.productName} (${s.confidence}% match)` }));
  const options = usePicker(suggested, async () => ((await store.products()) as ProductListResponse).products.map((p) => ({ value: p.productKey, label: p.productName })));
  if (!serviceId) return null;
  const serviceName = row.sources[0]?.serviceName ?? serviceId;
  return (
    <div class="panel">
      <p>
        Map <b>{serviceName}</b> to the PSA product it is billed as:
      </p>
      <MapFlow
        store={store}
        label="PSA product"
        options={options}
        initial={preselected(all)?.productKey ?? ""}
        body={(productKey) => ({ serviceId, productKey })}
        save={(productKey, label) => store.mapService(serviceId, productKey, `${serviceName} → ${label}`)}
        close={close}
      />
    </div>
  );
}

