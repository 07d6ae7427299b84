/**
 * Inline mapping of unmapped usage, which re-reconciles: a vendor service to a
 * PSA product, a vendor account to a company, or "Not a customer / ignore".
 * Nothing is saved with one click (issue 9 §3): a picker starts empty unless a
 * suggestion is near-exact (lib/mapping.ts), a mapping is previewed first —
 * which rows appear or change and the money per month
 * (POST /api/v1/mappings/preview) — and after saving, Undo is one click.
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { CompanyListResponse, MapAccountRequest, MappingPreviewResponse, MapServiceRequest, ProductListResponse, UnmappedResponse } from "../../src/shared/api-types.ts";
import { preselected } from "../lib/mapping.ts";
import type { ViewStore } from "../state/view-store.ts";
import type { PanelProps } from "./panels.tsx";
import { PreviewSummary } from "./mapping-preview.tsx";
import { IgnoredList } from "./mapping-undo.tsx";

type Option = { value: string; label: string };

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
function MapFlow({ store, label, options, initial, body, save, close }: {
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

type Account = UnmappedResponse["accounts"][number];

function AccountItem({ account, store }: { account: Account; store: ViewStore }) {
  const company = store.ctx.company;
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [companies, setCompanies] = useState<Option[] | null>(null);
  const suggestion = account.suggestions.find((s) => s.companyId === company.id);
  const here: Option = { value: company.id, label: `${company.name}${suggestion ? ` (${suggestion.confidence}% match)` : ""}` };
  const start = () => {
    setOpen(true);
    if (!companies) void store.companies().then((r) => setCompanies((r as CompanyListResponse).companies.filter((c) => c.companyId !== company.id).map((c) => ({ value: c.companyId, label: c.name }))), () => setCompanies([]));
  };
  const ignore = () => {
    setBusy(true);
    void store.setIgnored(account.accountId, true, account.name).finally(() => setBusy(false));
  };
  const strong = preselected(account.suggestions);
  return (
    <li data-account={account.accountId}>
      <span>
        <b>{account.name}</b> <span class="muted small">({account.integrationName}, {account.externalId})</span>
        {suggestion && <span class="small muted"> · looks like {company.name} ({suggestion.confidence}%)</span>}
      </span>
      {open ? (
        <MapFlow
          store={store}
          label="Company"
          options={[here, ...(companies ?? [])]}
          initial={strong?.companyId ?? ""}
          body={(companyId) => ({ accountId: account.accountId, companyId })}
          save={(companyId, label) => store.mapAccount(account.accountId, companyId, `${account.name} → ${label}`)}
          close={() => setOpen(false)}
        />
      ) : (
        <span class="buttons">
          <button class="btn" onClick={start} data-action="map-account">
            Map…
          </button>
          <button class="btn link" onClick={ignore} disabled={busy} data-action="ignore-account" title="Hide everywhere (reversible)">
            Not a customer
          </button>
        </span>
      )}
    </li>
  );
}

/** Vendor accounts mapped to no company; those suggested for this company first. */
export function UnmappedAccounts({ store }: { store: ViewStore }) {
  const accounts = store.unmapped.value?.accounts ?? [];
  const companyId = store.ctx.company.id;
  const suggested = accounts.filter((a) => a.suggestions.some((s) => s.companyId === companyId));
  const others = accounts.filter((a) => !suggested.includes(a));
  return (
    <section class="unmapped" aria-labelledby="unmapped-h">
      {accounts.length > 0 && <h2 id="unmapped-h">Vendor accounts not mapped to a company</h2>}
      <ul>
        {suggested.map((a) => (
          <AccountItem key={a.accountId} account={a} store={store} />
        ))}
      </ul>
      {others.length > 0 && (
        <details class="others">
          <summary class="small">{others.length} other unmapped account{others.length === 1 ? "" : "s"}</summary>
          <ul>
            {others.map((a) => (
              <AccountItem key={a.accountId} account={a} store={store} />
            ))}
          </ul>
        </details>
      )}
      <IgnoredList store={store} />
    </section>
  );
}
