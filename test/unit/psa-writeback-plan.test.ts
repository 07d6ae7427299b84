import { describe, expect, it } from "vitest";
import { classifyPsaStatus, describePsaError, parseRetryAfter, planAutotaskWrite, planConnectWiseAdd, planConnectWiseWrite } from "../../src/core/psa/writeback-plan.ts";

describe("ConnectWise plan", () => {
  it("does nothing when the PSA already holds the target (applied, then 500)", () => {
    expect(planConnectWiseWrite({ current: "44", target: "44.0", writeMode: "with-date", effectiveDate: "2026-12-01" })).toEqual({ kind: "noop" });
  });

  // ConnectWise API guide: an addition's quantity change applies at once; only an agreement with prorateFlag
  // takes (and prorates from) the addition's effectiveDate (reference §2.3, §7.1). The mode is write-timing.ts's.
  it("replaces /quantity, and the effective date only in with-date mode (a prorating agreement)", () => {
    const plain = { kind: "cw-patch", operations: [{ op: "replace", path: "/quantity", value: 44 }] };
    expect(planConnectWiseWrite({ current: "40", target: "44", writeMode: "now", effectiveDate: "2026-12-01" })).toEqual(plain);
    // A released scheduled decision is written on its day as a plain change: ConnectWise applies it at once.
    expect(planConnectWiseWrite({ current: "40", target: "44", writeMode: "scheduled", effectiveDate: "2027-01-15" })).toEqual(plain);
    expect(planConnectWiseWrite({ current: "40", target: "1843.27", writeMode: "with-date", effectiveDate: "2026-12-01" })).toEqual({
      kind: "cw-patch",
      operations: [
        { op: "replace", path: "/quantity", value: 1843.27 },
        { op: "replace", path: "/effectiveDate", value: "2026-12-01T00:00:00Z" },
      ],
    });
  });

  it("refuses a negative target", () => {
    expect(planConnectWiseWrite({ current: "4", target: "-1", writeMode: "now", effectiveDate: null }).kind).toBe("refuse");
  });
});

// Addition (ConnectWise REST 2025.8, reference §2.4): `product` and `billCustomer` are required; price and cost come from the catalog item.
describe("ConnectWise add (a missing line)", () => {
  const item = { id: 700, identifier: "EDR-S1", description: "SentinelOne Complete", price: 6.125, cost: 3.5 };
  it("posts the catalog product at the catalog's exact price, Billable; the date only in with-date mode", () => {
    expect(planConnectWiseAdd({ target: "12", writeMode: "now", effectiveDate: "2026-12-01", item, identifier: "EDR-S1" })).toEqual({
      kind: "cw-add",
      body: { product: { id: 700, identifier: "EDR-S1" }, quantity: 12, unitPrice: 6.125, unitCost: 3.5, billCustomer: "Billable", description: "SentinelOne Complete" },
    });
    const dated = planConnectWiseAdd({ target: "12", writeMode: "with-date", effectiveDate: "2026-12-15", item, identifier: "EDR-S1" });
    expect(dated.kind === "cw-add" && dated.body.effectiveDate).toBe("2026-12-15T00:00:00Z");
  });
  it("refuses a product the catalog lacks (saying what to do) and a quantity of 0", () => {
    expect(planConnectWiseAdd({ target: "3", writeMode: "now", effectiveDate: null, item: null, identifier: "X" })).toMatchObject({ kind: "refuse", reason: expect.stringContaining('no active product "X"') });
    expect(planConnectWiseAdd({ target: "0", writeMode: "now", effectiveDate: null, item, identifier: "EDR-S1" }).kind).toBe("refuse");
  });
});

describe("Autotask plan", () => {
  it.each([
    ["12", "15", { kind: "at-adjust", unitChange: 3, effectiveDate: "2026-12-01" }],
    ["15", "12", { kind: "at-adjust", unitChange: -3, effectiveDate: "2026-12-01" }],
    ["15", "15", { kind: "noop" }],
    ["11", "11.5", { kind: "refuse", reason: "Autotask units are whole numbers; cannot change 11 to 11.5." }],
  ])("%s → %s", (current, target, plan) => {
    expect(planAutotaskWrite({ current, target, effectiveDate: "2026-12-01" })).toEqual(plan);
  });
});

describe("failures", () => {
  it.each([
    [429, "throttled"],
    [500, "transient"],
    [502, "transient"],
    [503, "transient"],
    [408, "transient"],
    [0, "transient"],
    [400, "rejected"],
    [401, "rejected"],
    [403, "rejected"],
    [404, "rejected"],
    [409, "rejected"],
    [302, "rejected"],
  ])("HTTP %i is %s", (status, kind) => {
    expect(classifyPsaStatus(status)).toBe(kind);
  });

  it("reads Retry-After as seconds or an HTTP date", () => {
    const now = new Date("2026-11-22T10:00:00Z");
    expect(parseRetryAfter("30", now)).toBe(30);
    expect(parseRetryAfter("Sun, 22 Nov 2026 10:01:00 GMT", now)).toBe(60);
    expect(parseRetryAfter("Sun, 22 Nov 2026 09:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });

  it("quotes the PSA's own error text", () => {
    expect(describePsaError(400, { code: "InvalidObject", message: "Addition is locked", errors: [{ message: "quantity: locked" }] })).toBe("HTTP 400: Addition is locked; quantity: locked");
    expect(describePsaError(500, { errors: ["Object reference not set"] })).toBe("HTTP 500: Object reference not set");
    expect(describePsaError(502, null)).toBe("HTTP 502");
  });
});
