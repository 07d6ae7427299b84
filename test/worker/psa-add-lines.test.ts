/**
 * Issue 9 §2 "Missing lines can be added": approving a missing-line row
 * creates the line in the PSA.
 * - ConnectWise: `POST /finance/agreements/{id}/additions` with the catalog
 *   product (Addition: `product` and `billCustomer` are required; ConnectWise
 *   REST API 2025.8, reference §2.4), quantity, the catalog's price and cost
 *   (`GET /procurement/catalog?conditions=identifier="X"`), billCustomer
 *   Billable; the effective date only where the agreement prorates.
 * - Autotask: a ContractServiceAdjustment with contractID, serviceID and
 *   unitChange; "creating one auto-creates the ContractService if missing",
 *   priced from the Service (ContractServiceAdjustments entity, §3.3).
 * Where it cannot (no such product), the decision is a 409 with the reason.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { demoConnectWiseData } from "../../src/db/seed/demo-psa.ts";
import type { DecisionResponse, DecisionView } from "../../src/shared/api-types.ts";
import type { AtSim } from "../sim/autotask/app.ts";
import type { CwSim } from "../sim/connectwise/app.ts";
import { seedDemo } from "../sim/connectwise/datasets.ts";
import { AT_ORIGIN, atConnectBody, CW_ORIGIN, cwConnectBody, getAs, installPsaHarness, type PsaHarness, postAs, seedDemoForSync, sql } from "../fixtures/psa/harness.ts";
import { createTenant } from "./helpers/http.ts";

let h: PsaHarness;
let cw: CwSim;
let at: AtSim;
let key: string;
let atTenant: { tenantId: string; apiKey: string };

beforeAll(async () => {
  h = installPsaHarness();
  cw = h.connectWise(CW_ORIGIN);
  seedDemo(cw.state, demoConnectWiseData(new Date()));
  key = await seedDemoForSync();
  expect((await postAs(key, "/api/v1/psa/connectwise", cwConnectBody())).status).toBe(201);
  at = h.autotask(AT_ORIGIN);
  at.state.services.set(5, { id: 5, name: "Microsoft 365 Business Premium", unitPrice: 26, unitCost: 22 });
  at.state.services.set(8, { id: 8, name: "Managed Backup", unitPrice: 4.75, unitCost: 2.1 });
  at.state.companies.set(1, { id: 1, companyName: "Customer 1", companyNumber: "C1", companyType: 1 });
  at.state.contracts.set(1, { id: 1, companyID: 1, contractName: "Recurring 1", contractType: 7, status: 1, startDate: "2025-01-01T00:00:00Z", endDate: "2030-12-31T00:00:00Z", contractPeriodType: 1 });
  at.state.addContractService({ id: 10, contractID: 1, serviceID: 5, unitPrice: 26, unitCost: 22, units: 10 });
  atTenant = await createTenant("Autotask adds MSP");
  expect((await postAs(atTenant.apiKey, "/api/v1/psa/autotask", atConnectBody())).status).toBe(201);
  await h.drain();
});
afterAll(() => {
  vi.restoreAllMocks();
});
beforeEach(() => {
  h.queued.length = 0;
  cw.control.clear();
  at.control.clear();
});

async function cwAgreement(name: string): Promise<{ id: string; psaId: number }> {
  const [row] = await sql<{ id: string; psa_id: string }>("SELECT id, psa_id FROM agreements WHERE tenant_id = 'tnt_demo' AND psa = 'connectwise' AND name LIKE ?", `${name}%`);
  if (!row) throw new Error(`no agreement ${name}`);
  return { id: row.id, psaId: Number(row.psa_id) };
}

async function view(apiKey: string, id: string): Promise<DecisionView> {
  return ((await (await getAs(apiKey, `/api/v1/decisions/${id}`)).json()) as DecisionResponse).decision;
}

describe("ConnectWise: approving a missing line adds it", () => {
  it("POSTs an addition with the catalog product, quantity, price and cost, Billable; once, even when ConnectWise answers 500 after creating it", async () => {
    const delta = await cwAgreement("Delta");
    expect(cw.state.additionsOf(delta.psaId).map((a) => a.product.identifier)).toEqual(["M365-BP"]);
    cw.control.addFault({ method: "POST", path: `/finance/agreements/${delta.psaId}/additions`, status: 500, when: "after" });
    const res = await postAs(key, "/api/v1/decisions", { agreementId: delta.id, productKey: "EDR-S1", action: "approve" });
    expect(res.status).toBe(202);
    const { decision } = (await res.json()) as DecisionResponse;
    expect(decision).toMatchObject({ lineId: null, productKey: "EDR-S1", newQuantity: "12", writebackState: "pending", writeMode: "now" });
    await h.drain();
    const added = cw.state.additionsOf(delta.psaId).filter((a) => a.product.identifier === "EDR-S1");
    expect(added).toHaveLength(1);
    const catalog = [...cw.state.catalog.values()].find((c) => c.identifier === "EDR-S1");
    expect(added[0]).toMatchObject({ quantity: 12, unitPrice: catalog?.price, unitCost: catalog?.cost, billCustomer: "Billable", product: { id: catalog?.id, identifier: "EDR-S1" } });
    // Written "now": no effective date sent, so ConnectWise starts it today.
    expect(added[0]?.effectiveDate.slice(0, 10)).toBe(new Date().toISOString().slice(0, 10));
    expect(await view(key, decision.id)).toMatchObject({ writebackState: "applied", oldQuantity: "0", newQuantity: "12" });
    const attempts = await sql<{ outcome: string }>("SELECT outcome FROM psa_writeback_attempts WHERE decision_id = ? ORDER BY attempt", decision.id);
    expect(attempts.map((a) => a.outcome)).toEqual(["uncertain", "already-applied"]);
    const [line] = await sql<{ quantity: string }>("SELECT quantity FROM agreement_lines WHERE agreement_id = ? AND product_key = 'EDR-S1'", delta.id);
    expect(line?.quantity).toBe("12");
  });

  it("a product ConnectWise's catalog doesn't have is a 409 with the reason, and nothing is recorded or written", async () => {
    const acme = await cwAgreement("Acme");
    const before = await sql<{ n: number }>("SELECT count(*) AS n FROM decisions WHERE tenant_id = 'tnt_demo'");
    const res = await postAs(key, "/api/v1/decisions", { agreementId: acme.id, productKey: "NOT-IN-CATALOG", action: "adjust", quantity: "3" });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('ConnectWise\'s product catalog has no active product "NOT-IN-CATALOG"');
    expect(await sql<{ n: number }>("SELECT count(*) AS n FROM decisions WHERE tenant_id = 'tnt_demo'")).toEqual(before);
    expect(h.queued).toEqual([]);
  });

  it("a new line needs a quantity above 0", async () => {
    const acme = await cwAgreement("Acme");
    const res = await postAs(key, "/api/v1/decisions", { agreementId: acme.id, productKey: "FW-MGMT", action: "adjust", quantity: "0" });
    expect(res.status).toBe(400);
  });
});

describe("Autotask: adding a service with a ContractServiceAdjustment", () => {
  it("creates the contract service (priced from the Service) with the units, effective the decision's date", async () => {
    const [agreement] = await sql<{ id: string }>("SELECT id FROM agreements WHERE tenant_id = ? AND psa_id = '1'", atTenant.tenantId);
    const res = await postAs(atTenant.apiKey, "/api/v1/decisions", { agreementId: agreement?.id, productKey: "8", action: "adjust", quantity: "7" });
    expect(res.status).toBe(202);
    const { decision } = (await res.json()) as DecisionResponse;
    await h.drain();
    const created = [...at.state.contractServices.values()].find((cs) => cs.contractID === 1 && cs.serviceID === 8);
    expect(created).toMatchObject({ unitPrice: 4.75, unitCost: 2.1 });
    expect(at.state.adjustments.filter((a) => a.serviceID === 8).map((a) => ({ unitChange: a.unitChange, effectiveDate: a.effectiveDate.slice(0, 10) }))).toEqual([{ unitChange: 7, effectiveDate: decision.effectiveDate }]);
    expect(await view(atTenant.apiKey, decision.id)).toMatchObject({ writebackState: "applied", newQuantity: "7" });
  });

  it("a service Autotask doesn't have is a 409", async () => {
    const [agreement] = await sql<{ id: string }>("SELECT id FROM agreements WHERE tenant_id = ? AND psa_id = '1'", atTenant.tenantId);
    const res = await postAs(atTenant.apiKey, "/api/v1/decisions", { agreementId: agreement?.id, productKey: "999", action: "adjust", quantity: "2" });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe("Autotask has no active service 999, so the line cannot be added");
  });
});
