import { beforeAll, describe, expect, it } from "vitest";
import type { ReconciliationResponse, ReconRow } from "../../src/shared/api-types.ts";
import { RECON_STATUSES } from "../../src/shared/api-types.ts";
import { call, createTenant, type ErrorJson, withKey } from "./helpers/http.ts";
import { seedDemo } from "./helpers/seed.ts";

let key: string;
let all: ReconciliationResponse;

function row(agreementId: string | null, productKey: string): ReconRow {
  const found = all.rows.find((r) => r.agreementId === agreementId && r.productKey === productKey);
  if (!found) throw new Error(`no row ${agreementId} ${productKey}`);
  return found;
}

beforeAll(async () => {
  key = await seedDemo();
  const res = await call("/api/v1/reconciliation", withKey(key));
  expect(res.status).toBe(200);
  all = await res.json();
});

describe("GET /api/v1/reconciliation on the demo tenant", () => {
  it("returns rows of every status", () => {
    expect(new Set(all.rows.map((r) => r.status))).toEqual(new Set(RECON_STATUSES));
  });

  it.each([
    ["demo_agr_acme", "M365-BP", "match", "25", "25", "0", 0],
    ["demo_agr_acme", "EDR-S1", "match", "30", "30", "0", 0],
    ["demo_agr_acme", "BKP-SAAS", "increase", "25", "27", "2", 600],
    ["demo_agr_bright", "M365-BP", "increase", "40", "44", "4", 10400],
    ["demo_agr_bright", "EDR-S1", "decrease", "52", "49", "-3", -1800],
    ["demo_agr_cedar", "M365-E3", "decrease", "18", "15", "-3", -12600],
    ["demo_agr_iron", "AZURE-CONS", "increase", "1650", "1843.27", "193.27", 22226],
    ["demo_agr_juniper", "M365-E3", "increase", "10", "12", "2", 8400],
    ["demo_agr_lake", "EXO-P1", "increase", "40", "52", "12", 6000],
    ["demo_agr_delta", "EDR-S1", "missing-line", "0", "12", "12", 7200],
  ])("%s %s is %s (psa %s, vendor %s, variance %s, %i¢/month)", (agreementId, product, status, psa, vendor, variance, impact) => {
    const r = row(agreementId, product);
    expect(r.status).toBe(status);
    expect(r.psaQuantity).toBe(psa);
    expect(r.vendorQuantity).toBe(vendor);
    expect(r.variance).toBe(variance);
    expect(r.monthlyImpactMinor).toBe(impact);
    expect(r.currency).toBe("USD");
  });

  it("proposes the change on the largest of several lines of one product", () => {
    const r = row("demo_agr_lake", "EXO-P1");
    expect(r.lines.map((l) => l.lineId).sort()).toEqual(["demo_line_lake_1", "demo_line_lake_2"]);
    expect(r.targetLineId).toBe("demo_line_lake_1");
    expect(r.proposal).toMatchObject({ targetLineId: "demo_line_lake_1", fromQuantity: "30", toQuantity: "42", prorationMinor: null });
    expect(r.sources).toHaveLength(2);
    expect(r.proposal?.effectiveDate).toMatch(/^\d{4}-\d{2}-01$/);
  });

  it("prices a missing line from the product's other lines and says so", () => {
    const r = row("demo_agr_delta", "EDR-S1");
    expect(r.priceSource).toBe("catalog-estimate");
    expect(r.unitPriceMinor).toBe(600);
    expect(r.proposal).toMatchObject({ targetLineId: null, fromQuantity: "0", toQuantity: "12" });
  });

  it("flags stale, suspect, no-usage and flat-rate rows without proposals", () => {
    expect(row("demo_agr_fox", "BKP-SIRIS").status).toBe("stale");
    expect(row("demo_agr_granite", "AZURE-CONS").status).toBe("suspect");
    expect(row("demo_agr_harbor", "AZURE-CONS").status).toBe("suspect");
    expect(row("demo_agr_ever", "FW-MGMT").status).toBe("no-usage");
    expect(row("demo_agr_key", "M365-BP")).toMatchObject({ status: "flat-rate", variance: "2", proposal: null });
    for (const status of ["stale", "suspect", "no-usage", "flat-rate", "match"]) {
      for (const r of all.rows.filter((x) => x.status === status)) expect(r.proposal).toBeNull();
    }
  });

  it("ignores cancelled agreements", () => {
    expect(all.rows.some((r) => r.agreementId === "demo_agr_granite-old")).toBe(false);
  });

  it("surfaces unmapped usage instead of dropping it", () => {
    const unmappedAccount = all.rows.filter((r) => r.status === "unmapped-account");
    expect(unmappedAccount).toHaveLength(1);
    expect(unmappedAccount[0]).toMatchObject({ companyId: null, agreementId: null, vendorQuantity: "8" });
    expect(unmappedAccount[0]?.sources[0]?.accountName).toBe("Newco Holdings LLC");
    const unmappedService = all.rows.filter((r) => r.status === "unmapped-service");
    expect(unmappedService).toHaveLength(1);
    expect(unmappedService[0]).toMatchObject({ companyId: "demo_co_acme", vendorQuantity: "5" });
  });

  it("totals under- and over-billing per month", () => {
    expect(all.totals).toEqual([{ currency: "USD", underBilledMonthlyMinor: 62626, overBilledMonthlyMinor: 14400 }]);
  });
});

