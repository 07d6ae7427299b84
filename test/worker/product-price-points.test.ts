/**
 * The catalog estimate's aggregate (migration 0015): after any change to
 * lines or agreements, product_price_points holds exactly the billable lines'
 * distinct price points with their counts — the GROUP BY over agreement_lines
 * it replaces on the read path (issue 8: a recompute reads a few aggregate
 * rows, never every line of the product in the tenant).
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createTenant } from "./helpers/http.ts";

let tenantId: string;
const q = (sql: string, ...args: unknown[]) => env.DB.prepare(sql).bind(...args);

/** What the aggregate must equal: the lines themselves, grouped the way the triggers key them. */
async function fromLines() {
  const { results } = await q(
    `SELECT l.product_key, l.product_name, l.unit_price_minor, l.unit_cost_minor, coalesce(l.unit_price, '') AS unit_price, coalesce(l.unit_cost, '') AS unit_cost,
            l.currency, coalesce((SELECT billing_cycle FROM agreements WHERE id = l.agreement_id), '') AS billing_cycle,
            coalesce(substr(l.cancelled_date, 1, 10), '~') AS cancelled_day, count(*) AS lines
     FROM agreement_lines AS l WHERE l.tenant_id = ? AND l.bill_customer = 'Billable' GROUP BY 1, 2, 3, 4, 5, 6, 7, 8, 9 ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9`,
    tenantId,
  ).all();
  return results;
}

async function kept() {
  const { results } = await q(
    `SELECT product_key, product_name, unit_price_minor, unit_cost_minor, unit_price, unit_cost, currency, billing_cycle, cancelled_day, lines
     FROM product_price_points WHERE tenant_id = ? ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9`,
    tenantId,
  ).all();
  return results;
}

function line(id: string, agreementId: string, price: number, extra: { unitPrice?: string; bill?: string; cancelled?: string } = {}) {
  return q(
    `INSERT INTO agreement_lines (id, tenant_id, agreement_id, psa_id, product_key, product_name, quantity, unit_price_minor, unit_cost_minor, unit_price, currency, bill_customer, cancelled_date)
     VALUES (?, ?, ?, ?, 'BP', 'Business Premium', '10', ?, 1800, ?, 'USD', ?, ?)`,
    id, tenantId, agreementId, id, price, extra.unitPrice ?? null, extra.bill ?? "Billable", extra.cancelled ?? null,
  );
}

beforeAll(async () => {
  tenantId = (await createTenant("Price points MSP")).tenantId;
  await env.DB.batch([
    q("INSERT INTO psa_companies (id, tenant_id, psa, psa_id, name) VALUES ('pp_co', ?, 'connectwise', '1', 'Contoso')", tenantId),
    q("INSERT INTO agreements (id, tenant_id, company_id, psa, psa_id, name, type, status, billing_cycle, currency) VALUES ('pp_a1', ?, 'pp_co', 'connectwise', '1', 'A1', 'MSA', 'Active', 'monthly', 'USD')", tenantId),
    q("INSERT INTO agreements (id, tenant_id, company_id, psa, psa_id, name, type, status, billing_cycle, currency) VALUES ('pp_a2', ?, 'pp_co', 'connectwise', '2', 'A2', 'MSA', 'Active', 'annual', 'USD')", tenantId),
  ]);
});

describe("product_price_points", () => {
  it("follows inserts, price and billing changes, cancellations, moves, deletes and billing-cycle changes", async () => {
    const steps: Array<[string, D1PreparedStatement[]]> = [
      ["three lines at $26.00 on two agreements, one at $25.00, one not billable", [line("l1", "pp_a1", 2600), line("l2", "pp_a1", 2600), line("l3", "pp_a2", 2600), line("l4", "pp_a1", 2500), line("l5", "pp_a2", 2600, { bill: "NoCharge" })]],
      ["an exact price of $25.995", [line("l6", "pp_a2", 2600, { unitPrice: "25.995" })]],
      ["a price change", [q("UPDATE agreement_lines SET unit_price_minor = 2700 WHERE id = 'l2'")]],
      ["a full sync rewriting a line unchanged", [q("UPDATE agreement_lines SET quantity = '11', updated_at = 'x' WHERE id = 'l1'")]],
      ["becoming billable, and no longer", [q("UPDATE agreement_lines SET bill_customer = 'Billable' WHERE id = 'l5'"), q("UPDATE agreement_lines SET bill_customer = 'NoCharge' WHERE id = 'l4'")]],
      ["a cancel date, then another time of the same day", [q("UPDATE agreement_lines SET cancelled_date = '2026-12-15T00:00:00Z' WHERE id = 'l3'"), q("UPDATE agreement_lines SET cancelled_date = '2026-12-15T08:00:00Z' WHERE id = 'l3'")]],
      ["a line moved to the other agreement", [q("UPDATE agreement_lines SET agreement_id = 'pp_a2' WHERE id = 'l1'")]],
      ["an agreement's billing cycle changing", [q("UPDATE agreements SET billing_cycle = 'quarterly' WHERE id = 'pp_a2'")]],
      ["a line deleted", [q("DELETE FROM agreement_lines WHERE id = 'l6'")]],
    ];
    for (const [what, statements] of steps) {
      for (const s of statements) await s.run();
      expect(await kept(), what).toEqual(await fromLines());
    }
    // By hand: l1 (moved to A2, now quarterly) and l5 (billable now) at $26.00; l3 at $26.00 cancelled on
    // Dec 15; l2 at $27.00 monthly; l4 no longer billable; l6 deleted.
    expect((await kept()).map((r) => [r.unit_price_minor, r.billing_cycle, r.cancelled_day, r.lines])).toEqual([
      [2600, "quarterly", "2026-12-15", 1],
      [2600, "quarterly", "~", 2],
      [2700, "monthly", "~", 1],
    ]);
  });
});
