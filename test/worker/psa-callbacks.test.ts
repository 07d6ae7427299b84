import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { signConnectWise, utf8 } from "../../src/core/psa/signatures.ts";
import { env } from "cloudflare:workers";
import type { CwSim } from "../sim/connectwise/app.ts";
import { addAlphaDental, CW_ORIGIN, callWorker, cronSlots, cwConnectBody, installPsaHarness, type PsaHarness, postAs, sql } from "../fixtures/psa/harness.ts";
import { createTenant } from "./helpers/http.ts";

let h: PsaHarness;
let cw: CwSim;
let tenant: { tenantId: string; apiKey: string };
let integrationId: string;
const slot = cronSlots();

beforeAll(async () => {
  h = installPsaHarness();
  cw = h.connectWise(CW_ORIGIN);
  addAlphaDental(cw);
  tenant = await createTenant("Callback MSP");
  const res = await postAs(tenant.apiKey, "/api/v1/psa/connectwise", cwConnectBody());
  integrationId = ((await res.json()) as { integrationId: string }).integrationId;
  await h.drain();
});
afterAll(() => {
  vi.restoreAllMocks();
});
beforeEach(() => {
  h.queued.length = 0;
  h.outbound.length = 0;
  cw.control.clear();
});

const url = () => `/webhooks/connectwise/${integrationId}`;

function post(body: string, headers: Record<string, string>, path = url()) {
  return callWorker(path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });
}

async function editQuantity(quantity: number) {
  const res = await cw.fetch(new Request(`${CW_ORIGIN}/_sim/agreements/10/additions/100`, { method: "POST", body: JSON.stringify({ quantity }) }));
  return ((await res.json()) as { deliveries: Array<{ status: number; messageId: string }> }).deliveries;
}

const lineQuantity = async () => (await sql<{ quantity: string }>("SELECT quantity FROM agreement_lines WHERE tenant_id = ? AND psa_id = '100'", tenant.tenantId))[0]?.quantity;
const inbox = () => sql<{ state: string; dedupe_key: string }>("SELECT state, dedupe_key FROM psa_webhook_inbox WHERE tenant_id = ? ORDER BY received_at", tenant.tenantId);

describe("signed ConnectWise callbacks", () => {
  it("a valid callback is recorded, queued and answered 2xx; the consumer re-reads the agreement (fetch-on-notify)", async () => {
    const [delivery] = await editQuantity(12);
    expect(delivery?.status).toBe(200);
    const rows = await inbox();
    expect(rows.at(-1)).toEqual({ state: "received", dedupe_key: `cw:${delivery?.messageId}` });
    expect(h.queued.map((q) => q.message.kind)).toEqual(["psa.cw-callback"]);
    cw.control.log = [];
    await h.drain();
    expect(await lineQuantity()).toBe("12");
    expect(cw.control.log.map((e) => e.path.split("?")[0])).toEqual(["/v4_6_release/apis/3.0/finance/agreements/10", "/v4_6_release/apis/3.0/finance/agreements/10/additions"]);
    expect((await inbox()).at(-1)?.state).toBe("processed");
  });

  it("the same callback delivered 3 times has one effect", async () => {
    await editQuantity(15);
    const index = cw.state.deliveries.length - 1;
    const resend = async () => (await cw.fetch(new Request(`${CW_ORIGIN}/_sim/deliveries/${index}/resend`, { method: "POST" }))).json() as Promise<{ status: number }>;
    expect((await resend()).status).toBe(200);
    expect((await resend()).status).toBe(200);
    const messageId = cw.state.deliveries[index]?.messageId;
    expect(await sql("SELECT state FROM psa_webhook_inbox WHERE dedupe_key = ?", `cw:${messageId}`)).toEqual([{ state: "received" }]);
    expect(h.queued).toHaveLength(1);
    cw.control.log = [];
    await h.drain();
    expect(cw.control.count("/finance/agreements/10", "GET")).toBe(2);
    expect(await lineQuantity()).toBe("15");
  });

  it("out-of-order deliveries converge to the PSA's current state", async () => {
    await editQuantity(20);
    await editQuantity(30);
    h.queued.reverse();
    await h.drain();
    expect(await lineQuantity()).toBe("30");
  });

  it("rejects a tampered body (one trailing space) with 401 and records nothing", async () => {
    await editQuantity(31);
    const d = cw.state.deliveries.at(-1);
    const before = (await inbox()).length;
    h.queued.length = 0;
    const res = await post(`${d?.body} `, d?.headers ?? {});
    expect(res.status).toBe(401);
    expect((await inbox()).length).toBe(before);
    expect(h.queued).toEqual([]);
  });

  it.each([
    ["no signature", {}],
    ["an empty signature", { "x-content-signature": "" }],
    ["a signature that is not base64 of 32 bytes", { "x-content-signature": "c2hvcnQ=" }],
  ])("rejects %s with 401 before any lookup or fetch", async (_label, headers) => {
    await editQuantity(32);
    const d = cw.state.deliveries.at(-1);
    h.outbound.length = 0;
    const res = await post(d?.body ?? "", headers);
    expect(res.status).toBe(401);
    expect(h.outbound).toEqual([]);
  });

  it("answers 404 for an unknown integration", async () => {
    await editQuantity(33);
    const d = cw.state.deliveries.at(-1);
    const res = await post(d?.body ?? "", d?.headers ?? {}, "/webhooks/connectwise/psa_doesnotexist");
    expect(res.status).toBe(404);
  });
});

