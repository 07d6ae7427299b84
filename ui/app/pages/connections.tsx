/**
 * Connections: the PSA (ConnectWise or Autotask — Test connection before
 * saving, status, last syncs, Sync now, errors in plain words), vendor
 * integrations (vendors.tsx) and CSV imports (imports.tsx).
 */
import { useState } from "preact/hooks";
import { messageOf, post } from "../lib/api.ts";
import { can, useSession } from "../lib/session.ts";
import type { PsaIntegrationView, TestConnectionResponse } from "../lib/types.ts";
import { Field, formValues, Notice, useGet, When } from "../lib/ui.tsx";
import { Imports } from "./imports.tsx";
import { Vendors } from "./vendors.tsx";

export function Connections() {
  return (
    <>
      <div class="page-head">
        <h1>Connections</h1>
      </div>
      <Psa />
      <Vendors />
      <Imports />
    </>
  );
}

function Psa() {
  const { user } = useSession();
  const admin = can(user.role, "admin");
  const list = useGet<{ integrations: PsaIntegrationView[] }>("/api/v1/psa/integrations");
  const connected = (list.data?.integrations ?? []).filter((i) => i.status !== "disconnected");
  const [kind, setKind] = useState<"connectwise" | "autotask">("connectwise");
  // Shown at the section's top: the form folds away once a PSA is connected.
  const [connectedNow, setConnectedNow] = useState<string | null>(null);
  return (
    <section class="card" aria-labelledby="psa-title">
      <h2 id="psa-title">PSA</h2>
      {list.error && <Notice kind="err">{list.error}</Notice>}
      {connectedNow && <Notice kind="ok">{connectedNow}</Notice>}
      {connected.length === 0 && list.data && <p class="muted">No PSA connected yet. Connect ConnectWise or Autotask so Trueup can read agreements and write approved quantities back.</p>}
      {connected.map((i) => (
        <PsaStatus key={i.id} integration={i} admin={admin} onChange={list.reload} />
      ))}
      {admin && (
        <details class="more" open={list.data !== null && connected.length === 0}>
          <summary>{connected.length === 0 ? "Connect your PSA" : "Connect another PSA"}</summary>
          <div class="tabs" role="group" aria-label="PSA kind">
            <button type="button" class="btn" aria-pressed={kind === "connectwise"} onClick={() => setKind("connectwise")}>
              ConnectWise
            </button>
            <button type="button" class="btn" aria-pressed={kind === "autotask"} onClick={() => setKind("autotask")}>
              Autotask
            </button>
          </div>
          <PsaForm
            key={kind}
            kind={kind}
            onConnected={() => {
              setConnectedNow(`${KIND_LABEL[kind]} connected. The first full sync is running; the board fills in as it goes.`);
              list.reload();
            }}
          />
        </details>
      )}
    </section>
  );
}

const KIND_LABEL = { connectwise: "ConnectWise", autotask: "Autotask" } as const;

function PsaStatus({ integration: i, admin, onChange }: { integration: PsaIntegrationView; admin: boolean; onChange: () => void }) {
  const [msg, setMsg] = useState<{ kind: "ok" | "err"; text: string } | null>(null);
  const sync = async (mode: "incremental" | "full") => {
    try {
      await post(`/api/v1/psa/integrations/${encodeURIComponent(i.id)}/sync`, { mode });
      setMsg({ kind: "ok", text: `${mode === "full" ? "Full sync" : "Sync"} started. Figures update when it finishes.` });
      setTimeout(onChange, 3000);
    } catch (e) {
      setMsg({ kind: "err", text: messageOf(e) });
    }
  };
  return (
    <div class="status-row" data-psa={i.kind}>
      <div>
        <b>{KIND_LABEL[i.kind] ?? i.kind}</b> <span class={`pill s-${i.status}`}>{i.status}</span>
        <div class="small muted">{i.siteOrigin ?? i.apiBaseUrl}</div>
      </div>
      <dl class="small">
        <dt>Last sync</dt>
        <dd>
          <When iso={i.lastIncrementalSyncAt} />
        </dd>
        <dt>Last full sync</dt>
        <dd>
          <When iso={i.lastFullSyncAt} />
        </dd>
      </dl>
      {i.lastSyncError && <Notice kind="err">Last sync failed: {i.lastSyncError}</Notice>}
      {admin && (
        <div class="buttons">
          <button type="button" class="btn" onClick={() => sync("incremental")}>
            Sync now
          </button>
          <button type="button" class="btn" onClick={() => sync("full")}>
            Full sync
          </button>
        </div>
      )}
      {msg && <Notice kind={msg.kind}>{msg.text}</Notice>}
    </div>
  );
}

