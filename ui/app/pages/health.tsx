/**
 * Health and alerts: per integration the last success, last error, stale
 * sources, pending or failed webhook deliveries and credentials that stopped
 * working; dead letters; the alerts (paged); and, for admins, the alert rules,
 * e-mail recipients and the signed outbound webhook with a test button.
 */
import { useState } from "preact/hooks";
import { formatInstant } from "../../lib/format.ts";
import { get, messageOf, post, put, query } from "../lib/api.ts";
import { can, useSession } from "../lib/session.ts";
import type { AlertPage, AlertSettingsView, AlertView, HealthResponse, TestWebhookResponse } from "../lib/types.ts";
import { Field, Notice, Secret, useGet, When } from "../lib/ui.tsx";

export function Health() {
  const { user } = useSession();
  const health = useGet<HealthResponse>("/api/v1/health");
  const h = health.data;
  return (
    <>
      <div class="page-head">
        <h1>Health and alerts</h1>
        <button type="button" class="btn" onClick={health.reload}>
          Refresh
        </button>
      </div>
      {health.error && <Notice kind="err">{health.error}</Notice>}
      {h && (
        <section class="card" aria-labelledby="h-int">
          <h2 id="h-int">Integrations</h2>
          <table class="grid health">
            <thead>
              <tr>
                <th>Integration</th>
                <th>Status</th>
                <th>Last success</th>
                <th>Problems</th>
              </tr>
            </thead>
            <tbody>
              {h.psa.map((p) => {
                const problems = [
                  !p.credentialsOk && "Credentials stopped working",
                  p.lastError,
                  p.failedWebhooks > 0 && `${p.failedWebhooks} failed webhook deliveries`,
                  p.pendingWebhooks > 0 && `${p.pendingWebhooks} webhooks waiting`,
                ].filter(Boolean);
                return (
                  <tr key={p.integrationId} data-health={p.integrationId} class={problems.length ? "bad" : ""}>
                    <td>
                      <b>{p.kind === "connectwise" ? "ConnectWise" : p.kind === "autotask" ? "Autotask" : p.kind}</b> <span class="muted small">PSA</span>
                    </td>
                    <td>{p.status}</td>
                    <td>
                      <When iso={p.lastIncrementalSyncAt ?? p.lastFullSyncAt} />
                    </td>
                    <td>{problems.length ? problems.join(" · ") : <span class="ok">OK</span>}</td>
                  </tr>
                );
              })}
              {h.vendors.map((v) => {
                const problems = [v.lastSuccessAt === null && !v.lastError && "No data received yet", v.lastError, v.staleSources > 0 && `${v.staleSources} stale source${v.staleSources === 1 ? "" : "s"}`].filter(Boolean);
                return (
                  <tr key={v.integrationId} data-health={v.integrationId} class={problems.length ? "bad" : ""}>
                    <td>
                      <b>{v.name}</b> <span class="muted small">{v.kind}</span>
                    </td>
                    <td>{v.status}</td>
                    <td>
                      <When iso={v.lastSuccessAt} />
                    </td>
                    <td>{problems.length ? problems.join(" · ") : <span class="ok">OK</span>}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p class={h.deadLetters > 0 ? "banner err" : "muted small"}>
            {h.deadLetters} job{h.deadLetters === 1 ? "" : "s"} in the dead-letter queue{h.deadLetters > 0 ? " — they failed after every retry." : "."}
          </p>
        </section>
      )}
      <Alerts first={h?.alerts ?? null} />
      <Deliveries />
      {can(user.role, "admin") && <AlertSettingsForm />}
    </>
  );
}

function Alerts({ first }: { first: AlertView[] | null }) {
  const [more, setMore] = useState<{ alerts: AlertView[]; cursor: string | null } | null>(null);
  const alerts = more?.alerts ?? first ?? [];
  const load = async () => {
    const page = await get<AlertPage>(`/api/v1/alerts${query({ limit: 50, cursor: more?.cursor })}`);
    setMore({ alerts: more ? [...more.alerts, ...page.alerts] : page.alerts, cursor: page.nextCursor });
  };
  return (
    <section class="card" aria-labelledby="h-alerts">
      <h2 id="h-alerts">Alerts</h2>
      {alerts.length === 0 ? (
        <p class="muted">No alerts.</p>
      ) : (
        <ul class="alerts plain">
          {alerts.map((a) => (
            <li key={a.id} class={`alert sev-${a.severity}`} data-alert={a.rule}>
              <b>{a.title}</b> <span class="muted small">{formatInstant(a.at)} · {a.severity}</span>
              <div class="small">{a.detail}</div>
              <div class="muted small">
                e-mail: {a.delivered.email} · webhook: {a.delivered.webhook}
              </div>
            </li>
          ))}
        </ul>
      )}
      {(more === null || more.cursor) && (
        <button type="button" class="btn" onClick={load}>
          {more === null ? "All alerts" : "Show more"}
        </button>
      )}
    </section>
  );
}

interface DeliveryView {
  id: string;
  channel: string;
  target: string;
  status: string;
  attempts: number;
  responseStatus: number | null;
  lastError: string | null;
  subject: string;
  createdAt: string;
}

/** Where the alerts went: e-mails (locally: the log, as no e-mail binding exists) and webhook posts, with their state. */
function Deliveries() {
  const list = useGet<{ deliveries: DeliveryView[] }>("/api/v1/alert-deliveries?limit=20");
  const rows = list.data?.deliveries ?? [];
  return (
    <section class="card" aria-labelledby="h-deliveries">
      <h2 id="h-deliveries">Alert deliveries</h2>
      {list.error && <Notice kind="err">{list.error}</Notice>}
      {rows.length === 0 ? (
        <p class="muted small">Nothing sent yet.</p>
      ) : (
        <table class="grid small">
          <thead>
            <tr>
              <th>When</th>
              <th>Channel</th>
              <th>To</th>
              <th>Subject</th>
              <th>State</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((d) => (
              <tr key={d.id} data-delivery={d.channel}>
                <td>{formatInstant(d.createdAt)}</td>
                <td>{d.channel}</td>
                <td class="details">{d.target}</td>
                <td>{d.subject}</td>
                <td>
                  {d.status}
                  {d.responseStatus ? ` (HTTP ${d.responseStatus})` : ""}
                  {d.lastError ? ` — ${d.lastError}` : ""}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function AlertSettingsForm() {
  const settings = useGet<AlertSettingsView>("/api/v1/alert-settings");
  const [secret, setSecret] = useState<string | null>(null);
  const [msg, setMsg] = useState<{ kind: "ok" | "err"; text: string } | null>(null);
  const s = settings.data;
  if (!s) return settings.error ? <Notice kind="err">{settings.error}</Notice> : null;
  const submit = async (e: Event) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget as HTMLFormElement);
    const num = (k: string) => Number(f.get(k));
    const url = String(f.get("webhookUrl") ?? "").trim();
    try {
      const saved = await put<AlertSettingsView>("/api/v1/alert-settings", {
        rules: { countJumpFactor: num("countJumpFactor"), countDropToZero: f.get("countDropToZero") === "on", staleDays: num("staleDays"), syncFailedHours: num("syncFailedHours"), writebackFailed: f.get("writebackFailed") === "on" },
        email: { recipients: String(f.get("recipients") ?? "").split(/[\s,;]+/).filter(Boolean) },
        webhook: { url: url || null },
      });
      if (saved.webhook.secret) setSecret(saved.webhook.secret);
      setMsg({ kind: "ok", text: "Alert settings saved." });
      settings.reload();
    } catch (err) {
      setMsg({ kind: "err", text: messageOf(err) });
    }
  };
  const test = async () => {
    try {
      const r = await post<TestWebhookResponse>("/api/v1/alert-settings/test-webhook");
      setMsg(r.delivered ? { kind: "ok", text: `Test delivered (HTTP ${r.status}).` } : { kind: "err", text: `Test not delivered: ${r.error ?? `HTTP ${r.status ?? "no answer"}`}` });
    } catch (err) {
      setMsg({ kind: "err", text: messageOf(err) });
    }
  };
  return (
    <section class="card" aria-labelledby="h-rules">
      <h2 id="h-rules">Alert rules</h2>
      <form class="form" onSubmit={submit} key={JSON.stringify(s)}>
        <Field label="A vendor count jumps more than (times)">
          <input name="countJumpFactor" type="number" min={1} step="any" defaultValue={String(s.rules.countJumpFactor)} />
        </Field>
        <Field label="A source is stale after (days)">
          <input name="staleDays" type="number" min={1} defaultValue={String(s.rules.staleDays)} />
        </Field>
        <Field label="A sync has failed for (hours)">
          <input name="syncFailedHours" type="number" min={1} defaultValue={String(s.rules.syncFailedHours)} />
        </Field>
        <label class="inline">
          <input type="checkbox" name="countDropToZero" defaultChecked={s.rules.countDropToZero} /> A vendor count drops to 0
        </label>
        <label class="inline">
          <input type="checkbox" name="writebackFailed" defaultChecked={s.rules.writebackFailed} /> A write-back to the PSA failed
        </label>
        <Field label="E-mail recipients" hint="Separated by commas">
          <input name="recipients" defaultValue={s.email.recipients.join(", ")} />
        </Field>
        <Field label="Webhook (Teams, Slack or your own)" hint="Signed the Standard Webhooks way">
          <input name="webhookUrl" type="url" defaultValue={s.webhook.url ?? ""} />
        </Field>
        <div class="buttons">
          <button type="submit" class="btn primary">
            Save
          </button>
          {s.webhook.url && (
            <button type="button" class="btn" onClick={test}>
              Send a test
            </button>
          )}
        </div>
      </form>
      {secret && (
        <>
          <Notice kind="info">The webhook's signing secret is shown once. Copy it into the receiver now.</Notice>
          <Secret label="Webhook signing secret" value={secret} />
        </>
      )}
      {msg && <Notice kind={msg.kind}>{msg.text}</Notice>}
    </section>
  );
}