describe("key_url allow-listing", () => {
  async function forged(keyUrl: string) {
    const payload = { MessageId: crypto.randomUUID(), CompanyId: "northwind", Action: "updated", Type: "agreement", ID: 10, Entity: "{}", Metadata: { key_url: keyUrl }, CallbackObjectRecId: 1 };
    const body = JSON.stringify(payload);
    return { body, headers: { "x-content-signature": await signConnectWise("attacker-key", utf8(body)) } };
  }

  it.each([
    "http://api-na.myconnectwise.net/v4_6_release/system/callbackkey/index.rails?id=1",
    "https://api-na.myconnectwise.net.evil.test/key",
    "https://evil.myconnectwise.net/key",
    "https://myconnectwise.net.attacker.io/key",
    "https://api-na.myconnectwise.net@evil.test/key",
    "https://user:pass@api-na.myconnectwise.net/key",
    "https://api-na.myconnectwise.net:444/key",
    "https://api-na.myconnectwise.net/key#fragment",
    "https://169.254.169.254/latest/meta-data",
    "https://127.0.0.1/key",
    "https://0x7f000001/key",
    "https://[::1]/key",
    "https://[::ffff:127.0.0.1]/key",
    "ftp://api-na.myconnectwise.net/key",
    "not a url",
  ])("refuses %s with 401 and fetches nothing", async (keyUrl) => {
    const { body, headers } = await forged(keyUrl);
    const res = await post(body, headers);
    expect(res.status).toBe(401);
    expect(h.outbound).toEqual([]);
  });

  it("does not follow a redirect from an allowed host: 429, payload kept unverified, target never fetched", async () => {
    h.route("api-eu.myconnectwise.net", () => new Response(null, { status: 302, headers: { location: "https://evil.test/key" } }));
    const { body, headers } = await forged("https://api-eu.myconnectwise.net/v4_6_release/system/callbackkey/index.rails?id=redirect");
    const res = await post(body, headers);
    expect(res.status).toBe(429);
    expect(h.outbound.map((o) => new URL(o.url).host)).toEqual(["api-eu.myconnectwise.net"]);
    const id = (JSON.parse(body) as { MessageId: string }).MessageId;
    expect(await sql("SELECT state FROM psa_webhook_inbox WHERE dedupe_key = ?", `cw:${id}`)).toEqual([{ state: "unverified" }]);
  });
});

