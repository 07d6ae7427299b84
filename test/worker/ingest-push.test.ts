import { beforeAll, describe, expect, it } from "vitest";
import { authed, count, createTenant, type ErrorBody, json, type PushResult, rows } from "../fixtures/ingest/worker-helpers.ts";


/** The current UTC month and the one after it, from the real clock (the Worker checks against it). */
function months() {
  const now = new Date();
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return { current: now.toISOString().slice(0, 7), next: next.toISOString().slice(0, 7) };
}

let tenant: { tenantId: string; apiKey: string };

beforeAll(async () => {
  tenant = await createTenant("Push MSP");
});

const push = (body: unknown, headers: Record<string, string> = {}, key = tenant.apiKey) => authed(key, "/api/v1/usage", "POST", body, headers);

async function stored(tenantId: string, accountExt: string, serviceExt: string) {
  return rows<{ quantity: string; period: string; observed_at: string; source_kind: string; source_ref: string; cost_minor: number | null; cost_currency: string | null }>(
    `SELECT u.quantity, u.period, u.observed_at, u.source_kind, u.source_ref, u.cost_minor, u.cost_currency FROM usage_counts u
     JOIN vendor_accounts a ON a.id = u.account_id JOIN vendor_services s ON s.id = u.service_id
     WHERE u.tenant_id = ? AND a.external_id = ? AND s.external_id = ? ORDER BY u.period`,
    tenantId, accountExt, serviceExt,
  );
}

