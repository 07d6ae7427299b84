/**
 * Tenants on two D1 databases (src/db/tenant-db.ts): vitest.config.ts routes
 * tnt_shard2_test to DB_SHARD_2 through TENANT_DATABASES; every other tenant
 * lives in DB. Each tenant's pushes and reads work through the HTTP API, and
 * each database holds only its own tenant's rows; a ConnectWise pod found by
 * its integration id signs its member in and serves them from the second
 * database. Also the non-production X-D1-Rows-Read header and the
 * TENANT_DATABASES check.
 */
import { env } from "cloudflare:workers";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { findIntegrationForDelivery } from "../../src/db/repos/psa-integrations.ts";
import { findInDatabases } from "../../src/db/tenant-db.ts";
import { type Env, envSchema } from "../../src/env.ts";
import { authed, json } from "../fixtures/ingest/worker-helpers.ts";
import { OPERATOR_TOKEN, call, createTenant, postJson } from "./helpers/http.ts";
import { CW_API_BASE, CW_CLIENT_ID, CW_COMPANY, PSA_ORIGIN, memberToken, stubConnectWise } from "./pod-helpers.ts";

const SHARD_TENANT = "tnt_shard2_test";

let home: { tenantId: string; apiKey: string };
let shard: { tenantId: string; apiKey: string };

beforeAll(async () => {
  home = await createTenant("Home MSP");
  const res = await postJson("/api/admin/tenants", { name: "Shard MSP", tenantId: SHARD_TENANT }, { authorization: `Bearer ${OPERATOR_TOKEN}` });
  shard = await json<{ tenantId: string; apiKey: string }>(res, 201);
});

function pushOne(apiKey: string, account: string, quantity: string) {
  return authed(apiKey, "/api/v1/usage", "POST", {
    counts: [{ account: { id: account, name: `${account} Ltd` }, service: { id: "svc-seat", name: "Seat", category: "seat" }, quantity, period: "2026-05" }],
  });
}

async function tenantIdsIn(db: D1Database): Promise<Map<string, Set<string>>> {
  const tables = await db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations'").all<{ name: string }>();
  const found = new Map<string, Set<string>>();
  for (const { name } of tables.results) {
    const columns = await db.prepare(`PRAGMA table_info(${name})`).all<{ name: string }>();
    const column = name === "tenants" ? "id" : columns.results.some((c) => c.name === "tenant_id") ? "tenant_id" : null;
    if (!column) continue;
    const ids = await db.prepare(`SELECT DISTINCT ${column} AS id FROM ${name}`).all<{ id: string }>();
    if (ids.results.length > 0) found.set(name, new Set(ids.results.map((r) => r.id)));
  }
  return found;
}

