/**
 * Inline mapping of unmapped usage, which re-reconciles: a vendor service to a
 * PSA product (suggestions first, then every product), and vendor accounts
 * that look like this company to this company (or another one).
 */
import { useEffect, useRef, useState } from "preact/hooks";
import type { CompanyListResponse, ProductListResponse, UnmappedResponse } from "../../src/shared/api-types.ts";
import type { PanelProps } from "./panels.tsx";

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

function Picker({ label, options, onPick, busyLabel }: { label: string; options: Option[]; onPick: (v: string) => Promise<void>; busyLabel: string }) {
  const [value, setValue] = useState(options[0]?.value ?? "");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const ref = useRef<HTMLSelectElement>(null);
  useEffect(() => ref.current?.focus(), []);
  const submit = async (e: Event) => {
    e.preventDefault();
    const chosen = value || options[0]?.value;
    if (!chosen) return;
    setBusy(true);
    try {
      await onPick(chosen);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
      setBusy(false);
    }
  };
  return (
    <form class="fields" onSubmit={submit}>
      <label>
        {label}
        <select ref={ref} value={value} onChange={(e) => setValue(e.currentTarget.value)}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
      <button class="btn primary" type="submit" disabled={busy || options.length === 0}>
        {busy ? busyLabel : "Map"}
      </button>
      {error && <span class="err">{error}</span>}
    </form>
  );
}

/** Maps the vendor service behind an unmapped-service row to a PSA product. */
export function MapServicePanel({ row, store, close }: PanelProps) {
  const serviceId = row.sources[0]?.serviceId;
  const suggested: Option[] = (store.unmapped.value?.services.find((s) => s.serviceId === serviceId)?.suggestions ?? []).map((s) => ({
    value: s.productKey,
    label: `${s.productName} (${s.confidence}% match)`,
  }));
  const options = usePicker(suggested, async () => ((await store.products()) as ProductListResponse).products.map((p) => ({ value: p.productKey, label: p.productName })));
  if (!serviceId) return null;
  return (
    <div class="panel" onKeyDown={(e) => e.key === "Escape" && close()}>
      <p>
        Map <b>{row.sources[0]?.serviceName}</b> to the PSA product it is billed as:
      </p>
      <Picker label="PSA product" options={options} busyLabel="Mapping…" onPick={async (productKey) => {
        await store.mapService(serviceId, productKey);
        close();
      }} />
    </div>
  );
}

type Account = UnmappedResponse["accounts"][number];

function AccountItem({ account, store }: { account: Account; store: PanelProps["store"] }) {
  const company = store.ctx.company;
  const [other, setOther] = useState(false);
  const [busy, setBusy] = useState(false);
  const confidence = account.suggestions.find((s) => s.companyId === company.id)?.confidence;
  const loadCompanies = async () => ((await store.companies()) as CompanyListResponse).companies.map((c) => ({ value: c.companyId, label: c.name }));
  return (
    <li>
      <span>
        <b>{account.name}</b> <span class="muted small">({account.integrationName}, {account.externalId})</span>
      </span>
      {confidence !== undefined && (
        <button class="btn" disabled={busy} onClick={() => { setBusy(true); void store.mapAccount(account.accountId, company.id).finally(() => setBusy(false)); }}>
          Map to {company.name} ({confidence}%)
        </button>
      )}
      {other ? (
        <OtherCompany load={loadCompanies} onPick={(companyId) => store.mapAccount(account.accountId, companyId)} />
      ) : (
        <button class="btn link" onClick={() => setOther(true)}>
          Another company…
        </button>
      )}
    </li>
  );
}

function OtherCompany({ load, onPick }: { load: () => Promise<Option[]>; onPick: (v: string) => Promise<void> }) {
  const options = usePicker([], load);
  return options.length === 0 ? <span class="small muted">Loading companies…</span> : <Picker label="Company" options={options} busyLabel="Mapping…" onPick={onPick} />;
}

/** Vendor accounts mapped to no company; those suggested for this company first. */
export function UnmappedAccounts({ store }: { store: PanelProps["store"] }) {
  const accounts = store.unmapped.value?.accounts ?? [];
  if (accounts.length === 0) return null;
  const companyId = store.ctx.company.id;
  const suggested = accounts.filter((a) => a.suggestions.some((s) => s.companyId === companyId));
  const others = accounts.filter((a) => !suggested.includes(a));
  return (
    <section class="unmapped" aria-labelledby="unmapped-h">
      <h2 id="unmapped-h">Vendor accounts not mapped to a company</h2>
      <ul>
        {suggested.map((a) => (
          <AccountItem key={a.accountId} account={a} store={store} />
        ))}
      </ul>
      {others.length > 0 && (
        <details>
          <summary class="small">{others.length} other unmapped account{others.length === 1 ? "" : "s"}</summary>
          <ul>
            {others.map((a) => (
              <AccountItem key={a.accountId} account={a} store={store} />
            ))}
          </ul>
        </details>
      )}
    </section>
  );
}