describe("POST /api/v1/usage", () => {
  it("stores counts with provenance in the tenant's Batch API integration", async () => {
    const res = await push({
      counts: [
        count({ quantity: "12", period: "2026-05", observedAt: "2026-05-31T10:00:00Z", cost: { amount: "84.50", currency: "usd" } }),
        count({ account: { id: "acct-2", name: "Fabrikam" }, quantity: 3 }),
      ],
    });
    const body = await json<PushResult>(res, 201);
    expect(body).toMatchObject({ integrationId: `int_batch_${tenant.tenantId}`, received: 2, applied: 2, olderIgnored: 0 });
    const [first] = await stored(tenant.tenantId, "acct-1", "svc-1");
    expect(first).toMatchObject({ quantity: "12", period: "2026-05", observed_at: "2026-05-31T10:00:00.000Z", source_kind: "push", source_ref: `push:${body.pushId}#0`, cost_minor: 8450, cost_currency: "USD" });
    const log = await rows<{ source_ref: string; quantity: string }>("SELECT source_ref, quantity FROM ingest_count_log WHERE tenant_id = ? AND source_id = ? ORDER BY seq", tenant.tenantId, body.pushId);
    expect(log).toEqual([{ source_ref: `push:${body.pushId}#0`, quantity: "12" }, { source_ref: `push:${body.pushId}#1`, quantity: "3" }]);
    const [integration] = await rows<{ kind: string; name: string }>("SELECT kind, name FROM vendor_integrations WHERE id = ?", body.integrationId);
    expect(integration).toEqual({ kind: "batch", name: "Batch API" });
  });

  it("keeps quantities exact, including JSON numbers a double cannot hold", async () => {
    const raw = '{"counts":[{"account":{"id":"exact","name":"Exact Co"},"service":{"id":"gb","name":"Storage GB","category":"consumption","unit":"GB"},"quantity":0.1000000000000000000001,"period":"2026-06"},{"account":{"id":"exact","name":"Exact Co"},"service":{"id":"big","name":"Big","category":"seat"},"quantity":12345678901234567890,"period":"2026-06"}]}';
    await json(await push(raw), 201);
    expect((await stored(tenant.tenantId, "exact", "gb"))[0]?.quantity).toBe("0.1000000000000000000001");
    expect((await stored(tenant.tenantId, "exact", "big"))[0]?.quantity).toBe("12345678901234567890");
  });

  it("never lets an older count overwrite a newer one; an equally old one replaces it", async () => {
    const at = (observedAt: string, quantity: string) => ({ counts: [count({ account: { id: "order", name: "Order Co" }, quantity, period: "2026-06", observedAt })] });
    expect(await json<PushResult>(await push(at("2026-06-10T00:00:00Z", "20")), 201)).toMatchObject({ applied: 1 });
    const older = await json<PushResult>(await push(at("2026-06-09T23:59:59Z", "5")), 201);
    expect(older).toMatchObject({ received: 1, applied: 0, olderIgnored: 1 });
    expect((await stored(tenant.tenantId, "order", "svc-1"))[0]?.quantity).toBe("20");
    const same = await json<PushResult>(await push(at("2026-06-10T00:00:00.000+00:00", "21")), 201);
    expect(same.applied).toBe(1);
    expect((await stored(tenant.tenantId, "order", "svc-1"))[0]).toMatchObject({ quantity: "21", source_ref: `push:${same.pushId}#0` });
    // The superseded count is still in the ledger.
    const ledger = await rows<{ quantity: string }>("SELECT l.quantity FROM ingest_count_log l WHERE l.tenant_id = ? AND l.account_external_id = 'order' ORDER BY seq", tenant.tenantId);
    expect(ledger.map((r) => r.quantity)).toEqual(["20", "5", "21"]);
    await expect(rows("UPDATE ingest_count_log SET quantity = '0' WHERE tenant_id = ?", tenant.tenantId)).rejects.toThrow(/append-only/);
    await expect(rows("DELETE FROM ingest_count_log WHERE tenant_id = ?", tenant.tenantId)).rejects.toThrow(/append-only/);
  });

  it("replays the first result for the same Idempotency-Key and body, 409 for another body", async () => {
    const body = { counts: [count({ account: { id: "idem", name: "Idem Co" }, quantity: "7" })] };
    const first = await push(body, { "idempotency-key": "batch-2026-06-01" });
    const firstBody = await json<PushResult>(first, 201);
    const again = await push(body, { "idempotency-key": "batch-2026-06-01" });
    expect(await json<PushResult>(again, 201)).toEqual(firstBody);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    const other = await push({ counts: [count({ account: { id: "idem", name: "Idem Co" }, quantity: "8" })] }, { "idempotency-key": "batch-2026-06-01" });
    expect((await json<ErrorBody>(other, 409)).error.code).toBe("conflict");
    const pushes = await rows("SELECT id FROM ingest_pushes WHERE tenant_id = ? AND idempotency_key = 'batch-2026-06-01'", tenant.tenantId);
    expect(pushes).toHaveLength(1);
    expect((await stored(tenant.tenantId, "idem", "svc-1"))[0]?.quantity).toBe("7");
  });

  it("records one push when the same key and body race each other", async () => {
    const body = { counts: [count({ account: { id: "race", name: "Race Co" }, quantity: "4" })] };
    const [a, b] = await Promise.all([push(body, { "idempotency-key": "race-1" }), push(body, { "idempotency-key": "race-1" })]);
    const [first, second] = [await json<PushResult>(a as Response, 201), await json<PushResult>(b as Response, 201)];
    expect(second.pushId).toBe(first.pushId);
    expect(await rows("SELECT id FROM ingest_pushes WHERE tenant_id = ? AND idempotency_key = 'race-1'", tenant.tenantId)).toHaveLength(1);
    expect(await rows("SELECT seq FROM ingest_count_log WHERE tenant_id = ? AND account_external_id = 'race'", tenant.tenantId)).toHaveLength(1);
  });

  it.each([
    ["a word", '"asdfa"', "body.counts[0].quantity"],
    ["a decimal comma", '"1,5"', "body.counts[0].quantity"],
    ["exponent notation", "1e3", "body.counts[0].quantity"],
    ["NaN", '"NaN"', "body.counts[0].quantity"],
    ["a negative", '"-1"', "body.counts[0].quantity"],
    ["a string minus zero", '"-0"', "body.counts[0].quantity"],
    ["a JSON minus zero", "-0", "body.counts[0].quantity"],
    ["a string minus zero with decimals", '"-0.0"', "body.counts[0].quantity"],
    ["a JSON minus zero with decimals", "-0.0", "body.counts[0].quantity"],
    ["an empty string", '""', "body.counts[0].quantity"],
    ["null", "null", "body.counts[0].quantity"],
  ])("rejects %s as quantity, naming the field, and stores nothing", async (_label, quantity, path) => {
    const raw = `{"counts":[{"account":{"id":"bad","name":"Bad"},"service":{"id":"s","name":"S","category":"seat"},"quantity":${quantity}}]}`;
    const error = (await json<ErrorBody>(await push(raw), 400)).error;
    expect(error.code).toBe("validation_failed");
    expect(error.message).toContain(path);
    expect(await rows("SELECT id FROM vendor_accounts WHERE tenant_id = ? AND external_id = 'bad'", tenant.tenantId)).toEqual([]);
  });

  it.each([
    ["a future observedAt", { observedAt: "2999-01-01T00:00:00Z" }, "body.counts[0].observedAt"],
    ["an observedAt without offset", { observedAt: "2026-06-01T10:00:00" }, "body.counts[0].observedAt"],
    ["a bad period", { period: "2026-13" }, "body.counts[0].period"],
    ["an unknown category", { service: { id: "s", name: "S", category: "device" } }, "body.counts[0].service.category"],
    ["a bad currency", { cost: { amount: "1.00", currency: "dollars" } }, "body.counts[0].cost.currency"],
  ])("rejects %s", async (_label, overrides, path) => {
    const error = (await json<ErrorBody>(await push({ counts: [count(overrides)] }), 400)).error;
    expect(error.message).toContain(path);
  });

  it("rejects a period after the current month naming the field, stores nothing, and takes the current month (issue 10 #4)", async () => {
    const { current, next } = months();
    for (const period of ["2099-12", next]) {
      const error = (await json<ErrorBody>(await push({ counts: [count({ account: { id: "future", name: "Future" }, period })] }), 400)).error;
      expect(error.message).toBe(`body.counts[0].period: must not be after the current month (${current}), got "${period}"`);
    }
    expect(await rows("SELECT id FROM vendor_accounts WHERE tenant_id = ? AND external_id = 'future'", tenant.tenantId)).toEqual([]);
    await json(await push({ counts: [count({ account: { id: "future", name: "Future" }, period: current })] }), 201);
  });

  it("acknowledges an unchanged count without a ledger row, and confirms it (observed_at moves forward) (issue 10 #6)", async () => {
    const at = (observedAt: string, quantity = "7", name = "Repeat Co") => ({ counts: [count({ account: { id: "repeat", name }, quantity, period: "2026-03", observedAt, cost: { amount: "7.00", currency: "USD" } })] });
    expect(await json<PushResult>(await push(at("2026-03-01T00:00:00Z")), 201)).toMatchObject({ received: 1, applied: 1, unchanged: 0 });
    for (let i = 1; i <= 5; i++) {
      const again = await json<PushResult>(await push(at(`2026-03-0${i + 1}T00:00:00Z`)), 201);
      expect(again).toMatchObject({ received: 1, applied: 0, unchanged: 1, olderIgnored: 0 });
    }
    const ledger = () => rows<{ quantity: string }>("SELECT quantity FROM ingest_count_log WHERE tenant_id = ? AND account_external_id = 'repeat' ORDER BY seq", tenant.tenantId);
    expect(await ledger()).toEqual([{ quantity: "7" }]);
    expect((await stored(tenant.tenantId, "repeat", "svc-1"))[0]).toMatchObject({ quantity: "7", observed_at: "2026-03-06T00:00:00.000Z" });
    // A changed quantity, or a new account name, is written.
    expect(await json<PushResult>(await push(at("2026-03-07T00:00:00Z", "8")), 201)).toMatchObject({ applied: 1, unchanged: 0 });
    expect(await json<PushResult>(await push(at("2026-03-08T00:00:00Z", "8", "Repeat Co (renamed)")), 201)).toMatchObject({ applied: 1, unchanged: 0 });
    expect((await ledger()).map((r) => r.quantity)).toEqual(["7", "8", "8"]);
  });

  it("keeps a count observed 40 days ago, marks it late in the response and on its ledger row (issue 10 #9)", async () => {
    const observedAt = new Date(Date.now() - 40 * 86_400_000).toISOString();
    const body = await json<PushResult>(await push({ counts: [count({ account: { id: "late", name: "Late Co" }, observedAt }), count({ account: { id: "fresh", name: "Fresh Co" } })] }), 201);
    expect(body).toMatchObject({ received: 2, applied: 2, late: 1 });
    const log = await rows<{ account_external_id: string; late: number }>("SELECT account_external_id, late FROM ingest_count_log WHERE tenant_id = ? AND source_id = ? ORDER BY seq", tenant.tenantId, body.pushId);
    expect(log).toEqual([{ account_external_id: "late", late: 1 }, { account_external_id: "fresh", late: 0 }]);
  });

  it("refuses an observedAt with sub-millisecond digits instead of truncating it (issue 10 #9)", async () => {
    const error = (await json<ErrorBody>(await push({ counts: [count({ observedAt: "2026-06-01T10:00:00.1234567Z" })] }), 400)).error;
    expect(error.message).toContain("body.counts[0].observedAt: has sub-millisecond digits");
  });

  it("rejects the same account, service and period twice in one request", async () => {
    const error = (await json<ErrorBody>(await push({ counts: [count({ period: "2026-01" }), count({ period: "2026-01", quantity: "2" })] }), 400)).error;
    expect(error.message).toBe("body.counts[1]: same account, service and period as body.counts[0]");
  });

  it("takes 10,000 counts in one request (chunked under D1's statement limits) and refuses 10,001", async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => count({ account: { id: `bulk-${i % 500}`, name: `Bulk ${i % 500}` }, service: { id: `sku-${Math.floor(i / 500)}`, name: `SKU ${Math.floor(i / 500)}`, category: "seat" }, quantity: String(i), period: "2026-04" }));
    const body = await json<PushResult>(await push({ counts: many }), 201);
    expect(body).toMatchObject({ received: 10_000, applied: 10_000 });
    const [total] = await rows<{ n: number }>("SELECT count(*) AS n FROM usage_counts WHERE tenant_id = ? AND period = '2026-04'", tenant.tenantId);
    expect(total?.n).toBe(10_000);
    const tooMany = await push({ counts: [...many, count()] });
    expect((await json<ErrorBody>(tooMany, 413)).error.message).toContain("at most 10000");
  });

  it("wants JSON", async () => {
    expect((await json<ErrorBody>(await push("a,b", { "content-type": "text/csv" }), 415)).error.code).toBe("unsupported_media_type");
    expect((await json<ErrorBody>(await push("{", {}), 400)).error.message).toBe("body: not valid JSON");
  });
});

