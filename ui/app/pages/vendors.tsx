/**
 * Vendor integrations: create a Gradient-compatible one (its two keys shown
 * once, with copy buttons, the GRADIENT-TOKEN header value and the exact base
 * URL to paste into CloudRadial, CIPP…), a batch key, or a Pax8/Liongard pull
 * (Test with the stored credentials, sync day, Sync now, the last runs).
 */
import { useState } from "preact/hooks";
import { get, messageOf, patch, post } from "../lib/api.ts";
import { can, useSession } from "../lib/session.ts";
import type { PullRunView, TestConnectionResponse, VendorIntegrationView } from "../lib/types.ts";
import { Field, formValues, Notice, Secret, useGet, When } from "../lib/ui.tsx";

type Kind = "vendor-api" | "batch" | "pax8" | "liongard";
const KINDS: Array<{ kind: Kind; label: string }> = [
  { kind: "vendor-api", label: "Gradient-compatible API" },
  { kind: "batch", label: "Batch API key" },
  { kind: "pax8", label: "Pax8" },
  { kind: "liongard", label: "Liongard" },
];
const PULL = new Set(["pax8", "liongard"]);

type Created = { integrationId: string; vendorApiKey?: string; partnerApiKey?: string; integrationKey?: string };

export function Vendors() {
  const { user } = useSession();
  const admin = can(user.role, "admin");
  const list = useGet<{ integrations: VendorIntegrationView[] }>("/api/v1/integrations");
  const active = (list.data?.integrations ?? []).filter((i) => i.status !== "disconnected");
  return (
    <section class="card" aria-labelledby="vendors-title">
      <h2 id="vendors-title">Vendors</h2>
      {list.error && <Notice kind="err">{list.error}</Notice>}
      {active.length > 0 && (
        <ul class="plain">
          {active.map((i) => (
            <VendorRow key={i.integrationId} v={i} admin={admin} />
          ))}
        </ul>
      )}
      {admin && <CreateVendor onCreated={list.reload} />}
    </section>
  );
}

