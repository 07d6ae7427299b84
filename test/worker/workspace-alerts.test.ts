import { env } from "cloudflare:workers";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { JobMessage } from "../../src/jobs/messages.ts";
import { signWebhook } from "../../src/core/workspace/standard-webhooks.ts";
import { createDb } from "../../src/db/client.ts";
import { deliverAlert, MAX_WEBHOOK_ATTEMPTS } from "../../src/services/workspace/alert-delivery.ts";
import { raiseClockAlerts } from "../../src/services/workspace/alert-cron.ts";
import type { AlertPage, AlertSettingsView } from "../../src/shared/workspace-types.ts";
import { call, createTenant, type ErrorJson, postJson, withKey } from "./helpers/http.ts";
import { createUser, session } from "./workspace-helpers.ts";

const db = createDb(env.DB);
let t: { tenantId: string; apiKey: string };
const RECEIVER = "https://hooks.receiver.test/trueup";

async function put(key: string, body: unknown): Promise<Response> {
  return call("/api/v1/alert-settings", withKey(key, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }));
}

const settings = (url: string | null, recipients: string[] = ["billing@msp.test"], extra: Record<string, unknown> = {}) => ({
  rules: { countJumpFactor: 5, countDropToZero: true, staleDays: 7, syncFailedHours: 24, writebackFailed: true },
  email: { recipients },
  webhook: { url, ...extra },
});

async function alerts(key = t.apiKey): Promise<AlertPage> {
  return (await call("/api/v1/alerts?limit=200", withKey(key))).json();
}

async function pushCount(accountId: string, serviceId: string, period: string, quantity: string): Promise<void> {
  await env.DB.prepare(
    `INSERT INTO usage_counts (id, tenant_id, account_id, service_id, period, quantity, observed_at, source_kind, source_ref)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'push', 'test')
     ON CONFLICT (tenant_id, account_id, service_id, period, measure) DO UPDATE SET quantity = excluded.quantity`,
  )
    .bind(`uc_${accountId}_${period}`, t.tenantId, accountId, serviceId, period, quantity, `${period}-15T00:00:00.000Z`)
    .run();
}

beforeAll(async () => {
  t = await createTenant("Alerting MSP");
  await env.DB.batch([
    env.DB.prepare("INSERT INTO vendor_integrations (id, tenant_id, kind, name, status) VALUES ('vi_a', ?1, 'batch', 'Acme Backup', 'active')").bind(t.tenantId),
    env.DB.prepare("INSERT INTO vendor_accounts (id, tenant_id, integration_id, external_id, name) VALUES ('va_1', ?1, 'vi_a', 'x1', 'Contoso')").bind(t.tenantId),
    env.DB.prepare("INSERT INTO vendor_accounts (id, tenant_id, integration_id, external_id, name) VALUES ('va_2', ?1, 'vi_a', 'x2', 'Fabrikam')").bind(t.tenantId),
    env.DB.prepare("INSERT INTO vendor_services (id, tenant_id, integration_id, external_id, name, category) VALUES ('vs_1', ?1, 'vi_a', 's1', 'Backup seats', 'seat')").bind(t.tenantId),
  ]);
});

// Queued deliveries are captured, not run by the background consumer (whose fetches would leave the test).
let sendBatch: { mock: { calls: Array<[Iterable<MessageSendRequest<JobMessage>>, ...unknown[]]> } };
beforeEach(() => {
  sendBatch = vi.spyOn(env.JOBS, "sendBatch").mockImplementation(async () => undefined as never);
});
afterEach(() => vi.restoreAllMocks());