describe("signing key unavailable", () => {
  it("answers 429 (ConnectWise retries 429), keeps the payload, and accepts the retry once the key is back", async () => {
    const callback = [...cw.state.callbacks.values()][0];
    if (callback) callback.keyId = crypto.randomUUID(); // a key URL this isolate has not cached
    cw.control.addFault({ path: "/system/callbackkey/", status: 503, times: 1 });
    const [first] = await editQuantity(40);
    expect(first?.status).toBe(429);
    const [row] = await sql<{ id: string; state: string; signature: string }>("SELECT id, state, signature FROM psa_webhook_inbox WHERE dedupe_key = ?", `cw:${first?.messageId}`);
    expect(row).toMatchObject({ state: "unverified" });
    expect(row?.signature).toMatch(/=$/);
    expect(h.queued).toEqual([]);
    const index = cw.state.deliveries.length - 1;
    const retried = (await (await cw.fetch(new Request(`${CW_ORIGIN}/_sim/deliveries/${index}/resend`, { method: "POST" }))).json()) as { status: number };
    expect(retried.status).toBe(200);
    expect(await sql("SELECT id, state FROM psa_webhook_inbox WHERE dedupe_key = ?", `cw:${first?.messageId}`)).toEqual([{ id: row?.id, state: "received" }]);
    await h.drain();
    expect(await lineQuantity()).toBe("40");
  });

  it("the cron replays a kept payload when ConnectWise gave up", async () => {
    const callback = [...cw.state.callbacks.values()][0];
    if (callback) callback.keyId = crypto.randomUUID();
    cw.control.addFault({ path: "/system/callbackkey/", status: 500, times: 1 });
    const [first] = await editQuantity(41);
    expect(first?.status).toBe(429);
    h.queued.length = 0;
    // The first re-verification is due 2 minutes after the delivery: the next cron slot.
    await h.cron("*/15 * * * *", slot());
    expect(await sql("SELECT state FROM psa_webhook_inbox WHERE dedupe_key = ?", `cw:${first?.messageId}`)).toEqual([{ state: "received" }]);
    expect(h.queued.map((q) => q.message.kind).sort()).toEqual(["psa.cw-callback", "psa.sync"]);
    await h.drain();
    expect(await lineQuantity()).toBe("41");
  });
});