describe("tenants on two D1 bindings", () => {
  it("creates the routed tenant's rows in its own database", async () => {
    expect(shard.tenantId).toBe(SHARD_TENANT);
    expect(await env.DB_SHARD_2.prepare("SELECT name FROM tenants WHERE id = ?").bind(SHARD_TENANT).first("name")).toBe("Shard MSP");
    expect(await env.DB.prepare("SELECT COUNT(*) AS n FROM tenants WHERE id = ?").bind(SHARD_TENANT).first("n")).toBe(0);
  });

  it("refuses a tenant id that exists already", async () => {
    const res = await postJson("/api/admin/tenants", { name: "Again", tenantId: SHARD_TENANT }, { authorization: `Bearer ${OPERATOR_TOKEN}` });
    expect((await json<{ error: { code: string; message: string } }>(res, 409)).error.message).toMatch(/body\.tenantId/);
  });

  it("serves each tenant's pushes and reads from its own database, and keeps their rows apart", async () => {
    await json(await pushOne(home.apiKey, "acct-home", "7"), 201);
    await json(await pushOne(shard.apiKey, "acct-shard", "9"), 201);

    for (const [tenant, account] of [[home, "acct-home"], [shard, "acct-shard"]] as const) {
      const unmapped = await json<{ accounts: Array<{ externalId: string }> }>(await authed(tenant.apiKey, "/api/v1/mappings/unmapped", "GET"), 200);
      expect(unmapped.accounts.map((a) => a.externalId)).toEqual([account]);
      await json(await authed(tenant.apiKey, "/api/v1/reconciliation", "GET"), 200);
    }

    const homeRows = await tenantIdsIn(env.DB);
    const shardRows = await tenantIdsIn(env.DB_SHARD_2);
    for (const ids of homeRows.values()) expect(ids.has(SHARD_TENANT)).toBe(false);
    for (const [table, ids] of shardRows) expect([table, [...ids]]).toEqual([table, [SHARD_TENANT]]);
    expect(shardRows.get("usage_counts")).toEqual(new Set([SHARD_TENANT]));
    expect(shardRows.get("api_keys")).toEqual(new Set([SHARD_TENANT]));
    expect(homeRows.get("usage_counts")?.has(home.tenantId)).toBe(true);
    const quantity = await env.DB_SHARD_2.prepare("SELECT quantity FROM usage_counts WHERE tenant_id = ?").bind(SHARD_TENANT).first("quantity");
    expect(quantity).toBe("9");
  });

  it("does not accept a key whose row sits in a database its tenant is not routed to", async () => {
    // A copy of the home tenant's key row planted in the shard (say, left behind by a move) must not authenticate there.
    const planted = await createTenant("Planted MSP");
    const key = await env.DB.prepare("SELECT id, key_hash, key_prefix, created_at FROM api_keys WHERE tenant_id = ?").bind(planted.tenantId).first<{ id: string; key_hash: string; key_prefix: string; created_at: string }>();
    await env.DB.prepare("UPDATE api_keys SET revoked_at = ? WHERE tenant_id = ?").bind(new Date().toISOString(), planted.tenantId).run();
    await env.DB_SHARD_2.batch([
      env.DB_SHARD_2.prepare("INSERT INTO tenants (id, name, created_at) VALUES (?, 'Planted', ?)").bind(planted.tenantId, key?.created_at),
      env.DB_SHARD_2.prepare("INSERT INTO api_keys (id, tenant_id, key_hash, key_prefix, label, created_at) VALUES (?, ?, ?, ?, 'planted', ?)").bind(key?.id, planted.tenantId, key?.key_hash, key?.key_prefix, key?.created_at),
    ]);
    expect((await authed(planted.apiKey, "/api/v1/mappings", "GET")).status).toBe(401);
  });
});

describe("a ConnectWise pod on the second database", () => {
  afterEach(() => vi.restoreAllMocks());

  it("finds the integration in its tenant's database, keeps the member's session there and serves it", async () => {
    await env.DB_SHARD_2.prepare(
      `INSERT INTO psa_integrations (id, tenant_id, kind, status, api_base_url, site_origin, web_origins, login_company_id, client_id, credentials)
       VALUES ('psi_shard2', ?, 'connectwise', 'active', ?, ?, ?, ?, ?, 'v1.unused.unused')`,
    ).bind(SHARD_TENANT, CW_API_BASE, PSA_ORIGIN, JSON.stringify([PSA_ORIGIN]), CW_COMPANY, CW_CLIENT_ID).run();
    stubConnectWise();
    const token = await memberToken("psi_shard2");

    const sessions = "SELECT COUNT(*) AS n FROM pod_sessions WHERE tenant_id = ?";
    expect(await env.DB_SHARD_2.prepare(sessions).bind(SHARD_TENANT).first("n")).toBe(1);
    expect(await env.DB.prepare(sessions).bind(SHARD_TENANT).first("n")).toBe(0);
    const mappings = await json<{ accounts: unknown[] }>(await authed(token, "/api/v1/mappings", "GET"), 200);
    expect(mappings.accounts).toEqual([]);
    const page = await call("/pod/connectwise/psi_shard2?id=1&screen=agreement");
    // The pod page names only the integration; an unknown one answers 404 (pod-pages.test.ts).
    expect(page.status).toBe(200);
  });
});

