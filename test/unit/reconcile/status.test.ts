import { describe, expect, it } from "vitest";
import { reconcile } from "../../../src/core/reconcile/engine.ts";
import type { ReconStatus } from "../../../src/core/reconcile/types.ts";
import {
  account,
  accountMapping,
  agreement,
  company,
  count,
  input,
  line,
  NOW,
  rowOf,
  run,
  service,
} from "./fixtures.ts";

const HOUR = 3_600_000;
const hoursAgo = (hours: number, extraMs = 0) => new Date(NOW.getTime() - hours * HOUR - extraMs).toISOString();

describe("variance statuses", () => {
  it.each<[string, string, ReconStatus, string]>([
    ["10", "10", "match", "0"],
    ["10", "12", "increase", "2"],
    ["10", "7", "decrease", "-3"],
    ["10", "10.5", "increase", "0.5"],
  ])("psa %s vs vendor %s → %s", (psa, vendor, status, variance) => {
    const row = rowOf(run({ lines: [line({ quantity: psa })], counts: [count({ quantity: vendor })] }), "agr:a1:P1");
    expect([row.status, row.variance]).toEqual([status, variance]);
    expect(row.reasons).toEqual([]);
  });

  it("no usage: a line with nothing mapped to it", () => {
    const row = rowOf(run({ counts: [] }), "agr:a1:P1");
    expect(row).toMatchObject({ status: "no-usage", vendorQuantity: null, variance: null, monthlyImpactMinor: null, proposal: null, asOf: null });
    expect(row.reasons).toEqual(["No vendor usage is mapped to this product, so there is nothing to compare."]);
  });

  it("missing line: usage with no counted line (found revenue)", () => {
    const row = rowOf(run({ lines: [] }), "agr:a1:P1");
    expect(row).toMatchObject({ status: "missing-line", psaQuantity: "0", vendorQuantity: "10", variance: "10", targetLineId: null });
  });

  it("a zero count with no line is a match, not found revenue", () => {
    const row = rowOf(run({ lines: [], counts: [count({ quantity: "0" })] }), "agr:a1:P1");
    expect([row.status, row.variance, row.proposal]).toEqual(["match", "0", null]);
  });
});

describe("stale", () => {
  it.each<[string, string, ReconStatus]>([
    ["just inside the threshold", hoursAgo(24), "increase"],
    ["1 ms past the threshold", hoursAgo(24, 1), "stale"],
    ["observed in the future", new Date(NOW.getTime() + HOUR).toISOString(), "increase"],
    ["unreadable time", "yesterday-ish", "stale"],
  ])("%s → %s", (_name, observedAt, status) => {
    const row = rowOf(run({ staleAfterHours: 24, counts: [count({ quantity: "12", observedAt })] }), "agr:a1:P1");
    expect(row.status).toBe(status);
    expect(row.proposal === null).toBe(status === "stale");
  });

  it("explains how old the newest count is", () => {
    const row = rowOf(run({ counts: [count({ quantity: "12", observedAt: hoursAgo(9 * 24 + 5) })] }), "agr:a1:P1");
    expect(row.status).toBe("stale");
    expect(row.reasons).toEqual([
      "The newest count for Acme Tenant / Service s1 is 9 days old (stale after 168 hours).",
      "No change is proposed until fresh usage arrives.",
    ]);
  });

  it("goes stale when any one of several sources is old", () => {
    const row = rowOf(
      run({
        accounts: [account("acc1"), account("acc2", "Acme EU")],
        accountMappings: [accountMapping("acc1"), accountMapping("acc2")],
        counts: [count({ accountId: "acc1", quantity: "5" }), count({ accountId: "acc2", quantity: "5", observedAt: hoursAgo(30) })],
        staleAfterHours: 24,
      }),
      "agr:a1:P1",
    );
    expect(row.status).toBe("stale");
    expect(row.reasons[0]).toBe("The newest count for Acme EU / Service s1 is 30 hours old (stale after 24 hours).");
  });

  it("outranks missing-line", () => {
    const row = rowOf(run({ lines: [], counts: [count({ observedAt: hoursAgo(200) })] }), "agr:a1:P1");
    expect(row.status).toBe("stale");
  });
});