describe("alert settings", () => {
  it("start from sane defaults and show the webhook secret only once", async () => {
    const defaults = (await (await call("/api/v1/alert-settings", withKey(t.apiKey))).json()) as AlertSettingsView;
    expect(defaults).toEqual({ rules: { countJumpFactor: 5, countDropToZero: true, staleDays: 7, syncFailedHours: 24, writebackFailed: true }, email: { recipients: [] }, webhook: { url: null, hasSecret: false } });
    const first = (await (await put(t.apiKey, settings(RECEIVER))).json()) as AlertSettingsView;
    expect(first.webhook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const again = (await (await put(t.apiKey, settings(RECEIVER))).json()) as AlertSettingsView;
    expect(again.webhook).toEqual({ url: RECEIVER, hasSecret: true });
    const read = (await (await call("/api/v1/alert-settings", withKey(t.apiKey))).json()) as AlertSettingsView;
    expect(JSON.stringify(read)).not.toContain("whsec_");
    const row = await env.DB.prepare("SELECT webhook_secret FROM alert_settings WHERE tenant_id = ?").bind(t.tenantId).first<{ webhook_secret: string }>();
    expect(row?.webhook_secret).toMatch(/^v1\./);
  });

  it.each([
    [settings("http://hooks.example.com/x"), "body.webhook.url"],
    [settings("https://user:pw@hooks.example.com/x"), "body.webhook.url"],
    [settings(null, ["not-an-email"]), "body.email.recipients[0]"],
    [{ ...settings(null), rules: { ...settings(null).rules, countJumpFactor: 1 } }, "body.rules.countJumpFactor"],
  ])("refuses bad settings naming the field (%#)", async (body, field) => {
    const res = await put(t.apiKey, body);
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorJson).error.message).toContain(field);
  });

  it("are for admins: a viewer reads alerts but not settings", async () => {
    await createUser(t.tenantId, "watcher@msp.test", "viewer");
    const viewer = await session(t.tenantId, "watcher@msp.test");
    expect((await viewer.fetch("/api/v1/alerts")).status).toBe(200);
    expect((await viewer.fetch("/api/v1/alert-settings")).status).toBe(403);
    expect((await viewer.json("POST", "/api/v1/alert-settings/test-webhook")).status).toBe(403);
  });
});

describe("count rules, evaluated when a count is applied", () => {
  it("raise one alert when a count jumps more than 5× or drops to 0 against the previous period, and none for ordinary moves", async () => {
    await pushCount("va_1", "vs_1", "2026-01", "10");
    await pushCount("va_1", "vs_1", "2026-02", "50"); // exactly 5×: no alert
    await pushCount("va_1", "vs_1", "2026-03", "251"); // > 5× of 50
    await pushCount("va_1", "vs_1", "2026-03", "252"); // restated: same alert, not a second
    await pushCount("va_2", "vs_1", "2026-02", "7");
    await pushCount("va_2", "vs_1", "2026-03", "0");
    const list = (await alerts()).alerts.filter((a) => a.rule.startsWith("count"));
    expect(list.map((a) => [a.rule, a.accountId, a.title])).toEqual(
      expect.arrayContaining([
        ["count-jump", "va_1", "Count jumped: Contoso — Backup seats"],
        ["count-drop-to-zero", "va_2", "Count dropped to 0: Fabrikam — Backup seats"],
      ]),
    );
    expect(list).toHaveLength(2);
    expect(list.find((a) => a.rule === "count-jump")?.detail).toBe("Backup seats for Contoso went from 50 (2026-02) to 251 (2026-03).");
  });

  it("follow the tenant's factor", async () => {
    await put(t.apiKey, { ...settings(RECEIVER), rules: { ...settings(null).rules, countJumpFactor: 100, countDropToZero: false } });
    await pushCount("va_1", "vs_1", "2026-04", "2000"); // ~8× of 252: under 100×
    await pushCount("va_1", "vs_1", "2026-05", "0");
    expect((await alerts()).alerts.filter((a) => a.rule.startsWith("count"))).toHaveLength(2);
    await put(t.apiKey, settings(RECEIVER));
  });

  it("are raised on the real push path too, and queued for delivery after the write", async () => {
    const { integrationId } = (await (await postJson("/api/v1/integrations", { kind: "batch", name: "Pushy" }, { authorization: `Bearer ${t.apiKey}` })).json()) as { integrationId: string };
    const push = (period: string, quantity: string) =>
      postJson("/api/v1/usage", { integrationId, counts: [{ account: { id: "acc-9", name: "Wingtip" }, service: { id: "svc-9", name: "EDR", category: "seat" }, period, quantity, observedAt: `${period}-28T00:00:00Z` }] }, { authorization: `Bearer ${t.apiKey}` });
    expect((await push("2026-01", "3")).status).toBe(201);
    expect((await push("2026-02", "40")).status).toBe(201);
    const jump = (await alerts()).alerts.find((a) => a.title === "Count jumped: Wingtip — EDR");
    expect(jump).toBeDefined();
    expect(sendBatch.mock.calls.flatMap((c) => [...c[0]].map((m) => (m.body as unknown as { alertId: string }).alertId))).toContain(jump?.id);
  });
});

