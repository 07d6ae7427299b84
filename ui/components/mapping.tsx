/**
 * Unmapped vendor accounts under the rows: map one to a company (the flow,
 * map-flow.tsx, loads when first opened) or "Not a customer / ignore".
 */
import { useState } from "preact/hooks";
import type { CompanyListResponse, UnmappedResponse } from "../../src/shared/api-types.ts";
import { preselected } from "../lib/mapping.ts";
import type { ViewStore } from "../state/view-store.ts";
import { IgnoredList, MapFlow, type Option } from "./lazy.tsx";

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
  const [ignoredOpen, setIgnoredOpen] = useState(false);
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
      <details class="ignored" onToggle={(e) => setIgnoredOpen((e.currentTarget as HTMLDetailsElement).open)}>
        <summary class="small">Ignored accounts (not customers)</summary>
        {ignoredOpen && <IgnoredList store={store} />}
      </details>
    </section>
  );
}