describe("suspect (consumption service, ≥ 2 accounts, every latest quantity exactly 1)", () => {
  const twoCustomers = {
    companies: [company("c1", "Acme"), company("c2", "Beta")],
    agreements: [agreement(), agreement({ id: "a2", companyId: "c2" })],
    accounts: [account("acc1"), account("acc2", "Beta Tenant")],
    accountMappings: [accountMapping("acc1", "c1"), accountMapping("acc2", "c2")],
    lines: [line({ id: "L1", quantity: "1" }), line({ id: "L2", agreementId: "a2", quantity: "1" })],
  };

  it.each<[string, "seat" | "consumption", string[], ReconStatus]>([
    ["two accounts all at 1", "consumption", ["1", "1"], "suspect"],
    ["one account at 1", "consumption", ["1"], "match"],
    ["two accounts, one at 2", "consumption", ["1", "2"], "match"],
    ["two accounts at 1.0 (still exactly 1)", "consumption", ["1.0", "1"], "suspect"],
    ["seat services are never suspect", "seat", ["1", "1"], "match"],
  ])("%s → %s", (_name, category, quantities, status) => {
    const counts = quantities.map((quantity, i) => count({ accountId: `acc${i + 1}`, quantity }));
    const rows = run({ ...twoCustomers, services: [service("s1", { category })], counts });
    expect(rowOf(rows, "agr:a1:P1").status).toBe(status);
  });

  it("looks at latest counts only, across mapped and unmapped accounts", () => {
    const rows = run({
      ...twoCustomers,
      accounts: [account("acc1"), account("acc2", "Loose Tenant")],
      accountMappings: [accountMapping("acc1", "c1")],
      services: [service("s1", { category: "consumption", name: "Azure plan" })],
      counts: [
        count({ accountId: "acc1", quantity: "1" }),
        count({ accountId: "acc2", quantity: "7", period: "2026-02" }),
        count({ accountId: "acc2", quantity: "1", period: "2026-03" }),
      ],
    });
    const row = rowOf(rows, "agr:a1:P1");
    expect(row.status).toBe("suspect");
    expect(row.proposal).toBeNull();
    expect(row.reasons).toEqual([
      "All 2 accounts reporting Azure plan show a quantity of exactly 1, the pattern of vendor resource groups not linked to a subscription; check the vendor side.",
      "No change is proposed while the usage looks suspect.",
    ]);
    expect(rowOf(rows, "acct:acc2:s1").status).toBe("unmapped-account");
  });

  it("outranks stale", () => {
    const counts = ["acc1", "acc2"].map((accountId) => count({ accountId, quantity: "1", observedAt: hoursAgo(500) }));
    const rows = run({ ...twoCustomers, services: [service("s1", { category: "consumption" })], counts });
    expect(rowOf(rows, "agr:a1:P1").status).toBe("suspect");
  });
});

describe("flat-rate precedence", () => {
  it.each<[string, Parameters<typeof input>[0]]>([
    ["over increase", { counts: [count({ quantity: "15" })] }],
    ["over no-usage", { counts: [] }],
    ["over stale", { counts: [count({ quantity: "15", observedAt: hoursAgo(1000) })] }],
    ["over missing-line", { lines: [line({ productKey: "P9" })] }],
  ])("%s", (_name, overrides) => {
    const rows = reconcile(input({ agreements: [agreement({ flatRate: true })], ...overrides }));
    const row = rowOf(rows, "agr:a1:P1");
    expect(row.status).toBe("flat-rate");
    expect(row.proposal).toBeNull();
    expect(row.reasons).toContain("Flat-rate agreement: quantities are shown for reference and no change is proposed.");
  });

  it("still shows quantities and variance", () => {
    const row = rowOf(run({ agreements: [agreement({ flatRate: true })], counts: [count({ quantity: "15" })] }), "agr:a1:P1");
    expect([row.psaQuantity, row.vendorQuantity, row.variance, row.monthlyImpactMinor]).toEqual(["10", "15", "5", 11000]);
  });
});
