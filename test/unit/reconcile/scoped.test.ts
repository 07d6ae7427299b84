/**
 * The engine over a slice of the tenant (one company, with the tenant-wide
 * aggregates passed in) gives exactly the rows the whole-tenant run gives
 * for that company — the contract persisted, incremental reconciliation
 * rests on — and the output never depends on the order inputs arrive in.
 * Also: when time alone can change a scope's rows (recheck.ts).
 */
import { describe, expect, it } from "vitest";
import { reconcile } from "../../../src/core/reconcile/engine.ts";
import { findSuspectServices, selectLatestCounts } from "../../../src/core/reconcile/latest-counts.ts";
import { rowSortKey } from "../../../src/core/reconcile/order.ts";
import { findRecheckAt } from "../../../src/core/reconcile/recheck.ts";
import { buildCatalog } from "../../../src/core/reconcile/catalog.ts";
import type { ReconcileInput } from "../../../src/core/reconcile/types.ts";
import { account, accountMapping, agreement, company, count, input, line, NOW, service, serviceMapping } from "./fixtures.ts";

/** Two customers; c2 has no line of P1 (its row is priced from c1's line) and both report a consumption service of exactly 1 (suspect). */
function tenant(): ReconcileInput {
  return input({
    companies: [company("c1", "Acme"), company("c2", "Bright")],
    agreements: [agreement(), agreement({ id: "a2", companyId: "c2", name: "Bright MSA", billingCycle: "quarterly" })],
    lines: [line(), line({ id: "L2", agreementId: "a2", productKey: "P2", productName: "EDR", quantity: "4", unitPriceMinor: 600 })],
    accounts: [account("acc1"), account("acc2", "Bright Tenant")],
    services: [service("s1"), service("s2"), service("s3", { category: "consumption" })],
    accountMappings: [accountMapping("acc1", "c1"), accountMapping("acc2", "c2")],
    serviceMappings: [serviceMapping("s1", "P1"), serviceMapping("s2", "P2"), serviceMapping("s3", "P3")],
    counts: [
      count({ accountId: "acc1", serviceId: "s1", quantity: "12" }),
      count({ accountId: "acc2", serviceId: "s1", quantity: "3" }),
      count({ accountId: "acc2", serviceId: "s2", quantity: "4", observedAt: "2026-02-01T00:00:00Z" }),
      count({ accountId: "acc1", serviceId: "s3", quantity: "1" }),
      count({ accountId: "acc2", serviceId: "s3", quantity: "1" }),
    ],
  });
}

function sliceOf(full: ReconcileInput, companyId: string): ReconcileInput {
  const agreements = full.agreements.filter((a) => a.companyId === companyId);
  const mappings = full.accountMappings.filter((m) => m.companyId === companyId);
  const accountIds = new Set(mappings.map((m) => m.accountId));
  const counts = full.counts.filter((c) => accountIds.has(c.accountId));
  const serviceIds = new Set(counts.map((c) => c.serviceId));
  return {
    ...full,
    companies: full.companies.filter((c) => c.id === companyId),
    agreements,
    lines: full.lines.filter((l) => agreements.some((a) => a.id === l.agreementId)),
    accounts: full.accounts.filter((a) => accountIds.has(a.id)),
    services: full.services.filter((s) => serviceIds.has(s.id)),
    accountMappings: mappings,
    serviceMappings: full.serviceMappings.filter((m) => serviceIds.has(m.serviceId)),
    counts,
    aggregates: {
      suspect: findSuspectServices(full, selectLatestCounts(full)),
      catalog: buildCatalog(full.lines, new Map(full.agreements.map((a) => [a.id, a])), "2026-03-15"),
    },
  };
}

describe("reconciling one company's slice", () => {
  it("gives the whole-tenant rows of that company, estimated prices and suspect services included", () => {
    const full = tenant();
    const all = reconcile(full);
    for (const companyId of ["c1", "c2"]) {
      expect(reconcile(sliceOf(full, companyId))).toEqual(all.filter((r) => r.companyId === companyId));
    }
    // The slice of c2 alone could not know these: they come from the aggregates.
    const bright = reconcile(sliceOf(full, "c2"));
    expect(bright.find((r) => r.productKey === "P1")).toMatchObject({ priceSource: "catalog-estimate", unitPriceMinor: 2200 });
    expect(bright.find((r) => r.productKey === "P3")?.status).toBe("suspect");
  });

  it("does not depend on the order counts, lines or accounts are listed in", () => {
    const full = tenant();
    const reversed = { ...full, counts: [...full.counts].reverse(), lines: [...full.lines].reverse(), accounts: [...full.accounts].reverse() };
    expect(reconcile(reversed)).toEqual(reconcile(full));
  });
});

describe("row sort keys", () => {
  it("order rows exactly as the engine returns them", () => {
    const rows = reconcile(tenant());
    const keyed = rows.map((row) => ({ row, ...rowSortKey(row) }));
    const sorted = [...keyed].sort((a, b) => a.group - b.group || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    expect(sorted.map((k) => k.row.key)).toEqual(rows.map((r) => r.key));
  });
});

describe("findRecheckAt", () => {
  const base = { now: NOW, staleAfterHours: 168, agreements: [agreement()], lines: [line()], rows: [] };
  it("is the next month start when nothing else moves with the clock", () => {
    expect(findRecheckAt(base)).toBe("2026-04-01T00:00:00.000Z");
  });

  it("is the instant a fresh source turns stale (strictly older than the threshold)", () => {
    const rows = reconcile(input({ counts: [count({ observedAt: "2026-03-10T08:00:00Z" })] }));
    // 168 h after 10 March 08:00 is 17 March 08:00; one millisecond later it is stale.
    expect(findRecheckAt({ ...base, rows })).toBe("2026-03-17T08:00:00.001Z");
  });

  it("follows the age in a stale reason: whole hours below 48, whole days above", () => {
    const hours = reconcile(input({ staleAfterHours: 24, counts: [count({ observedAt: "2026-03-14T02:30:00Z" })] }));
    // 33.5 hours old at NOW → the text changes at 34 hours.
    expect(findRecheckAt({ ...base, staleAfterHours: 24, rows: hours })).toBe("2026-03-15T12:30:00.000Z");
    const days = reconcile(input({ counts: [count({ observedAt: "2026-03-01T00:00:00Z" })] }));
    // 14.5 days old → "15 days" from 16 March 00:00.
    expect(findRecheckAt({ ...base, rows: days })).toBe("2026-03-16T00:00:00.000Z");
  });

  it("is the day an agreement starts or ends, or a line is cancelled", () => {
    expect(findRecheckAt({ ...base, agreements: [agreement({ startDate: "2026-03-20" })] })).toBe("2026-03-20T00:00:00.000Z");
    expect(findRecheckAt({ ...base, agreements: [agreement({ endDate: "2026-03-18" })] })).toBe("2026-03-19T00:00:00.000Z");
    expect(findRecheckAt({ ...base, lines: [line({ cancelledDate: "2026-03-25" })] })).toBe("2026-03-25T00:00:00.000Z");
  });
});
