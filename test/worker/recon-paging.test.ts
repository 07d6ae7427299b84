/**
 * The paged tenant-wide list (issue 8): a cursor walks every row exactly once
 * in the engine's order; totals and counts cover the whole filter, not the
 * page; every filter holds on every row; a large backlog is left to the queue
 * and reported as `freshness.pendingScopes`.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { handleReconJob } from "../../src/jobs/recon.ts";
import type { JobMessage } from "../../src/jobs/messages.ts";
import type { ReconciliationPage, ReconRow } from "../../src/shared/api-types.ts";
import { call, type ErrorJson, withKey } from "./helpers/http.ts";
import { seedDemo } from "./helpers/seed.ts";

let key: string;
let everything: ReconciliationPage;

async function page(query: string): Promise<ReconciliationPage> {
  const res = await call(`/api/v1/reconciliation${query}`, withKey(key));
  expect(res.status).toBe(200);
  return res.json();
}

async function walk(query: string, limit: number): Promise<{ rows: ReconRow[]; pages: ReconciliationPage[] }> {
  const pages: ReconciliationPage[] = [];
  let cursor: string | null = null;
  do {
    const sep = query.includes("?") ? "&" : "?";
    const next = await page(`${query}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    pages.push(next);
    cursor = next.nextCursor;
  } while (cursor !== null);
  return { rows: pages.flatMap((p) => p.rows), pages };
}

/** Money the way the API documents it, from the rows themselves. */
function expectedTotals(rows: readonly ReconRow[]) {
  const by = new Map<string, { currency: string; underBilledMonthlyMinor: number; overBilledMonthlyMinor: number }>();
  for (const r of rows) {
    if (!["increase", "decrease", "missing-line"].includes(r.status) || r.currency === null || r.monthlyImpactMinor === null) continue;
    const t = by.get(r.currency) ?? { currency: r.currency, underBilledMonthlyMinor: 0, overBilledMonthlyMinor: 0 };
    if (r.monthlyImpactMinor > 0) t.underBilledMonthlyMinor += r.monthlyImpactMinor;
    else t.overBilledMonthlyMinor -= r.monthlyImpactMinor;
    by.set(r.currency, t);
  }
  return [...by.values()];
}

beforeAll(async () => {
  key = await seedDemo();
  everything = await page("?limit=500");
});

describe("paging", () => {
  it("walks every row once, in the one-page order, with the whole filter's totals on every page", async () => {
    expect(everything.nextCursor).toBeNull();
    expect(everything.rows.length).toBeGreaterThan(12);
    const { rows, pages } = await walk("", 5);
    expect(pages.length).toBe(Math.ceil(everything.rows.length / 5));
    expect(rows.map((r) => r.key)).toEqual(everything.rows.map((r) => r.key));
    for (const p of pages) {
      expect(p.rows.length).toBeLessThanOrEqual(5);
      expect(p.totals).toEqual(everything.totals);
      expect(p.counts).toEqual(everything.counts);
    }
  });

  it("totals and counts are those of the rows the filter selects", async () => {
    const filtered = await walk("?status=increase,missing-line", 3);
    const selected = everything.rows.filter((r) => r.status === "increase" || r.status === "missing-line");
    expect(filtered.rows.map((r) => r.key)).toEqual(selected.map((r) => r.key));
    expect(filtered.pages[0]?.totals).toEqual(expectedTotals(selected));
    expect(filtered.pages[0]?.counts).toEqual({ increase: selected.filter((r) => r.status === "increase").length, "missing-line": 1 });
    expect(everything.totals).toEqual(expectedTotals(everything.rows));
  });

  it("filters by product, vendor integration and minimum money at stake", async () => {
    const product = await walk("?productKey=EDR-S1", 2);
    expect(product.rows.map((r) => r.key)).toEqual(everything.rows.filter((r) => r.productKey === "EDR-S1").map((r) => r.key));
    const integrationId = everything.rows.flatMap((r) => r.sources.map((s) => s.integrationId))[0] as string;
    const vendor = await walk(`?integrationId=${encodeURIComponent(integrationId)}`, 4);
    expect(vendor.rows.map((r) => r.key)).toEqual(everything.rows.filter((r) => r.sources.some((s) => s.integrationId === integrationId)).map((r) => r.key));
    const big = await walk("?minImpactMinor=6000", 4);
    const expected = everything.rows.filter((r) => r.monthlyImpactMinor !== null && Math.abs(r.monthlyImpactMinor) >= 6000);
    expect(big.rows.map((r) => r.key)).toEqual(expected.map((r) => r.key));
    expect(expected.length).toBeGreaterThan(2);
  });

  it.each([
    ["?limit=501", "query.limit"],
    ["?limit=0", "query.limit"],
    ["?cursor=not-a-cursor", "query.cursor"],
    ["?minImpactMinor=-5", "query.minImpactMinor"],
  ])("%s → 400 naming %s", async (query, field) => {
    const res = await call(`/api/v1/reconciliation${query}`, withKey(key));
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorJson).error.message.startsWith(field)).toBe(true);
  });
});