describe("delivery", () => {
  it("signs the webhook the Standard Webhooks way and logs the e-mail locally (no send_email binding)", async () => {
    const secret = ((await (await put(t.apiKey, settings(RECEIVER, ["billing@msp.test"], { rotateSecret: true }))).json()) as AlertSettingsView).webhook.secret!;
    const received: Request[] = [];
    vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      received.push(new Request(input, init));
      return new Response("ok", { status: 200 });
    });
    const alert = (await alerts()).alerts.find((a) => a.rule === "count-drop-to-zero")!;
    await env.DB.prepare("UPDATE alerts SET email_state = 'pending', webhook_state = 'pending' WHERE id = ?").bind(alert.id).run();
    const outcome = await deliverAlert({ ...env, SEND_EMAIL: undefined }, db, t.tenantId, alert.id, new Date());
    expect(outcome).toEqual({ ok: true });
    expect(received).toHaveLength(1);
    const req = received[0]!;
    const body = await req.text();
    expect(req.url).toBe(RECEIVER);
    expect(req.headers.get("webhook-id")).toBe(alert.id);
    const ts = Number(req.headers.get("webhook-timestamp"));
    expect(Math.abs(ts - Date.now() / 1000)).toBeLessThan(60);
    expect(req.headers.get("webhook-signature")).toBe(await signWebhook(secret, alert.id, ts, body));
    expect(JSON.parse(body)).toMatchObject({ text: expect.stringContaining("Count dropped to 0"), alert: { id: alert.id, rule: "count-drop-to-zero" } });
    const after = (await alerts()).alerts.find((a) => a.id === alert.id)!;
    expect(after.delivered).toEqual({ email: "logged", webhook: "sent" });
    const log = (await (await call("/api/v1/alert-deliveries", withKey(t.apiKey))).json()) as { deliveries: Array<{ channel: string; status: string; target: string; subject: string }> };
    expect(log.deliveries).toEqual(expect.arrayContaining([expect.objectContaining({ channel: "email", status: "logged", target: "billing@msp.test", subject: "[Trueup warning] Count dropped to 0: Fabrikam — Backup seats" })]));
    // A redelivered job sends nothing twice.
    expect(await deliverAlert({ ...env, SEND_EMAIL: undefined }, db, t.tenantId, alert.id, new Date())).toEqual({ ok: true });
    expect(received).toHaveLength(1);
  });

  it("sends e-mail through the send_email binding when there is one", async () => {
    const sent: unknown[] = [];
    const binding = { send: async (m: unknown) => void sent.push(m) } as unknown as SendEmail;
    vi.spyOn(globalThis, "fetch").mockImplementation(async () => new Response("ok"));
    const alert = (await alerts()).alerts.find((a) => a.rule === "count-jump")!;
    await env.DB.prepare("UPDATE alerts SET email_state = 'pending', webhook_state = 'sent' WHERE id = ?").bind(alert.id).run();
    await deliverAlert({ ...env, SEND_EMAIL: binding, ALERT_EMAIL_FROM: "alerts@trueup.example" }, db, t.tenantId, alert.id, new Date());
    expect(sent).toEqual([{ from: "alerts@trueup.example", to: ["billing@msp.test"], subject: `[Trueup warning] ${alert.title}`, text: expect.stringContaining(alert.detail) }]);
    expect((await alerts()).alerts.find((a) => a.id === alert.id)?.delivered.email).toBe("sent");
  });

  it("retries a failing webhook through the queue, then marks it failed", async () => {
    vi.spyOn(globalThis, "fetch").mockImplementation(async () => new Response("nope", { status: 503 }));
    const alert = (await alerts()).alerts.find((a) => a.rule === "count-jump")!;
    await env.DB.prepare("UPDATE alerts SET email_state = 'none', webhook_state = 'pending' WHERE id = ?").bind(alert.id).run();
    // (the queue consumer may already have tried this alert in the background: start the count afresh)
    await env.DB.prepare("DELETE FROM alert_deliveries WHERE alert_id = ?").bind(alert.id).run();
    const outcomes = [];
    for (let i = 0; i < MAX_WEBHOOK_ATTEMPTS; i++) outcomes.push(await deliverAlert(env, db, t.tenantId, alert.id, new Date()));
    expect(outcomes.slice(0, -1).every((o) => !o.ok && o.retryable)).toBe(true);
    expect(outcomes.at(-1)).toEqual({ ok: true });
    expect((await alerts()).alerts.find((a) => a.id === alert.id)?.delivered.webhook).toBe("failed");
  });

  it("the test button posts one signed sample and answers the receiver's status", async () => {
    vi.spyOn(globalThis, "fetch").mockImplementation(async () => new Response(null, { status: 204 }));
    const res = await call("/api/v1/alert-settings/test-webhook", withKey(t.apiKey, { method: "POST" }));
    expect(await res.json()).toEqual({ delivered: true, status: 204 });
    vi.spyOn(globalThis, "fetch").mockImplementation(async () => new Response("gone", { status: 410 }));
    expect(await (await call("/api/v1/alert-settings/test-webhook", withKey(t.apiKey, { method: "POST" }))).json()).toEqual({ delivered: false, status: 410, error: "HTTP 410" });
  });
});

