/**
 * Dismiss means dismissed (issue 9 §2): a dismissed row keeps its status but
 * leaves the money totals (counted apart as `dismissed`), says who dismissed
 * it and why, can be undone, and comes back when the vendor count changes.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { ReconciliationPage, ReconRow } from "../../src/shared/api-types.ts";
import { call, withKey } from "./helpers/http.ts";
import { seedDemo } from "./helpers/seed.ts";

let key: string;

async function bright(): Promise<{ body: ReconciliationPage; row: ReconRow }> {
  const body = (await (await call("/api/v1/agreements/demo_agr_bright/reconciliation", withKey(key))).json()) as ReconciliationPage;
  return { body, row: body.rows.find((r) => r.productKey === "M365-BP") as ReconRow };
}

async function decide(body: Record<string, unknown>): Promise<{ id: string }> {
  const res = await call("/api/v1/decisions", withKey(key, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }));
  expect(res.status).toBe(202);
  return ((await res.json()) as { decision: { id: string } }).decision;
}

/** The Pax8 pull's effect: a newer count of Bright's M365 seats lands in usage_counts. */
async function pullBrightSeats(quantity: string): Promise<void> {
  const source = (await bright()).row.sources[0] as ReconRow["sources"][number];
  await env.DB.prepare("UPDATE usage_counts SET quantity = ?1, observed_at = ?2 WHERE account_id = ?3 AND service_id = ?4 AND period = ?5")
    .bind(quantity, new Date().toISOString(), source.accountId, source.serviceId, source.period)
    .run();
}

beforeAll(async () => {
  key = await seedDemo();
});

describe("dismissing a row", () => {
  it("takes it out of the totals until undone, keeping its status, who and why", async () => {
    const before = await bright();
    expect(before.row).toMatchObject({ status: "increase", variance: "4", monthlyImpactMinor: 10400, dismissed: null });
    const under = before.body.totals[0]?.underBilledMonthlyMinor ?? 0;
    const tenantBefore = (await (await call("/api/v1/reconciliation?limit=1", withKey(key))).json()) as ReconciliationPage;

    const dismissal = await decide({ agreementId: "demo_agr_bright", productKey: "M365-BP", action: "dismiss", note: "Four seats are the customer's own test accounts" });
    const after = await bright();
    expect(after.row.status).toBe("increase");
    expect(after.row.dismissed).toMatchObject({ decisionId: dismissal.id, reason: "Four seats are the customer's own test accounts" });
    expect(after.row.dismissed?.by).toMatch(/^api-key:/);
    expect(after.body.dismissed).toBe(1);
    expect(after.body.totals[0]?.underBilledMonthlyMinor ?? 0).toBe(under - 10400);
    const tenantAfter = (await (await call("/api/v1/reconciliation?limit=1", withKey(key))).json()) as ReconciliationPage;
    expect(tenantAfter.totals[0]?.underBilledMonthlyMinor).toBe((tenantBefore.totals[0]?.underBilledMonthlyMinor ?? 0) - 10400);
    expect(tenantAfter.dismissed).toBe(tenantBefore.dismissed + 1);

    await decide({ agreementId: "demo_agr_bright", action: "revert", revertsDecisionId: dismissal.id });
    const undone = await bright();
    expect(undone.row.dismissed).toBeNull();
    expect(undone.body.totals[0]?.underBilledMonthlyMinor).toBe(under);
    // Undoing a dismissal writes nothing to the PSA.
    const writes = await env.DB.prepare("SELECT writeback_state AS s FROM decisions WHERE reverts_decision_id = ?1").bind(dismissal.id).first<{ s: string }>();
    expect(writes?.s).toBe("not-required");
  });

  it("comes back when the vendor count changes", async () => {
    await decide({ agreementId: "demo_agr_bright", productKey: "M365-BP", action: "dismiss", note: "Checked with the customer" });
    expect((await bright()).row.dismissed).not.toBeNull();
    await pullBrightSeats("46");
    const back = await bright();
    expect(back.row).toMatchObject({ vendorQuantity: "46", variance: "6", dismissed: null, status: "increase" });
  });
});
