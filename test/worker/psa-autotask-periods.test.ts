/**
 * Issue 9 §2 "Autotask periods": a ContractServiceAdjustment takes effect on
 * its effectiveDate inside the contract's own billing periods —
 * ContractServiceUnits has one row per period of the contract (its
 * contractPeriodType, anchored at the contract's start day) split where an
 * adjustment takes effect (Autotask REST API, ContractServiceUnits and
 * ContractServiceAdjustments entities; reference §3.3). The write reads the
 * units of the period slice holding the effective date, and the decision
 * says the change is first billed in full at the next period start of the
 * contract — not the 1st of a calendar month.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { addDays, firstOfNextMonth } from "../../src/core/shared/dates.ts";
import type { DecisionResponse, DecisionView } from "../../src/shared/api-types.ts";
import type { AtSim } from "../sim/autotask/app.ts";
import { periodsOf } from "../sim/autotask/state.ts";
import { AT_ORIGIN, atConnectBody, getAs, installPsaHarness, type PsaHarness, postAs, sql } from "../fixtures/psa/harness.ts";
import { createTenant } from "./helpers/http.ts";

let h: PsaHarness;
let at: AtSim;
let tenant: { tenantId: string; apiKey: string };

// Quarterly from 15 Jan 2025 (periods 15 Jan–14 Apr, 15 Apr–14 Jul, …) and semi-annual from 20 Mar 2025 (20 Mar–19 Sep, 20 Sep–19 Mar).
const QUARTERLY = { id: 501, companyID: 501, contractName: "Quarterly from the 15th", contractType: 7, status: 1, startDate: "2025-01-15T00:00:00Z", endDate: "2030-12-31T00:00:00Z", contractPeriodType: 2 };
const SEMI = { id: 502, companyID: 502, contractName: "Semi-annual from the 20th", contractType: 7, status: 1, startDate: "2025-03-20T00:00:00Z", endDate: "2030-12-31T00:00:00Z", contractPeriodType: 3 };

beforeAll(async () => {
  h = installPsaHarness();
  at = h.autotask(AT_ORIGIN);
  at.state.services.set(7, { id: 7, name: "Managed Endpoint" });
  for (const c of [QUARTERLY, SEMI]) {
    at.state.companies.set(c.companyID, { id: c.companyID, companyName: c.contractName, companyNumber: null, companyType: 1 });
    at.state.contracts.set(c.id, c);
    at.state.addContractService({ id: c.id * 10, contractID: c.id, serviceID: 7, unitPrice: 30, unitCost: 12, units: 20 });
  }
  tenant = await createTenant("Autotask periods MSP");
  expect((await postAs(tenant.apiKey, "/api/v1/psa/autotask", atConnectBody())).status).toBe(201);
  await h.drain();
});
afterAll(() => {
  vi.restoreAllMocks();
});
beforeEach(() => {
  h.queued.length = 0;
  at.control.clear();
});

async function lineOf(contract: number) {
  const [row] = await sql<{ id: string; agreement_id: string; billing_cycle: string; start_date: string }>(
    "SELECT l.id, l.agreement_id, a.billing_cycle, a.start_date FROM agreement_lines l JOIN agreements a ON a.id = l.agreement_id WHERE a.tenant_id = ? AND a.psa_id = ?",
    tenant.tenantId,
    String(contract),
  );
  if (!row) throw new Error("no line");
  return row;
}

async function decide(body: Record<string, unknown>): Promise<DecisionView> {
  const res = await postAs(tenant.apiKey, "/api/v1/decisions", body);
  expect(res.status).toBe(202);
  return ((await res.json()) as DecisionResponse).decision;
}

/** The contract's period holding `day`, by the simulator's own (independent) period model. */
function periodHolding(contract: typeof QUARTERLY, dayIso: string): [string, string] {
  const [period] = periodsOf(contract, dayIso, addDays(dayIso, 1)).filter(([s, e]) => s <= dayIso && dayIso <= e);
  if (!period) throw new Error("no period");
  return period;
}

function unitsOn(contractServiceId: number, dayIso: string): number | undefined {
  const row = at.state.unitRows().find((r) => r.contractServiceID === contractServiceId && String(r.startDate).slice(0, 10) <= dayIso && dayIso <= String(r.endDate).slice(0, 10));
  return row?.units as number | undefined;
}

describe.each([
  ["quarterly", QUARTERLY],
  ["semi-annual", SEMI],
] as const)("a %s contract starting mid-month", (cycle, contract) => {
  it("syncs its period type and start day", async () => {
    const line = await lineOf(contract.id);
    expect(line).toMatchObject({ billing_cycle: cycle === "quarterly" ? "quarterly" : "semiannual", start_date: contract.startDate.slice(0, 10) });
  });

  it("writes the adjustment dated inside the contract's own period, from that period's units, first billed at the next period start", async () => {
    const line = await lineOf(contract.id);
    const date = addDays(firstOfNextMonth(new Date()), 2);
    const [, periodEnd] = periodHolding(contract, date);
    const first = await decide({ agreementId: line.agreement_id, lineId: line.id, action: "adjust", quantity: "23", effectiveDate: date });
    expect(first).toMatchObject({ writebackState: "pending", writeMode: "with-date", writeOn: null, effectiveDate: date, firstBilledOn: addDays(periodEnd, 1) });
    expect(first.firstBilledOn).not.toBe(firstOfNextMonth(new Date(`${date}T00:00:00Z`)));
    await h.drain();
    const mine = at.state.adjustments.filter((a) => a.contractID === contract.id);
    expect(mine.map((a) => ({ unitChange: a.unitChange, effectiveDate: a.effectiveDate }))).toEqual([{ unitChange: 3, effectiveDate: `${date}T00:00:00Z` }]);
    // Autotask splits the period at the date: before it the old units, from it to the period's end the new ones.
    expect(unitsOn(contract.id * 10, addDays(date, -1))).toBe(20);
    expect(unitsOn(contract.id * 10, date)).toBe(23);
    expect(unitsOn(contract.id * 10, periodEnd)).toBe(23);

    // A second change on the same date reads the slice that already holds 23: −5, not −3 or −8.
    const second = await decide({ agreementId: line.agreement_id, lineId: line.id, action: "adjust", quantity: "18", effectiveDate: date });
    await h.drain();
    expect(((await (await getAs(tenant.apiKey, `/api/v1/decisions/${second.id}`)).json()) as DecisionResponse).decision.writebackState).toBe("applied");
    expect(at.state.adjustments.filter((a) => a.contractID === contract.id).map((a) => a.unitChange)).toEqual([3, -5]);
    expect(unitsOn(contract.id * 10, date)).toBe(18);
  });
});