describe("clock rules (cron)", () => {
  it("raise one alert per stale source episode and per failing sync", async () => {
    const now = new Date("2026-06-01T00:00:00.000Z");
    await env.DB.prepare(
      `INSERT INTO psa_integrations (id, tenant_id, kind, status, api_base_url, site_origin, credentials, last_incremental_sync_at, last_sync_error, created_at)
       VALUES ('psa_fail', ?1, 'connectwise', 'active', 'https://x.test', 'https://x.test', 'v1.x.x', '2026-05-30T00:00:00.000Z', 'ConnectWise rejected the credentials (HTTP 401)', '2026-01-01T00:00:00.000Z')`,
    )
      .bind(t.tenantId)
      .run();
    await raiseClockAlerts(db, now);
    await raiseClockAlerts(db, new Date(now.getTime() + 15 * 60_000));
    const list = (await alerts()).alerts;
    const stale = list.filter((a) => a.rule === "source-stale");
    expect(stale.map((a) => a.integrationId)).toEqual(expect.arrayContaining(["vi_a"]));
    expect(stale.filter((a) => a.integrationId === "vi_a")).toHaveLength(1);
    const failing = list.filter((a) => a.rule === "sync-failed");
    expect(failing).toHaveLength(1);
    expect(failing[0]).toMatchObject({ severity: "critical", integrationId: "psa_fail" });
    expect(failing[0]?.detail).toContain("HTTP 401");
  });

  it("do not fire for a sync that failed less than 24 h after its last success", async () => {
    const other = await createTenant("Fresh MSP");
    await env.DB.prepare(
      `INSERT INTO psa_integrations (id, tenant_id, kind, status, api_base_url, site_origin, credentials, last_incremental_sync_at, last_sync_error)
       VALUES ('psa_recent', ?1, 'autotask', 'active', 'https://x.test', 'https://x.test', 'v1.x.x', '2026-05-31T12:00:00.000Z', 'HTTP 500')`,
    )
      .bind(other.tenantId)
      .run();
    await raiseClockAlerts(db, new Date("2026-06-01T00:00:00.000Z"));
    expect((await alerts(other.apiKey)).alerts).toEqual([]);
  });
});

describe("write-back rule", () => {
  it("raises one critical alert when the write-back job records a failure", async () => {
    await env.DB.batch([
      env.DB.prepare("INSERT INTO psa_companies (id, tenant_id, psa, psa_id, name) VALUES ('co_w', ?1, 'connectwise', '1', 'Wingtip')").bind(t.tenantId),
      env.DB.prepare(
        "INSERT INTO agreements (id, tenant_id, company_id, psa, psa_id, name, type, status, billing_cycle, cancelled, flat_rate, currency) VALUES ('agr_w', ?1, 'co_w', 'connectwise', '9', 'Wingtip MSA', 'Managed', 'Active', 'monthly', 0, 0, 'USD')",
      ).bind(t.tenantId),
      env.DB.prepare(
        "INSERT INTO decisions (id, tenant_id, agreement_id, product_key, action, actor, old_quantity, new_quantity, writeback_state) VALUES ('dec_w', ?1, 'agr_w', 'EDR', 'approve', 'user:a@b.test', '10', '12', 'pending')",
      ).bind(t.tenantId),
    ]);
    const fail = () => env.DB.prepare("UPDATE decisions SET writeback_state = 'failed', writeback_error = 'ConnectWise answered 400: quantity locked' WHERE id = 'dec_w'").run();
    await fail();
    await env.DB.prepare("UPDATE decisions SET writeback_state = 'pending' WHERE id = 'dec_w'").run();
    await fail();
    const list = (await alerts()).alerts.filter((a) => a.rule === "writeback-failed");
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ severity: "critical", title: "PSA write-back failed: Wingtip MSA — EDR" });
    expect(list[0]?.detail).toBe("The approve of EDR (10 → 12) was not written to the PSA: ConnectWise answered 400: quantity locked.");
  });
});
