import { describe, expect, it } from "vitest";
import { mapAtContract, mapAtContractService, unitsOn } from "../../src/core/psa/at-map.ts";
import type { AtContractServiceUnit } from "../../src/core/psa/at-records.ts";
import { mapCwAdditions, mapCwAgreement } from "../../src/core/psa/cw-map.ts";
import { type CwAddition, type CwAgreement, cwAgreementSchema } from "../../src/core/psa/cw-records.ts";
import { mapBillingCycleName, toMinorUnits } from "../../src/core/psa/psa-numbers.ts";

function agreement(overrides: Partial<CwAgreement> = {}): CwAgreement {
  return cwAgreementSchema.parse({
    id: 4101,
    name: "Brightline — Cloud & Security",
    type: { id: 1, name: "Managed Services" },
    company: { id: 19301, identifier: "BRIGHT", name: "Brightline Logistics" },
    agreementStatus: "Active",
    cancelledFlag: false,
    billingCycle: { id: 1, name: "Monthly" },
    startDate: "2025-01-01T00:00:00Z",
    noEndingDateFlag: true,
    endDate: "2029-01-01T00:00:00Z",
    prorateFlag: true,
    currency: { id: 1, currencyCode: "CAD" },
    _info: { lastUpdated: "2026-11-01T10:00:00Z" },
    ...overrides,
  });
}

function addition(id: number, overrides: Partial<CwAddition> = {}): CwAddition {
  return { id, product: { id: 1, identifier: "M365-BP", description: "Microsoft 365 Business Premium" }, quantity: 40, lessIncluded: 0, unitPrice: 26, unitCost: 22, billCustomer: "Billable", effectiveDate: "2025-01-01T00:00:00Z", cancelledDate: null, ...overrides };
}

describe("ConnectWise agreements", () => {
  it("maps the fields the engine reads", () => {
    expect(mapCwAgreement(agreement())).toEqual({
      psaId: "4101",
      company: { psaId: "19301", name: "Brightline Logistics", identifier: "BRIGHT" },
      name: "Brightline — Cloud & Security",
      type: "Managed Services",
      status: "Active",
      billingCycle: "monthly",
      startDate: "2025-01-01",
      endDate: null,
      cancelled: false,
      flatRate: false,
      currency: "CAD",
      allowsEffectiveDate: true,
      psaLastUpdated: "2026-11-01T10:00:00Z",
      recurringActive: true,
    });
  });

  it.each([
    [{ cancelledFlag: true, agreementStatus: "Cancelled" }, false],
    [{ agreementStatus: "Inactive" }, false],
    [{ billingCycle: { id: 5, name: "None" } }, false],
    [{ billingCycle: null }, false],
    [{ agreementStatus: null }, true],
  ])("%j → recurring active %s", (overrides, expected) => {
    expect(mapCwAgreement(agreement(overrides as Partial<CwAgreement>)).recurringActive).toBe(expected);
  });

  it.each([
    ["All-Inclusive", true],
    ["Flat Rate Managed", true],
    ["All Inclusive Plus", true],
    ["Managed Services", false],
  ])("type %s → flat-rate %s", (name, flat) => {
    expect(mapCwAgreement(agreement({ type: { id: 2, name } })).flatRate).toBe(flat);
  });
});

describe("ConnectWise additions", () => {
  it("keeps billable additions, skips the rest, and rejects numbers it cannot read instead of storing 0", () => {
    const mapped = mapCwAdditions([
      addition(1),
      addition(2, { billCustomer: "DoNotBill" }),
      addition(3, { quantity: Number.NaN }),
      addition(4, { quantity: 1843.27, unitPrice: 1.15, unitCost: 1 }),
      addition(5, { unitPrice: 26.005 }),
    ]);
    expect(mapped.lines.map((l) => [l.psaId, l.quantity, l.unitPriceMinor])).toEqual([
      ["1", "40", 2600],
      ["4", "1843.27", 115],
      ["5", "40", 2601],
    ]);
    expect(mapped.skipped).toBe(1);
    expect(mapped.rejected).toEqual([{ psaId: "3", reason: "quantity: Not a finite number: NaN" }]);
  });
});