function VendorRow({ v, admin }: { v: VendorIntegrationView; admin: boolean }) {
  const [runs, setRuns] = useState<PullRunView[] | null>(null);
  const [msg, setMsg] = useState<{ kind: "ok" | "err"; text: string } | null>(null);
  const id = encodeURIComponent(v.integrationId);
  const loadRuns = () => get<{ runs: PullRunView[] }>(`/api/v1/integrations/${id}/runs`).then((r) => setRuns(r.runs.slice(0, 5)), (e) => setMsg({ kind: "err", text: messageOf(e) }));
  // Test runs the pull with the stored credentials and writes nothing (POST /api/v1/integrations/:id/test).
  const test = async () => {
    setMsg(null);
    try {
      const r = await post<TestConnectionResponse>(`/api/v1/integrations/${id}/test`, {});
      setMsg(r.ok ? { kind: "ok", text: `Connection works. ${r.detail}` } : { kind: "err", text: `Not working: ${r.message}` });
    } catch (e) {
      setMsg({ kind: "err", text: messageOf(e) });
    }
  };
  const sync = async () => {
    try {
      await post(`/api/v1/integrations/${id}/sync`);
      setMsg({ kind: "ok", text: "Sync started." });
      setTimeout(loadRuns, 1500);
    } catch (e) {
      setMsg({ kind: "err", text: messageOf(e) });
    }
  };
  const setDay = async (day: string) => {
    try {
      await patch(`/api/v1/integrations/${id}`, { syncDay: Number(day) });
      setMsg({ kind: "ok", text: `Syncs on day ${day} of each month.` });
    } catch (e) {
      setMsg({ kind: "err", text: messageOf(e) });
    }
  };
  return (
    <li class="status-row" data-vendor={v.kind}>
      <div>
        <b>{v.name}</b> <span class="muted small">{v.kind}</span> <span class={`pill s-${v.status}`}>{v.status}</span>
      </div>
      {PULL.has(v.kind) && (
        <div class="buttons">
          {admin && (
            <>
              <label class="inline small">
                Sync day
                <select value={String(v.syncDay ?? 6)} onChange={(e) => setDay(e.currentTarget.value)}>
                  {Array.from({ length: 28 }, (_, i) => (
                    <option key={i}>{i + 1}</option>
                  ))}
                </select>
              </label>
              <button type="button" class="btn" onClick={test}>
                Test
              </button>
              <button type="button" class="btn" onClick={sync}>
                Sync now
              </button>
            </>
          )}
          <button type="button" class="btn link" onClick={loadRuns}>
            Last runs
          </button>
        </div>
      )}
      {msg && <Notice kind={msg.kind}>{msg.text}</Notice>}
      {runs && (
        <table class="grid small">
          <thead>
            <tr>
              <th>Queued</th>
              <th>Status</th>
              <th class="num">Counts</th>
              <th>Problem</th>
            </tr>
          </thead>
          <tbody>
            {runs.length === 0 && (
              <tr>
                <td colSpan={4}>No runs yet.</td>
              </tr>
            )}
            {runs.map((r) => (
              <tr key={r.runId}>
                <td>
                  <When iso={r.queuedAt} /> ({r.trigger})
                </td>
                <td>{r.status}</td>
                <td class="num">{r.countsWritten}</td>
                <td>{r.error ?? r.warnings.join("; ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </li>
  );
}

function CreateVendor({ onCreated }: { onCreated: () => void }) {
  const [kind, setKind] = useState<Kind>("vendor-api");
  const [created, setCreated] = useState<Created | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const { metrics, syncDay, _kind: _ignored, ...rest } = formValues(form);
    const body: Record<string, unknown> = { kind, ...rest };
    if (syncDay) body.syncDay = Number(syncDay);
    if (kind === "liongard") {
      body.metrics = (metrics ?? "").split("\n").map((l) => l.split(",").map((s) => s.trim())).filter((p) => p[0]).map(([metric, serviceName]) => ({ metric, serviceName: serviceName || metric }));
    }
    setError(null);
    try {
      setCreated(await post<Created>("/api/v1/integrations", body));
      form.reset();
      onCreated();
    } catch (err) {
      setError(messageOf(err));
    }
  };
  return (
    <>
      <form class="form" onSubmit={submit} aria-label="Add a vendor">
        <h3>Add a vendor</h3>
        <Field label="Kind" hint={kind === "vendor-api" ? "For CloudRadial, CIPP, Keeper, Coro… (they speak Gradient's API)" : kind === "batch" ? "For your own scripts: POST /api/v1/usage" : undefined}>
          <select name="_kind" value={kind} onChange={(e) => (setKind(e.currentTarget.value as Kind), setCreated(null))}>
            {KINDS.map((k) => (
              <option key={k.kind} value={k.kind}>
                {k.label}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Name" hint="How it shows on the board, e.g. CloudRadial">
          <input name="name" required />
        </Field>
        {kind === "pax8" && (
          <>
            <Field label="Client ID">
              <input name="clientId" required autocomplete="off" />
            </Field>
            <Field label="Client secret">
              <input name="clientSecret" required type="password" autocomplete="off" />
            </Field>
          </>
        )}
        {kind === "liongard" && (
          <>
            <Field label="Instance" hint="The part before .app.liongard.com">
              <input name="instance" autocomplete="off" />
            </Field>
            <Field label="Access key ID">
              <input name="accessKeyId" required autocomplete="off" />
            </Field>
            <Field label="Access key secret">
              <input name="accessKeySecret" required type="password" autocomplete="off" />
            </Field>
            <Field label="Metrics" hint="One per line: metric id, service name">
              <textarea name="metrics" required placeholder="1234, Microsoft 365 users" />
            </Field>
          </>
        )}
        {PULL.has(kind) && (
          <>
            <Field label="Sync day" hint="Day of the month the pull runs (1–28)">
              <input name="syncDay" type="number" min={1} max={28} placeholder="6" />
            </Field>
            <Field label="API address (test systems only)" hint="Leave empty for the vendor itself">
              <input name="baseUrl" type="url" autocomplete="off" />
            </Field>
          </>
        )}
        <div class="buttons">
          <button class="btn primary" type="submit">
            Create
          </button>
        </div>
        {error && <Notice kind="err">{error}</Notice>}
      </form>
      {created && <CreatedKeys created={created} />}
    </>
  );
}

function CreatedKeys({ created }: { created: Created }) {
  const base = `${location.origin}/api/vendor-api`;
  if (created.vendorApiKey && created.partnerApiKey) {
    const token = btoa(`${created.vendorApiKey}:${created.partnerApiKey}`);
    return (
      <div class="card keys" role="region" aria-label="New keys">
        <Notice kind="info">These keys are shown once. Copy them now; Trueup keeps only a hash.</Notice>
        <Secret label="Base URL" value={base} />
        <Secret label="Vendor API key" value={created.vendorApiKey} />
        <Secret label="Partner API key" value={created.partnerApiKey} />
        <Secret label="GRADIENT-TOKEN header" value={token} />
        <p class="small muted">In CloudRadial or CIPP, choose Gradient MSP as the billing integration, paste the two keys, and replace its API address with the base URL above.</p>
      </div>
    );
  }
  if (created.integrationKey) {
    return (
      <div class="card keys" role="region" aria-label="New keys">
        <Notice kind="info">This key is shown once. Copy it now.</Notice>
        <Secret label="Integration key" value={created.integrationKey} />
        <Secret label="Push address" value={`${location.origin}/api/v1/usage`} />
      </div>
    );
  }
  return <Notice kind="ok">Created.</Notice>;
}
