import { describe, expect, it } from "vitest";
import type { ReconRow } from "../../../src/core/reconcile/types.ts";
import {
  account,
  accountMapping,
  agreement,
  company,
  count,
  line,
  rowOf,
  run,
  service,
  serviceMapping,
} from "./fixtures.ts";

function summary(row: ReconRow) {
  return { key: row.key, status: row.status, psa: row.psaQuantity, vendor: row.vendorQuantity, variance: row.variance };
}

describe("service and account mapping", () => {
  it("sums several services mapped to one product", () => {
    const row = rowOf(
      run({
        services: [service("s1"), service("s2")],
        serviceMappings: [serviceMapping("s1", "P1"), serviceMapping("s2", "P1")],
        counts: [count({ serviceId: "s1", quantity: "6" }), count({ serviceId: "s2", quantity: "5" })],
      }),
      "agr:a1:P1",
    );
    expect(summary(row)).toEqual({ key: "agr:a1:P1", status: "increase", psa: "10", vendor: "11", variance: "1" });
    expect(row.sources.map((s) => s.serviceId)).toEqual(["s1", "s2"]);
  });

  it("feeds one service to every product it maps to", () => {
    const rows = run({
      lines: [line(), line({ id: "L2", productKey: "P2", productName: "Defender", quantity: "3" })],
      serviceMappings: [serviceMapping("s1", "P1"), serviceMapping("s1", "P2")],
    });
    expect(rows.map(summary)).toEqual([
      { key: "agr:a1:P2", status: "increase", psa: "3", vendor: "10", variance: "7" },
      { key: "agr:a1:P1", status: "match", psa: "10", vendor: "10", variance: "0" },
    ]);
  });

  it("sums several accounts of one company", () => {
    const row = rowOf(
      run({
        accounts: [account("acc1"), account("acc2", "Acme EU")],
        accountMappings: [accountMapping("acc1"), accountMapping("acc2")],
        counts: [count({ accountId: "acc1", quantity: "4" }), count({ accountId: "acc2", quantity: "9" })],
      }),
      "agr:a1:P1",
    );
    expect(summary(row)).toEqual({ key: "agr:a1:P1", status: "increase", psa: "10", vendor: "13", variance: "3" });
    expect(row.sources.map((s) => [s.accountId, s.accountName, s.quantity])).toEqual([
      ["acc1", "Acme Tenant", "4"],
      ["acc2", "Acme EU", "9"],
    ]);
  });

  it("reports an unmapped account per (account, service), winning over an unmapped service", () => {
    const rows = run({
      lines: [],
      services: [service("s1"), service("s2")],
      accountMappings: [],
      counts: [count({ serviceId: "s1", quantity: "3" }), count({ serviceId: "s2", quantity: "2" })],
    });
    expect(rows.map((r) => [r.key, r.status, r.companyId, r.agreementId, r.vendorQuantity, r.variance, r.proposal])).toEqual([
      ["acct:acc1:s1", "unmapped-account", null, null, "3", null, null],
      ["acct:acc1:s2", "unmapped-account", null, null, "2", null, null],
    ]);
    expect(rows[0]?.reasons).toEqual(["Vendor account Acme Tenant is not mapped to a PSA company."]);
  });

  it("reports an unmapped service of a mapped account with its company", () => {
    const rows = run({ serviceMappings: [] });
    expect(rows.map((r) => [r.key, r.status, r.companyId, r.companyName, r.agreementId, r.vendorQuantity])).toEqual([
      ["agr:a1:P1", "no-usage", "c1", "Acme", "a1", null],
      ["svc:acc1:s1", "unmapped-service", "c1", "Acme", null, "10"],
    ]);
    expect(rows[1]?.reasons).toEqual(["Vendor service Service s1 is not mapped to a PSA product."]);
  });
});