describe("Autotask", () => {
  const fields = { fields: [{ name: "contractPeriodType", picklistValues: [{ value: "1", label: "Monthly" }, { value: "4", label: "Yearly" }] }] };

  it("reads the billing cycle from the picklist label and counts only active recurring contracts", () => {
    const base = { id: 7, companyID: 1, contractName: "Recurring", contractType: 7, status: 1, startDate: "2025-01-01T00:00:00Z", endDate: "2030-01-01T00:00:00Z", contractPeriodType: 4 };
    const company = { psaId: "1", name: "Acme", identifier: null };
    expect(mapAtContract(base, company, fields, "USD")).toMatchObject({ billingCycle: "annual", recurringActive: true, status: "Active" });
    expect(mapAtContract({ ...base, status: 0 }, company, fields, "USD").recurringActive).toBe(false);
    expect(mapAtContract({ ...base, contractType: 6 }, company, fields, "USD").recurringActive).toBe(false);
    expect(mapAtContract({ ...base, contractPeriodType: 99 }, company, fields, "USD")).toMatchObject({ billingCycle: "none", recurringActive: false });
  });

  it("takes the units of the period holding the day (the latest split wins)", () => {
    const units: AtContractServiceUnit[] = [
      { id: 1, contractID: 7, contractServiceID: 70, serviceID: 5, startDate: "2026-11-01T00:00:00Z", endDate: "2026-11-30T00:00:00Z", units: 10 },
      { id: 2, contractID: 7, contractServiceID: 70, serviceID: 5, startDate: "2026-11-15T00:00:00Z", endDate: "2026-11-30T00:00:00Z", units: 12 },
      { id: 3, contractID: 7, contractServiceID: 71, serviceID: 6, startDate: "2026-11-01T00:00:00Z", endDate: "2026-11-30T00:00:00Z", units: 99 },
      { id: 4, contractID: 7, contractServiceID: 70, serviceID: 5, startDate: "2026-12-01T00:00:00Z", endDate: "2026-12-31T00:00:00Z", units: 14 },
    ];
    expect(unitsOn(units, 70, 5, "2026-11-10")?.units).toBe(10);
    expect(unitsOn(units, 70, 5, "2026-11-20")?.units).toBe(12);
    expect(unitsOn(units, 70, 5, "2026-12-01")?.units).toBe(14);
    expect(unitsOn(units, 70, 5, "2027-01-01")).toBeNull();
  });

  it("prices a contract service at its adjusted price and reads 0 units when no period exists", () => {
    const cs = { id: 70, contractID: 7, serviceID: 5, unitPrice: 26, unitCost: 22, adjustedPrice: 24.5, invoiceDescription: null };
    const line = mapAtContractService(cs, { id: 5, name: "BP" }, null);
    expect(line).toEqual({ ok: true, value: expect.objectContaining({ psaId: "70", productKey: "5", productName: "BP", quantity: "0", unitPriceMinor: 2450, unitCostMinor: 2200 }) });
  });
});

describe("numbers and cycles", () => {
  it.each([
    [26, 2600],
    [0.015, 2],
    [-0.015, -2],
    ["12.5", 1250],
  ])("%j → %i minor units", (value, minor) => {
    expect(toMinorUnits(value, "price")).toEqual({ ok: true, value: minor });
  });

  it("never coerces garbage to 0", () => {
    expect(toMinorUnits("abc", "price").ok).toBe(false);
    expect(toMinorUnits(undefined, "price").ok).toBe(false);
    expect(toMinorUnits(undefined, "price", 0)).toEqual({ ok: true, value: 0 });
  });

  it.each([
    ["Monthly", "monthly"],
    ["Quarterly", "quarterly"],
    ["Semi-Annual", "semiannual"],
    ["Semi Annually", "semiannual"],
    ["Yearly", "annual"],
    ["Annual", "annual"],
    ["None", "none"],
    [null, "none"],
  ])("%s → %s", (name, cycle) => {
    expect(mapBillingCycleName(name)).toBe(cycle);
  });
});