/** Marks the field the PSA's refusal is about (aria-invalid) and moves focus to it. */
function markField(form: HTMLFormElement, field: string | null): void {
  for (const input of Array.from(form.querySelectorAll("input"))) input.removeAttribute("aria-invalid");
  const input = field ? form.querySelector<HTMLInputElement>(`input[name="${field}"]`) : null;
  if (input) {
    input.setAttribute("aria-invalid", "true");
    input.focus();
  }
}

function PsaForm({ kind, onConnected }: { kind: "connectwise" | "autotask"; onConnected: () => void }) {
  const [msg, setMsg] = useState<{ kind: "ok" | "err" | "info"; text: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const act = async (form: HTMLFormElement, test: boolean) => {
    if (!form.reportValidity()) return;
    setBusy(true);
    setMsg({ kind: "info", text: test ? `Asking ${KIND_LABEL[kind]}…` : "Connecting…" });
    try {
      const body = formValues(form);
      if (test) {
        const r = await post<TestConnectionResponse>(`/api/v1/psa/${kind}/test`, body);
        setMsg(r.ok ? { kind: "ok", text: `Connection works. ${r.detail}` } : { kind: "err", text: `Not connected: ${r.message}` });
        markField(form, r.ok ? null : (r as { field?: string }).field ?? null);
      } else {
        await post(`/api/v1/psa/${kind}`, body);
        setMsg(null);
        form.reset();
        onConnected();
      }
    } catch (e) {
      setMsg({ kind: "err", text: messageOf(e) });
    } finally {
      setBusy(false);
    }
  };
  return (
    <form
      class="form"
      aria-label={`Connect ${KIND_LABEL[kind]}`}
      data-form={kind}
      onSubmit={(e) => {
        e.preventDefault();
        void act(e.currentTarget, false);
      }}
    >
      {kind === "connectwise" ? (
        <>
          <Field label="Site" hint="The API address of your ConnectWise, e.g. https://api-na.myconnectwise.net">
            <input name="site" required type="url" placeholder="https://api-na.myconnectwise.net" />
          </Field>
          <Field label="Company ID" hint="What you type as Company at the ConnectWise login">
            <input name="companyId" required autocomplete="off" />
          </Field>
          <Field label="Public key">
            <input name="publicKey" required autocomplete="off" />
          </Field>
          <Field label="Private key">
            <input name="privateKey" required type="password" autocomplete="off" />
          </Field>
          <Field label="Client ID" hint="From developer.connectwise.com">
            <input name="clientId" required autocomplete="off" />
          </Field>
        </>
      ) : (
        <>
          <Field label="API user name" hint="The Autotask API user (the zone is found from it)">
            <input name="username" required autocomplete="off" />
          </Field>
          <Field label="Secret">
            <input name="secret" required type="password" autocomplete="off" />
          </Field>
          <Field label="Integration code" hint="The API tracking identifier">
            <input name="integrationCode" required autocomplete="off" />
          </Field>
          <Field label="Zone lookup address (test systems only)" hint="Leave empty for Autotask itself">
            <input name="zoneLookupOrigin" type="url" autocomplete="off" />
          </Field>
        </>
      )}
      <div class="buttons">
        <button type="button" class="btn" disabled={busy} onClick={(e) => act((e.currentTarget as HTMLButtonElement).form as HTMLFormElement, true)}>
          Test connection
        </button>
        <button type="submit" class="btn primary" disabled={busy}>
          Save and connect
        </button>
      </div>
      {msg && <Notice kind={msg.kind}>{msg.text}</Notice>}
    </form>
  );
}