describe("allocation to an agreement", () => {
  const twoAgreements = [agreement({ id: "a1", name: "Main" }), agreement({ id: "a2", name: "Security" })];

  // Issue 9: the company's usage is compared with the company's PSA total; variances add up to
  // vendor − PSA and only the agreement holding the largest line carries the proposal.
  it("compares company-wide across the agreements carrying the product", () => {
    const rows = run({
      agreements: twoAgreements,
      lines: [line({ id: "L1", agreementId: "a1", quantity: "3" }), line({ id: "L2", agreementId: "a2", quantity: "8" })],
    });
    // 10 used against 3 + 8 billed: a1 is allocated its 3, a2 (the largest line) the remaining 7.
    expect(rows.map(summary)).toEqual([
      { key: "agr:a1:P1", status: "match", psa: "3", vendor: "3", variance: "0" },
      { key: "agr:a2:P1", status: "decrease", psa: "8", vendor: "7", variance: "-1" },
    ]);
    expect(rowOf(rows, "agr:a1:P1").proposal).toBeNull();
    expect(rowOf(rows, "agr:a2:P1").proposal).toMatchObject({ targetLineId: "L2", fromQuantity: "8", toQuantity: "7" });
    expect(rowOf(rows, "agr:a2:P1").pooled).toEqual({ agreements: 2, vendorTotal: "10", psaTotal: "11", targetAgreementId: "a2" });
  });

  it("targets the agreement with the largest line, ties → the smallest line id", () => {
    const rows = run({
      agreements: [agreement({ id: "2", name: "Main" }), agreement({ id: "10", name: "Security" })],
      lines: [line({ id: "L1", agreementId: "10", quantity: "5" }), line({ id: "L2", agreementId: "2", quantity: "5" })],
      counts: [count({ quantity: "12" })],
    });
    // Both lines hold 5; L1 < L2, so agreement 10 takes the difference (12 − 5 − 5 = +2).
    expect(rowOf(rows, "agr:10:P1")).toMatchObject({ vendorQuantity: "7", variance: "2", status: "increase" });
    expect(rowOf(rows, "agr:2:P1")).toMatchObject({ vendorQuantity: "5", variance: "0", status: "match", proposal: null });
  });

  it("takes a shortfall below the other agreements' lines off them, largest first, and proposes only on the target", () => {
    const rows = run({
      agreements: [agreement({ id: "a1", name: "Main" }), agreement({ id: "a2", name: "Site B" }), agreement({ id: "a3", name: "Site C" })],
      lines: [line({ id: "L1", agreementId: "a1", quantity: "10" }), line({ id: "L2", agreementId: "a2", quantity: "6" }), line({ id: "L3", agreementId: "a3", quantity: "4" })],
      counts: [count({ quantity: "7" })],
    });
    // 7 used against 10 + 6 + 4: a2 (6) is filled first, then a3 gets the last 1; the target a1 gets 0.
    expect(rows.map(summary)).toEqual([
      { key: "agr:a1:P1", status: "decrease", psa: "10", vendor: "0", variance: "-10" },
      { key: "agr:a2:P1", status: "match", psa: "6", vendor: "6", variance: "0" },
      { key: "agr:a3:P1", status: "decrease", psa: "4", vendor: "1", variance: "-3" },
    ]);
    expect(rows.filter((r) => r.proposal !== null).map((r) => r.key)).toEqual(["agr:a1:P1"]);
  });

  it("honours a pinned agreement even when it lacks the product", () => {
    const rows = run({
      agreements: twoAgreements,
      accountMappings: [accountMapping("acc1", "c1", "a2")],
    });
    expect(rows.map(summary)).toEqual([
      { key: "agr:a1:P1", status: "no-usage", psa: "10", vendor: null, variance: null },
      { key: "agr:a2:P1", status: "missing-line", psa: "0", vendor: "10", variance: "10" },
    ]);
  });

  it.each([
    ["the pinned agreement doesn't count", [agreement({ id: "a1", name: "Main" }), agreement({ id: "a2", name: "Old", cancelled: true })]],
    ["the pinned agreement belongs to another company", [agreement({ id: "a1", name: "Main" }), agreement({ id: "a2", companyId: "c2", name: "Other" })]],
    ["the pinned agreement doesn't exist", [agreement({ id: "a1", name: "Main" })]],
  ])("falls back as if unpinned when %s", (_name, agreements) => {
    const rows = run({ companies: [company(), company("c2", "Beta")], agreements, accountMappings: [accountMapping("acc1", "c1", "a2")] });
    expect(rows.map(summary)).toEqual([{ key: "agr:a1:P1", status: "match", psa: "10", vendor: "10", variance: "0" }]);
  });

  it("puts a missing line on the company's only agreement", () => {
    const rows = run({ lines: [line({ productKey: "P9" })] });
    expect(rowOf(rows, "agr:a1:P1")).toMatchObject({ status: "missing-line", agreementId: "a1", psaQuantity: "0", vendorQuantity: "10" });
  });

  it("leaves the agreement open when several agreements exist and none carries the product", () => {
    const rows = run({ agreements: twoAgreements, lines: [line({ productKey: "P9" })] });
    const row = rowOf(rows, "co:c1:P1");
    expect(row).toMatchObject({ status: "missing-line", companyId: "c1", companyName: "Acme", agreementId: null, agreementName: null });
    expect(row.proposal).toMatchObject({ targetLineId: null, fromQuantity: "0", toQuantity: "10" });
    expect(row.reasons).toContain("The company has several agreements and none carries this product: choose the agreement to add it to.");
  });

  it("sums several sources landing on the same (agreement, product)", () => {
    const rows = run({
      agreements: twoAgreements,
      accounts: [account("acc1"), account("acc2", "Acme EU")],
      services: [service("s1"), service("s2")],
      accountMappings: [accountMapping("acc1", "c1", "a2"), accountMapping("acc2")],
      serviceMappings: [serviceMapping("s1", "P1"), serviceMapping("s2", "P1")],
      lines: [line({ agreementId: "a2", quantity: "1" })],
      counts: [count({ accountId: "acc1", quantity: "2" }), count({ accountId: "acc2", serviceId: "s2", quantity: "3" })],
    });
    expect(rows.map(summary)).toEqual([{ key: "agr:a2:P1", status: "increase", psa: "1", vendor: "5", variance: "4" }]);
  });
});