describe("filters", () => {
  it("filters by several statuses", async () => {
    const res = await call("/api/v1/reconciliation?status=increase,decrease", withKey(key));
    const body = (await res.json()) as ReconciliationResponse;
    expect(body.rows.length).toBe(all.rows.filter((r) => r.status === "increase" || r.status === "decrease").length);
    expect(new Set(body.rows.map((r) => r.status))).toEqual(new Set(["increase", "decrease"]));
  });

  it("filters by company and agreement", async () => {
    const byCompany = (await (await call("/api/v1/reconciliation?companyId=demo_co_acme", withKey(key))).json()) as ReconciliationResponse;
    expect(byCompany.rows.length).toBe(4);
    expect(byCompany.rows.every((r) => r.companyId === "demo_co_acme")).toBe(true);
    const byAgreement = (await (await call("/api/v1/reconciliation?agreementId=demo_agr_bright", withKey(key))).json()) as ReconciliationResponse;
    expect(byAgreement.rows.map((r) => r.productKey).sort()).toEqual(["EDR-S1", "M365-BP"]);
  });

  it("rejects an unknown status naming the parameter", async () => {
    const res = await call("/api/v1/reconciliation?status=increase,bogus", withKey(key));
    expect(res.status).toBe(400);
    const body = (await res.json()) as ErrorJson;
    expect(body.error.code).toBe("validation_failed");
    expect(body.error.message).toMatch(/^query\.status/);
  });
});

describe("GET /api/v1/agreements/:agreementId/reconciliation", () => {
  it("returns the agreement's rows plus its company's unassigned rows", async () => {
    const res = await call("/api/v1/agreements/demo_agr_acme/reconciliation", withKey(key));
    expect(res.status).toBe(200);
    const body = (await res.json()) as ReconciliationResponse & { agreement: { id: string } };
    expect(body.agreement.id).toBe("demo_agr_acme");
    expect(body.rows.map((r) => r.status).sort()).toEqual(["increase", "match", "match", "unmapped-service"]);
  });

  it("answers 404 for an unknown agreement and for another tenant's agreement", async () => {
    expect((await call("/api/v1/agreements/nope/reconciliation", withKey(key))).status).toBe(404);
    const other = await createTenant("Other MSP");
    const res = await call("/api/v1/agreements/demo_agr_acme/reconciliation", withKey(other.apiKey));
    expect(res.status).toBe(404);
    expect(((await res.json()) as ErrorJson).error.message).toBe("Agreement not found");
    const list = (await (await call("/api/v1/reconciliation", withKey(other.apiKey))).json()) as ReconciliationResponse;
    expect(list.rows).toEqual([]);
  });
});