describe("freshness", () => {
  it("a backlog larger than a read settles goes to the queue, is reported, and the job clears it", async () => {
    const { tenantId } = (await env.DB.prepare("SELECT tenant_id AS tenantId FROM api_keys LIMIT 1").first<{ tenantId: string }>()) as { tenantId: string };
    // 150 companies' worth of dirty scopes (as a full sync of a large tenant leaves behind).
    const values = Array.from({ length: 150 }, (_, i) => `('${tenantId}', 'bulk-${i}', 1, 0)`).join(",");
    await env.DB.prepare(`INSERT INTO recon_scopes (tenant_id, scope, dirty_seq, computed_seq) VALUES ${values}`).run();
    const sent: JobMessage[] = [];
    vi.spyOn(env.JOBS, "send").mockImplementation(async (message) => {
      sent.push(message as JobMessage);
      return undefined as never;
    });
    const before = await page("?limit=10");
    expect(before.freshness.pendingScopes).toBe(150);
    expect(before.rows.length).toBe(10);
    expect(sent.map((m) => [m.kind, m.tenantId])).toEqual([["recon.recompute", tenantId]]);
    // The consumer takes a company-sized chunk and hands the rest on.
    await handleReconJob(sent[0] as JobMessage, env);
    expect(sent.length).toBe(2);
    await handleReconJob(sent[1] as JobMessage, env);
    const after = await page("?limit=10");
    expect(after.freshness.pendingScopes).toBe(0);
    vi.restoreAllMocks();
  });

  it("a pushed count shows in its row before the push's response returns, with a newer computedAt", async () => {
    const acme = (await (await call("/api/v1/agreements/demo_agr_acme/reconciliation", withKey(key))).json()) as ReconciliationPage;
    const bkp = acme.rows.find((r) => r.productKey === "BKP-SAAS") as ReconRow & { computedAt: string };
    const source = bkp.sources[0] as ReconRow["sources"][number];
    const account = await env.DB.prepare("SELECT external_id AS ext, name FROM vendor_accounts WHERE id = ?1").bind(source.accountId).first<{ ext: string; name: string }>();
    const service = await env.DB.prepare("SELECT external_id AS ext, name, integration_id AS integrationId FROM vendor_services WHERE id = ?1").bind(source.serviceId).first<{ ext: string; name: string; integrationId: string }>();
    const body = { integrationId: service?.integrationId, counts: [{ account: { id: account?.ext, name: account?.name }, service: { id: service?.ext, name: service?.name, category: "seat" }, quantity: "31" }] };
    const push = await call("/api/v1/usage", withKey(key, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }));
    expect(push.status).toBeLessThan(300);
    // Settled by the push itself, before any read.
    const stored = await env.DB.prepare("SELECT dirty_seq - computed_seq AS behind FROM recon_scopes WHERE scope = 'demo_co_acme'").first<{ behind: number }>();
    expect(stored?.behind).toBe(0);
    const persisted = await env.DB.prepare("SELECT body FROM recon_rows WHERE row_key = 'agr:demo_agr_acme:BKP-SAAS'").first<{ body: string }>();
    expect((JSON.parse(persisted?.body ?? "{}") as ReconRow).vendorQuantity).toBe("31");
    const after = (await (await call("/api/v1/agreements/demo_agr_acme/reconciliation", withKey(key))).json()) as ReconciliationPage;
    const row = after.rows.find((r) => r.productKey === "BKP-SAAS") as ReconRow & { computedAt: string };
    expect(row.vendorQuantity).toBe("31");
    expect(row.computedAt > bkp.computedAt).toBe(true);
  });
});
