import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client.ts";
import { periodMinus, periodOf, snapshotCurrentMonth } from "../../src/services/workspace/summary.ts";
import type { ReconciliationPage } from "../../src/shared/api-types.ts";
import type { ReconSummaryResponse } from "../../src/shared/workspace-types.ts";
import { call, createTenant, withKey } from "./helpers/http.ts";
import { seedDemo } from "./helpers/seed.ts";

let key: string;
const now = new Date();
const current = periodOf(now);

async function summary(k = key): Promise<ReconSummaryResponse> {
  const res = await call("/api/v1/reconciliation/summary", withKey(k));
  expect(res.status).toBe(200);
  return res.json();
}

async function decision(id: string, action: string, oldQ: string | null, newQ: string | null, state: string, at: string): Promise<void> {
  await env.DB.prepare(
    `INSERT INTO decisions (id, tenant_id, agreement_id, line_id, product_key, action, actor, old_quantity, new_quantity, writeback_state, created_at, updated_at)
     SELECT ?1, 'tnt_demo', 'demo_agr_bright', 'demo_line_bright_1', product_key, ?2, 'user:x@y.test', ?3, ?4, ?5, ?6, ?6 FROM agreement_lines WHERE id = 'demo_line_bright_1'`,
  )
    .bind(id, action, oldQ, newQ, state, at)
    .run();
}

beforeAll(async () => {
  key = await seedDemo();
});

describe("GET /api/v1/reconciliation/summary", () => {
  it("shows this month live, equal to the board's totals, and earlier months from the snapshots (demo ones labelled)", async () => {
    await env.DB.prepare(
      "INSERT INTO recon_month_totals (tenant_id, period, currency, integration_id, under_minor, over_minor, demo, updated_at) VALUES ('tnt_demo', ?1, 'USD', '', 1000, 200, 1, 'x'), ('tnt_demo', ?2, 'USD', '', 9, 9, 0, 'x')",
    )
      .bind(periodMinus(current, 2), periodMinus(current, 12))
      .run();
    const board = (await (await call("/api/v1/reconciliation?limit=1", withKey(key))).json()) as ReconciliationPage;
    const s = await summary();
    expect(s.byMonth).toEqual([
      { period: periodMinus(current, 2), currency: "USD", underBilledMinor: 1000, overBilledMinor: 200, demo: true },
      ...board.totals.map((t) => ({ period: current, currency: t.currency, underBilledMinor: t.underBilledMonthlyMinor, overBilledMinor: t.overBilledMonthlyMinor, demo: false })),
    ]);
    expect(s.byVendor.length).toBeGreaterThan(0);
    expect(s.byVendor.every((v) => v.name.length > 0 && v.underBilledMinor >= 0)).toBe(true);
  });

  it("counts applied increases decided this month as recovered, and this month's dismissals", async () => {
    const price = (await env.DB.prepare("SELECT unit_price_minor AS p FROM agreement_lines WHERE id = 'demo_line_bright_1'").first<{ p: number }>())!.p;
    const thisMonth = now.toISOString();
    const lastMonth = `${periodMinus(current, 1)}-15T00:00:00.000Z`;
    await decision("d1", "approve", "40", "44", "applied", thisMonth);
    await decision("d2", "adjust", "44", "45", "applied", thisMonth);
    await decision("d3", "approve", "45", "50", "failed", thisMonth); // not applied
    await decision("d4", "approve", "50", "48", "applied", thisMonth); // a decrease recovers nothing
    await decision("d5", "approve", "30", "40", "applied", lastMonth); // another month
    await decision("d6", "dismiss", null, null, "not-required", thisMonth);
    const s = await summary();
    expect(s.recovered).toEqual([{ currency: "USD", minor: 5 * price }]);
    expect(s.dismissed).toBe(1);
  });

  it("is tenant-scoped", async () => {
    const other = await createTenant("Summary Other");
    expect(await summary(other.apiKey)).toEqual({ byMonth: [], byVendor: [], recovered: [], dismissed: 0 });
  });
});

describe("the quarter-hour snapshot", () => {
  it("writes this period's totals (tenant-wide and per vendor) and replaces them on the next run", async () => {
    const db = createDb(env.DB);
    await snapshotCurrentMonth(db, now);
    await snapshotCurrentMonth(db, now);
    const rows = await env.DB.prepare("SELECT currency, integration_id AS i, under_minor AS u, over_minor AS o, demo FROM recon_month_totals WHERE tenant_id = 'tnt_demo' AND period = ?")
      .bind(current)
      .all<{ currency: string; i: string; u: number; o: number; demo: number }>();
    const board = (await (await call("/api/v1/reconciliation?limit=1", withKey(key))).json()) as ReconciliationPage;
    expect(rows.results.filter((r) => r.i === "").map((r) => ({ currency: r.currency, underBilledMonthlyMinor: r.u, overBilledMonthlyMinor: r.o }))).toEqual(board.totals);
    expect(rows.results.filter((r) => r.i !== "").length).toBeGreaterThan(0);
    expect(rows.results.every((r) => r.demo === 0)).toBe(true);
  });

  it("periodMinus crosses years", () => {
    expect([periodMinus("2026-01", 1), periodMinus("2026-03", 14), periodMinus("2026-12", 0)]).toEqual(["2025-12", "2025-01", "2026-12"]);
  });
});
