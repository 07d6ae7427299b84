import { describe, expect, it } from "vitest";
import type { ReconRow } from "../../../src/core/reconcile/types.ts";
import { account, accountMapping, count, line, rowOf, run } from "./fixtures.ts";

function summary(row: ReconRow) {
  return { key: row.key, status: row.status, psa: row.psaQuantity, vendor: row.vendorQuantity, variance: row.variance };
}

describe("PSA side of a row", () => {
  it("sums every counted line of the product and targets the largest (ties → smallest id)", () => {
    const row = rowOf(
      run({
        lines: [line({ id: "L3", quantity: "7" }), line({ id: "L1", quantity: "4" }), line({ id: "L2", quantity: "7" })],
        counts: [count({ quantity: "20" })],
      }),
      "agr:a1:P1",
    );
    expect(summary(row)).toEqual({ key: "agr:a1:P1", status: "increase", psa: "18", vendor: "20", variance: "2" });
    expect(row.targetLineId).toBe("L2");
    expect(row.lines).toEqual([
      { lineId: "L1", quantity: "4", unitPriceMinor: 2200, unitPrice: "22", lessIncluded: "0" },
      { lineId: "L2", quantity: "7", unitPriceMinor: 2200, unitPrice: "22", lessIncluded: "0" },
      { lineId: "L3", quantity: "7", unitPriceMinor: 2200, unitPrice: "22", lessIncluded: "0" },
    ]);
  });

  it("compares numeric ids as numbers when picking the smallest", () => {
    const row = rowOf(run({ lines: [line({ id: "10", quantity: "5" }), line({ id: "9", quantity: "5" })] }), "agr:a1:P1");
    expect(row.targetLineId).toBe("9");
    expect(row.lines.map((l) => l.lineId)).toEqual(["9", "10"]);
  });

  it("compares total quantity; lessIncluded is informational", () => {
    const row = rowOf(run({ lines: [line({ quantity: "10", lessIncluded: "5" })] }), "agr:a1:P1");
    expect(summary(row)).toEqual({ key: "agr:a1:P1", status: "match", psa: "10", vendor: "10", variance: "0" });
  });

  it("keeps fractional quantities exact", () => {
    const row = rowOf(
      run({ lines: [line({ quantity: "0.1" }), line({ id: "L2", quantity: "0.2" })], counts: [count({ quantity: "0.3" })] }),
      "agr:a1:P1",
    );
    expect(summary(row)).toEqual({ key: "agr:a1:P1", status: "match", psa: "0.3", vendor: "0.3", variance: "0" });
  });
});

describe("latest count per (account, service)", () => {
  it.each([
    {
      name: "greatest period wins over a later observation of an older period",
      counts: [
        count({ period: "2026-02", quantity: "50", observedAt: "2026-03-15T11:00:00Z" }),
        count({ period: "2026-03", quantity: "12", observedAt: "2026-03-15T01:00:00Z" }),
      ],
      vendor: "12",
    },
    {
      name: "same period: greatest observedAt wins",
      counts: [
        count({ quantity: "13", observedAt: "2026-03-15T08:00:00Z" }),
        count({ quantity: "11", observedAt: "2026-03-15T06:00:00Z" }),
      ],
      vendor: "13",
    },
    {
      name: "observedAt compares instants, not strings",
      counts: [
        count({ quantity: "14", observedAt: "2026-03-15T09:00:00+02:00" }),
        count({ quantity: "15", observedAt: "2026-03-15T08:00:00Z" }),
      ],
      vendor: "15",
    },
  ])("$name", ({ counts, vendor }) => {
    const row = rowOf(run({ counts }), "agr:a1:P1");
    expect(row.vendorQuantity).toBe(vendor);
    expect(row.sources).toHaveLength(1);
  });
});

describe("sources and asOf", () => {
  it("lists every source with names and keeps the oldest observation as asOf", () => {
    const row = rowOf(
      run({
        accounts: [account("acc1"), account("acc2", "Acme EU")],
        accountMappings: [accountMapping("acc1"), accountMapping("acc2")],
        counts: [
          count({ accountId: "acc2", quantity: "1", observedAt: "2026-03-14T10:00:00Z", sourceKind: "push", sourceRef: "p-9" }),
          count({ accountId: "acc1", quantity: "9", observedAt: "2026-03-15T10:00:00Z" }),
        ],
      }),
      "agr:a1:P1",
    );
    expect(row.asOf).toBe("2026-03-14T10:00:00Z");
    expect(row.sources).toEqual([
      {
        accountId: "acc1",
        accountName: "Acme Tenant",
        serviceId: "s1",
        serviceName: "Service s1",
        integrationId: "int-pax8",
        quantity: "9",
        period: "2026-03",
        observedAt: "2026-03-15T10:00:00Z",
        sourceKind: "vendor-api",
        sourceRef: "run-1",
      },
      {
        accountId: "acc2",
        accountName: "Acme EU",
        serviceId: "s1",
        serviceName: "Service s1",
        integrationId: "int-pax8",
        quantity: "1",
        period: "2026-03",
        observedAt: "2026-03-14T10:00:00Z",
        sourceKind: "push",
        sourceRef: "p-9",
      },
    ]);
  });
});