describe("junk callbacks (issue 10 item 2)", () => {
  const JUNK_KEY = `${CW_ORIGIN}/v4_6_release/system/callbackkey/index.rails?id=junk-key`;
  function junkPayload(messageId: string, entity = "{}") {
    return JSON.stringify({ MessageId: messageId, CompanyId: "northwind", Action: "updated", Type: "agreement", ID: 10, Entity: entity, Metadata: { key_url: JUNK_KEY }, CallbackObjectRecId: 1 });
  }
  const bogusSignature = btoa(String.fromCharCode(...new Uint8Array(32).fill(7)));
  const unverifiedCount = async () => (await sql<{ n: number }>("SELECT COUNT(*) AS n FROM psa_webhook_inbox WHERE integration_id = ? AND state = 'unverified'", integrationId))[0]?.n;
  async function insertJunk(n: number, receivedAt: string, nextAttemptAt: string | null = receivedAt) {
    const statements = Array.from({ length: n }, () => {
      const id = crypto.randomUUID();
      return env.DB.prepare(
        "INSERT INTO psa_webhook_inbox (id, tenant_id, integration_id, source, dedupe_key, state, entity_type, record_id, action, payload, signature, received_at, next_attempt_at) VALUES (?, ?, ?, 'connectwise', ?, 'unverified', 'agreement', '10', 'updated', ?, ?, ?, ?)",
      ).bind(`whk_junk_${id}`, tenant.tenantId, integrationId, `cw:${id}`, junkPayload(id), bogusSignature, receivedAt, nextAttemptAt);
    });
    for (let i = 0; i < statements.length; i += 50) await env.DB.batch(statements.slice(i, i + 50));
  }
  const clearJunk = () => env.DB.prepare("DELETE FROM psa_webhook_inbox WHERE integration_id = ? AND state IN ('unverified', 'expired')").bind(integrationId).run();
  const junkKeyFetches = () => h.outbound.filter((o) => o.url === JUNK_KEY).length;
  beforeEach(clearJunk);
  afterAll(clearJunk);

  it("an unverifiable 250 KB delivery is answered 429 but not kept", async () => {
    const id = crypto.randomUUID();
    const res = await post(junkPayload(id, "x".repeat(250 * 1024)), { "x-content-signature": bogusSignature });
    expect(res.status).toBe(429);
    expect(await sql("SELECT id FROM psa_webhook_inbox WHERE dedupe_key = ?", `cw:${id}`)).toEqual([]);
  });

  it("an integration keeps at most 100 unverified deliveries; more are answered 429 and not kept", async () => {
    await insertJunk(99, new Date().toISOString());
    const first = crypto.randomUUID();
    expect((await post(junkPayload(first), { "x-content-signature": bogusSignature })).status).toBe(429);
    expect(await sql("SELECT state FROM psa_webhook_inbox WHERE dedupe_key = ?", `cw:${first}`)).toEqual([{ state: "unverified" }]);
    const second = crypto.randomUUID();
    expect((await post(junkPayload(second), { "x-content-signature": bogusSignature })).status).toBe(429);
    expect(await sql("SELECT state FROM psa_webhook_inbox WHERE dedupe_key = ?", `cw:${second}`)).toEqual([]);
    expect(await unverifiedCount()).toBe(100);
  });

  it("a kept delivery whose key stays unreachable is retried with backoff (attempts, next_attempt_at: 15, 30 … minutes), not on every cron run", async () => {
    const id = crypto.randomUUID();
    expect((await post(junkPayload(id), { "x-content-signature": bogusSignature })).status).toBe(429);
    const row = () => sql<{ attempts: number; next_attempt_at: string }>("SELECT attempts, next_attempt_at FROM psa_webhook_inbox WHERE dedupe_key = ?", `cw:${id}`);
    h.outbound.length = 0;
    const first = slot();
    await h.cron("*/15 * * * *", first);
    expect(junkKeyFetches()).toBe(1);
    expect(await row()).toEqual([{ attempts: 1, next_attempt_at: new Date(first.getTime() + 15 * 60_000).toISOString() }]);
    const second = slot();
    await h.cron("*/15 * * * *", second);
    expect(junkKeyFetches()).toBe(2);
    expect(await row()).toEqual([{ attempts: 2, next_attempt_at: new Date(second.getTime() + 30 * 60_000).toISOString() }]);
    // The next cron run, 15 minutes later, is before the 30-minute backoff: no fetch.
    await h.cron("*/15 * * * *", slot());
    expect(junkKeyFetches()).toBe(2);
    await h.cron("*/15 * * * *", slot());
    expect(junkKeyFetches()).toBe(3);
  });

  it("an unverified delivery older than a day expires without another key fetch", async () => {
    await insertJunk(3, new Date(Date.now() - 25 * 3_600_000).toISOString());
    h.outbound.length = 0;
    await h.cron("*/15 * * * *", slot());
    expect(junkKeyFetches()).toBe(0);
    expect(await sql("SELECT state FROM psa_webhook_inbox WHERE integration_id = ? AND dedupe_key LIKE 'cw:%' AND id LIKE 'whk_junk_%'", integrationId)).toEqual([{ state: "expired" }, { state: "expired" }, { state: "expired" }]);
  });

  it("90 older junk rows do not starve a genuine kept delivery: it is verified on the next cron run, the junk key is fetched once", async () => {
    await insertJunk(90, new Date(Date.now() - 30 * 60_000).toISOString());
    const callback = [...cw.state.callbacks.values()][0];
    if (callback) callback.keyId = crypto.randomUUID();
    cw.control.addFault({ path: "/system/callbackkey/", status: 503, times: 1 });
    const [genuine] = await editQuantity(42);
    expect(genuine?.status).toBe(429);
    h.outbound.length = 0;
    h.queued.length = 0;
    await h.cron("*/15 * * * *", slot());
    expect(await sql("SELECT state FROM psa_webhook_inbox WHERE dedupe_key = ?", `cw:${genuine?.messageId}`)).toEqual([{ state: "received" }]);
    expect(junkKeyFetches()).toBe(1);
    expect(await sql("SELECT DISTINCT attempts FROM psa_webhook_inbox WHERE id LIKE 'whk_junk_%' AND integration_id = ?", integrationId)).toEqual([{ attempts: 1 }]);
    await h.drain();
    expect(await lineQuantity()).toBe("42");
  });
});

