import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { HealthResponse } from "../../src/shared/workspace-types.ts";
import { call, createTenant, withKey } from "./helpers/http.ts";
import { createUser, session } from "./workspace-helpers.ts";

let t: { tenantId: string; apiKey: string };
let other: { tenantId: string; apiKey: string };
const now = Date.now();
const ago = (hours: number) => new Date(now - hours * 3_600_000).toISOString();

beforeAll(async () => {
  t = await createTenant("Health MSP");
  other = await createTenant("Other Health MSP");
  const T = t.tenantId;
  const psa = `INSERT INTO psa_integrations (id, tenant_id, kind, status, api_base_url, site_origin, credentials, last_full_sync_at, last_incremental_sync_at, last_sync_error)
    VALUES (?1, ?2, ?3, ?4, 'https://x.test', 'https://x.test', 'v1.x.x', ?5, ?6, ?7)`;
  const inbox = `INSERT INTO psa_webhook_inbox (id, tenant_id, integration_id, source, dedupe_key, state, payload, received_at, error) VALUES (?1, ?2, ?3, 'connectwise', ?1, ?4, '{}', ?5, ?6)`;
  const count = `INSERT INTO usage_counts (id, tenant_id, account_id, service_id, period, quantity, observed_at, source_kind, source_ref) VALUES (?1, ?2, ?3, 'vs_h', '2026-01', '5', ?4, 'push', 'x')`;
  await env.DB.batch([
    env.DB.prepare(psa).bind("psa_cw", T, "connectwise", "active", ago(30), ago(1), "ConnectWise rejected the credentials (HTTP 401)"),
    env.DB.prepare(psa).bind("psa_at", T, "autotask", "deactivated", ago(20), ago(0.2), null),
    env.DB.prepare(psa).bind("psa_old", T, "connectwise", "disconnected", null, null, null),
    env.DB.prepare(psa).bind("psa_other", other.tenantId, "connectwise", "active", null, null, null),
    env.DB.prepare(inbox).bind("wh1", T, "psa_cw", "received", ago(0.1), null),
    env.DB.prepare(inbox).bind("wh2", T, "psa_cw", "unverified", ago(0.1), null),
    env.DB.prepare(inbox).bind("wh3", T, "psa_cw", "received", ago(0.1), "record 12 could not be re-read: HTTP 500"),
    env.DB.prepare(inbox).bind("wh4", T, "psa_cw", "processed", ago(0.1), null),
    env.DB.prepare("INSERT INTO vendor_integrations (id, tenant_id, kind, name, status) VALUES ('vi_h', ?1, 'pax8', 'Pax8', 'active')").bind(T),
    env.DB.prepare("INSERT INTO vendor_accounts (id, tenant_id, integration_id, external_id, name) VALUES ('va_h1', ?1, 'vi_h', 'a1', 'A1'), ('va_h2', ?1, 'vi_h', 'a2', 'A2')").bind(T),
    env.DB.prepare("INSERT INTO vendor_services (id, tenant_id, integration_id, external_id, name, category) VALUES ('vs_h', ?1, 'vi_h', 's', 'M365', 'seat')").bind(T),
    env.DB.prepare(count).bind("uc_h1", T, "va_h1", ago(24 * 10)),
    env.DB.prepare(count).bind("uc_h2", T, "va_h2", ago(2)),
    env.DB.prepare(
      "INSERT INTO ingest_pull_runs (id, tenant_id, integration_id, trigger, trigger_key, status, error, queued_at, finished_at) VALUES ('run1', ?1, 'vi_h', 'cron', 'd1', 'succeeded', NULL, ?2, ?2), ('run2', ?1, 'vi_h', 'manual', 'run2', 'failed', 'Pax8 answered 401: invalid client', ?3, ?3)",
    ).bind(T, ago(48), ago(1)),
    env.DB.prepare("INSERT INTO dead_letters (id, tenant_id, kind, job_id, payload, attempts, error, at) VALUES ('dl1', ?1, 'psa.sync', 'j1', '{}', 7, 'boom', ?2)").bind(T, ago(3)),
    env.DB.prepare(
      "INSERT INTO alerts (id, tenant_id, at, rule, severity, title, detail, dedupe_key, email_state, webhook_state) VALUES ('alr_h', ?1, ?2, 'sync-failed', 'critical', 'PSA sync failing', 'x', 'k', 'none', 'none')",
    ).bind(T, ago(0.5)),
  ]);
});

describe("GET /api/v1/health", () => {
  it("reports each live integration's syncs, errors in plain words, broken credentials, webhook backlog, stale sources, dead letters and alerts", async () => {
    const res = await call("/api/v1/health", withKey(t.apiKey));
    expect(res.status).toBe(200);
    const h = (await res.json()) as HealthResponse;
    expect(h.psa).toEqual([
      { integrationId: "psa_at", kind: "autotask", status: "deactivated", lastFullSyncAt: ago(20), lastIncrementalSyncAt: ago(0.2), lastError: null, credentialsOk: true, pendingWebhooks: 0, failedWebhooks: 0 },
      { integrationId: "psa_cw", kind: "connectwise", status: "active", lastFullSyncAt: ago(30), lastIncrementalSyncAt: ago(1), lastError: "ConnectWise rejected the credentials (HTTP 401)", credentialsOk: false, pendingWebhooks: 2, failedWebhooks: 1 },
    ]);
    expect(h.vendors).toEqual([
      { integrationId: "vi_h", kind: "pax8", name: "Pax8", status: "active", lastSuccessAt: ago(2), lastError: "Pax8 answered 401: invalid client", staleSources: 1 },
    ]);
    expect(h.deadLetters).toBe(1);
    expect(h.alerts.map((a) => a.id)).toEqual(["alr_h"]);
  });

  it("is tenant-scoped, readable by a viewer, and needs authentication", async () => {
    const mine = (await (await call("/api/v1/health", withKey(other.apiKey))).json()) as HealthResponse;
    expect(mine.psa.map((p) => p.integrationId)).toEqual(["psa_other"]);
    expect([mine.vendors, mine.deadLetters, mine.alerts]).toEqual([[], 0, []]);
    await createUser(t.tenantId, "ops@health.test", "viewer");
    const viewer = await session(t.tenantId, "ops@health.test");
    expect((await viewer.fetch("/api/v1/health")).status).toBe(200);
    expect((await call("/api/v1/health")).status).toBe(401);
  });
});