describe("integration keys (ti_)", () => {
  it("push into their own integration only, work nowhere else, and stop when disconnected", async () => {
    const created = await json<{ integrationId: string; integrationKey: string }>(
      await authed(tenant.apiKey, "/api/v1/integrations", "POST", { kind: "batch", name: "RMM script" }),
      201,
    );
    expect(created.integrationKey).toMatch(/^ti_[0-9A-Za-z]{40}$/);
    const [key] = await rows<{ key_hash: string }>("SELECT key_hash FROM ingest_keys WHERE integration_id = ?", created.integrationId);
    expect(key?.key_hash).toMatch(/^[0-9a-f]{64}$/);
    const pushed = await json<PushResult>(await push({ counts: [count({ account: { id: "rmm", name: "RMM Co" } })] }, {}, created.integrationKey), 201);
    expect(pushed.integrationId).toBe(created.integrationId);
    expect((await push({ integrationId: `int_batch_${tenant.tenantId}`, counts: [count()] }, {}, created.integrationKey)).status).toBe(403);
    expect((await authed(created.integrationKey, "/api/v1/reconciliation")).status).toBe(401);
    expect((await authed(tenant.apiKey, `/api/v1/integrations/${created.integrationId}`, "DELETE")).status).toBe(204);
    expect((await push({ counts: [count()] }, {}, created.integrationKey)).status).toBe(401);
    const audit = await rows<{ action: string }>("SELECT action FROM audit_log WHERE entity_id = ? ORDER BY seq", created.integrationId);
    expect(audit.map((a) => a.action)).toEqual(["integration.created", "integration.disconnected"]);
  });

  it("cannot reach another tenant's integration", async () => {
    const other = await createTenant("Other MSP");
    const res = await push({ integrationId: `int_batch_${tenant.tenantId}`, counts: [count()] }, {}, other.apiKey);
    expect((await json<ErrorBody>(res, 404)).error.message).toContain("body.integrationId");
  });
});