describe("webhook routing across databases", () => {
  it("a stale copy of an integration left in another database never answers for it, even once cached", async () => {
    const insert = (db: D1Database, company: string) =>
      db.prepare(
        `INSERT INTO psa_integrations (id, tenant_id, kind, status, api_base_url, site_origin, web_origins, login_company_id, client_id, credentials)
         VALUES ('psi_moved', ?, 'connectwise', 'active', ?, ?, ?, ?, ?, 'v1.unused.unused')`,
      ).bind(SHARD_TENANT, CW_API_BASE, PSA_ORIGIN, JSON.stringify([PSA_ORIGIN]), company, CW_CLIENT_ID).run();
    // The tenant moved to the second database; its old row stayed behind in the first (searched first).
    await env.DB.prepare("INSERT INTO tenants (id, name, created_at) VALUES (?, 'Shard MSP (old copy)', ?) ON CONFLICT DO NOTHING").bind(SHARD_TENANT, new Date().toISOString()).run();
    await insert(env.DB, "stale-company");
    await insert(env.DB_SHARD_2, "current-company");
    const find = () => findInDatabases(env as unknown as Env, (db) => findIntegrationForDelivery(db, "psi_moved", "connectwise"));
    for (let i = 0; i < 2; i++) {
      // Twice: the second look-up is served from the per-isolate cache.
      const hit = await find();
      expect(hit?.found.loginCompanyId).toBe("current-company");
    }
  });
});

describe("X-D1-Rows-Read (non-production)", () => {
  it("sums D1 rows read over the request when asked, and is absent otherwise", async () => {
    const pushed = await authed(home.apiKey, "/api/v1/usage", "POST", { counts: [{ account: { id: "acct-rows", name: "Rows Ltd" }, service: { id: "svc-seat", name: "Seat", category: "seat" }, quantity: "3", period: "2026-05" }] }, { "X-D1-Rows-Read": "1" });
    expect(pushed.status).toBe(201);
    // At least the ledger row and the stored count were written.
    expect(Number(pushed.headers.get("X-D1-Rows-Written"))).toBeGreaterThanOrEqual(2);
    const asked = await authed(home.apiKey, "/api/v1/mappings/unmapped", "GET", undefined, { "X-D1-Rows-Read": "1" });
    expect(asked.status).toBe(200);
    const rowsRead = Number(asked.headers.get("X-D1-Rows-Read"));
    // At least the API key row and the tenant's vendor accounts were read.
    expect(Number.isInteger(rowsRead) && rowsRead >= 2).toBe(true);
    const plain = await authed(home.apiKey, "/api/v1/mappings/unmapped", "GET");
    expect(plain.headers.get("X-D1-Rows-Read")).toBeNull();
  });
});

describe("TENANT_DATABASES", () => {
  const base = { OPERATOR_TOKEN: "x".repeat(16), ENCRYPTION_KEY: env.ENCRYPTION_KEY, TRUEUP_ENV: "test", DB: env.DB, DB_SHARD_2: env.DB_SHARD_2 };

  it("accepts tenants routed to D1 bindings of the Worker", () => {
    expect(envSchema.safeParse({ ...base, TENANT_DATABASES: '{"tnt_a":"DB_SHARD_2","tnt_b":"DB"}' }).success).toBe(true);
  });

  it.each([
    ["not JSON", "{tnt_a: DB}", /JSON object/],
    ["a binding the Worker does not have", '{"tnt_a":"DB_SHARD_9"}', /DB_SHARD_9, which is not a D1 binding/],
    ["a binding that is not a D1 database", '{"tnt_a":"OPERATOR_TOKEN"}', /OPERATOR_TOKEN, which is not a D1 binding/],
    ["a key that is not a tenant id", '{"acme":"DB"}', /keys must be tenant ids/],
  ])("refuses %s", (_what, value, message) => {
    const parsed = envSchema.safeParse({ ...base, TENANT_DATABASES: value });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.message).toMatch(message);
  });
});
