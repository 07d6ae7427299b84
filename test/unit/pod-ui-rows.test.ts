import { describe, expect, it } from "vitest";
import type { DecisionView, ReconRow, ReconStatus } from "../../src/shared/api-types.ts";
import { RECON_STATUSES } from "../../src/shared/api-types.ts";
import { decisionState, isRevertable, latestByLine, newIdempotencyKey } from "../../ui/lib/decisions.ts";
import { groupByAgreement, isProposable, rowTitle, sortRows, STATUS_META } from "../../ui/lib/rows.ts";

function row(key: string, status: ReconStatus, impact: number | null, productName = key, agreementId: string | null = "agr"): ReconRow {
  return {
    key,
    status,
    companyId: "co",
    companyName: "Co",
    agreementId,
    agreementName: "A",
    productKey: productName,
    productName,
    psaQuantity: "1",
    vendorQuantity: "1",
    variance: "0",
    unitPriceMinor: 100,
    unitCostMinor: 50,
    unitPrice: "1",
    unitCost: "0.5",
    priceSource: "line",
    currency: "USD",
    monthlyImpactMinor: impact,
    unitMarginMinor: 50,
    marginPct: "50.0",
    lines: [],
    targetLineId: null,
    sources: [],
    asOf: null,
    billingDate: "2026-04-01",
    upcoming: [],
    pooled: null,
    dismissed: null,
    proposal: status === "increase" || status === "decrease" || status === "missing-line"
      ? { targetLineId: "l1", fromQuantity: "1", toQuantity: "2", effectiveDate: "2026-04-01", writeMode: "with-date", writeOn: null, firstBilledOn: "2026-04-01", prorationMinor: null, remainingDays: 30, periodDays: 30, canApply: true, reason: null }
      : null,
    reasons: [],
  };
}

describe("status metadata and order", () => {
  it("has a label, tone and group for every engine status", () => {
    expect(Object.keys(STATUS_META).sort()).toEqual([...RECON_STATUSES].sort());
    expect(new Set(Object.values(STATUS_META).map((m) => m.label)).size).toBe(RECON_STATUSES.length);
  });

  it("puts rows needing action first, then rows needing a look, then the rest; larger money first", () => {
    const rows = [
      row("m", "match", 0),
      row("s", "stale", 900),
      row("d", "decrease", -1800),
      row("f", "flat-rate", null),
      row("i", "increase", 10400),
      row("u", "unmapped-service", null),
      row("ml", "missing-line", 7200),
      row("n", "no-usage", null),
      row("su", "suspect", 100),
      row("i2", "increase", 600),
    ];
    expect(sortRows(rows).map((r) => r.key)).toEqual(["i", "ml", "d", "i2", "s", "su", "u", "m", "f", "n"]);
  });

  it("proposes only increase, decrease and missing-line rows on an agreement", () => {
    expect(isProposable(row("a", "increase", 1))).toBe(true);
    expect(isProposable(row("a", "stale", 1))).toBe(false);
    expect(isProposable(row("a", "increase", 1, "x", null))).toBe(false);
  });

  it("groups by agreement in first-seen order", () => {
    const groups = groupByAgreement([row("a", "match", 0, "a", "x"), row("b", "match", 0, "b", null), row("c", "match", 0, "c", "x")]);
    expect([...groups.entries()].map(([k, v]) => [k, v.map((r) => r.key)])).toEqual([
      ["x", ["a", "c"]],
      [null, ["b"]],
    ]);
  });

  it("titles usage without a product by its vendor service", () => {
    const r = { ...row("k", "unmapped-service", null), productName: null, productKey: null };
    r.sources = [{ accountId: "a", accountName: "Acme", serviceId: "s", serviceName: "Teams Premium", integrationId: "i", quantity: "5", period: "2026-03", observedAt: "2026-03-01T00:00:00Z", sourceKind: "seed", sourceRef: "x" }];
    expect(rowTitle(r)).toBe("Teams Premium");
  });
});

function decision(over: Partial<DecisionView>): DecisionView {
  return {
    id: "dec_1",
    agreementId: "agr",
    lineId: "l1",
    productKey: "P",
    action: "approve",
    actor: "member:js",
    oldQuantity: "1",
    newQuantity: "2",
    effectiveDate: "2026-04-01",
    note: null,
    revertsDecisionId: null,
    writebackState: "pending",
    writebackError: null,
    writeMode: "now",
    writeOn: null,
    firstBilledOn: null,
    createdAt: "2026-03-10T10:00:00Z",
    updatedAt: "2026-03-10T10:00:00Z",
    ...over,
  };
}

describe("decision state of a row", () => {
  const now = new Date("2026-03-20T12:00:00Z");

  it("takes the newest decision per agreement line", () => {
    const latest = latestByLine([
      decision({ id: "new" }),
      decision({ id: "old" }),
      decision({ id: "other", productKey: "Q" }),
      decision({ id: "elsewhere", agreementId: "agr2" }),
    ]);
    expect([latest.get("agr|P")?.id, latest.get("agr|Q")?.id, latest.get("agr2|P")?.id]).toEqual(["new", "other", "elsewhere"]);
  });

  it.each([
    ["nothing", undefined, "monthly", "none"],
    ["pending write-back", decision({}), "monthly", "pending"],
    ["applied", decision({ writebackState: "applied" }), "monthly", "applied"],
    ["failed", decision({ writebackState: "failed", writebackError: "Addition is locked" }), "monthly", "failed"],
    ["dismissed this month", decision({ action: "dismiss", writebackState: "not-required" }), "monthly", "dismissed"],
    ["dismissed last month (monthly)", decision({ action: "dismiss", writebackState: "not-required", createdAt: "2026-02-27T10:00:00Z" }), "monthly", "none"],
    ["dismissed last month (quarterly: same quarter)", decision({ action: "dismiss", writebackState: "not-required", createdAt: "2026-02-27T10:00:00Z" }), "quarterly", "dismissed"],
    ["reverted", decision({ action: "revert", writebackState: "applied" }), "monthly", "none"],
    ["revert pending", decision({ action: "revert" }), "monthly", "pending"],
  ] as const)("%s → %s", (_name, latest, cycle, kind) => {
    expect(decisionState(latest, now, cycle).kind).toBe(kind);
  });

  it("reverts only applied approvals and adjustments", () => {
    expect(isRevertable(decision({ writebackState: "applied" }))).toBe(true);
    expect(isRevertable(decision({ action: "adjust", writebackState: "applied" }))).toBe(true);
    expect(isRevertable(decision({ writebackState: "pending" }))).toBe(false);
    expect(isRevertable(decision({ action: "dismiss", writebackState: "not-required" }))).toBe(false);
  });

  it("makes unique 128-bit idempotency keys", () => {
    const keys = new Set(Array.from({ length: 100 }, newIdempotencyKey));
    expect(keys.size).toBe(100);
    expect([...keys][0]).toMatch(/^[0-9a-f]{32}$/);
  });
});