describe("cross-tenant delivery", () => {
  it("a validly signed callback of another ConnectWise company sent to this tenant's URL is refused with 403", async () => {
    const other = h.connectWise("https://api-eu.myconnectwise.net", { companyId: "beta" });
    other.state.addCompany({ id: 5, identifier: "BETA", name: "Beta Co" });
    other.state.addAgreement({ id: 50, companyId: 5, name: "Beta MS" });
    other.state.addAddition({ id: 500, agreementId: 50, identifier: "X", description: "X", quantity: 1, unitPrice: 1, unitCost: 1 });
    const b = await createTenant("Beta MSP");
    const connected = await postAs(b.apiKey, "/api/v1/psa/connectwise", cwConnectBody("https://api-eu.myconnectwise.net", { companyId: "beta" }));
    expect(connected.status).toBe(201);
    await h.drain();
    await other.fetch(new Request("https://api-eu.myconnectwise.net/_sim/agreements/50/additions/500", { method: "POST", body: JSON.stringify({ quantity: 2 }) }));
    const d = other.state.deliveries.at(-1);
    expect(d?.status).toBe(200);
    const before = (await inbox()).length;
    const res = await post(d?.body ?? "", d?.headers ?? {});
    expect(res.status).toBe(403);
    expect((await inbox()).length).toBe(before);
  });
});

describe("forged callbacks (issue 10 item 1)", () => {
  /** What an attacker can do: take a delivery's shape, fetch the signing key from the unauthenticated key URL, re-sign. */
  let inboxBefore = 0;
  async function resigned(mutate: (payload: Record<string, unknown>) => void) {
    await editQuantity(34);
    const d = cw.state.deliveries.at(-1);
    const payload = JSON.parse(d?.body ?? "{}") as Record<string, unknown>;
    payload.MessageId = crypto.randomUUID();
    mutate(payload);
    const keyUrl = (payload.Metadata as { key_url: string }).key_url;
    const key = ((await (await cw.fetch(new Request(keyUrl))).json()) as { signing_key: string }).signing_key;
    const body = JSON.stringify(payload);
    h.queued.length = 0;
    inboxBefore = (await inbox()).length;
    return post(body, { "x-content-signature": await signConnectWise(key, utf8(body)) });
  }

  it.each([
    ["without CallbackObjectRecId", (p: Record<string, unknown>) => delete p.CallbackObjectRecId],
    ["with CallbackObjectRecId null", (p: Record<string, unknown>) => (p.CallbackObjectRecId = null)],
    ["with another callback's CallbackObjectRecId", (p: Record<string, unknown>) => (p.CallbackObjectRecId = 999_999)],
  ])("a validly signed callback %s is refused with 403 and queues nothing", async (_label, mutate) => {
    const res = await resigned(mutate);
    expect(res.status).toBe(403);
    expect((await inbox()).length).toBe(inboxBefore);
    expect(h.queued).toEqual([]);
  });

  it("a signed 'deleted' callback for an agreement the PSA still has cancels nothing: the consumer re-reads and keeps the PSA's state", async () => {
    await h.drain();
    const res = await resigned((p) => {
      p.Action = "deleted";
      p.Entity = "{}";
    });
    expect(res.status).toBe(200);
    cw.control.log = [];
    await h.drain();
    expect(cw.control.count("/finance/agreements/10", "GET")).toBeGreaterThan(0);
    expect(await sql("SELECT status, cancelled FROM agreements WHERE tenant_id = ? AND psa_id = '10'", tenant.tenantId)).toEqual([{ status: "Active", cancelled: 0 }]);
    expect(await lineQuantity()).toBe("34");
  });
});

describe("deletions", () => {
  it("a deleted agreement (the PSA answers 404 on re-read) is kept but cancelled", async () => {
    cw.state.agreements.delete(10);
    await cw.fetch(new Request(`${CW_ORIGIN}/_sim/agreements/10/notify`, { method: "POST", body: JSON.stringify({ action: "deleted" }) }));
    await h.drain();
    expect(await sql("SELECT status, cancelled FROM agreements WHERE tenant_id = ? AND psa_id = '10'", tenant.tenantId)).toEqual([{ status: "Deleted", cancelled: 1 }]);
  });
});
