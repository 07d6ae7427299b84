/**
 * The workspace UI's pure pieces: the board filter's query (money typed in
 * major units becomes exact minor units, never through a float; the same
 * query drives the CSV export), rows grouped by customer with exact money per
 * currency, the bulk run's summary, and audit details as one readable line.
 */
import { describe, expect, it } from "vitest";
import type { ReconRowView } from "../../src/shared/api-types.ts";
import { describeDetails } from "../../ui/app/lib/audit-text.ts";
import { EMPTY_FILTER, filterQuery, toMinor } from "../../ui/app/lib/board-query.ts";
import { groupByCustomer, moneyByCurrency } from "../../ui/app/lib/board-groups.ts";
import { summarize, type RowProgress } from "../../ui/app/lib/bulk-summary.ts";

describe("toMinor (major units typed → integer minor units, exactly)", () => {
  it.each([
    ["50", "USD", 5000],
    ["12.5", "USD", 1250],
    ["0.1", "USD", 10],
    ["1234567.89", "USD", 123456789],
    ["500", "JPY", 500],
    ["1.234", "KWD", 1234],
  ])("%s %s → %s", (text, currency, minor) => expect(toMinor(text, currency)).toBe(minor));

  it.each([["-5"], ["1.005"], ["abc"], ["1e3"], [""], ["12,50"]])("refuses %j (no rounding, no coercion)", (text) => expect(toMinor(text)).toBeNull());
});

describe("filterQuery", () => {
  it("the default shows rows needing action, sorted by the engine", () => {
    expect(filterQuery(EMPTY_FILTER)).toEqual({ status: "increase,decrease,missing-line" });
  });

  it("maps every filter onto the API's parameters; all rows sends no status; a bad amount sends nothing", () => {
    expect(filterQuery({ status: "", integrationId: "int_1", productKey: "M365-BP", companyId: "cmp_2", minMoney: "25.50", q: "  bright ", sort: "impact" })).toEqual({
      integrationId: "int_1",
      productKey: "M365-BP",
      companyId: "cmp_2",
      minImpactMinor: "2550",
      q: "bright",
      sort: "impact",
    });
    expect(filterQuery({ ...EMPTY_FILTER, status: "look", minMoney: "12.345" })).toEqual({ status: "stale,suspect,unmapped-account,unmapped-service" });
  });
});

function row(key: string, companyId: string | null, companyName: string | null, minor: number | null, currency = "USD"): ReconRowView {
  return { key, companyId, companyName, monthlyImpactMinor: minor, currency } as ReconRowView;
}

describe("groupByCustomer", () => {
  it("keeps first-seen customer order across pages and puts rows of no customer together", () => {
    const rows = [row("a1", "c1", "Acme", 600), row("u1", null, null, null), row("b1", "c2", "Brightline", 10400), row("a2", "c1", "Acme", -300)];
    const groups = groupByCustomer(rows);
    expect(groups.map((g) => [g.name, g.rows.map((r) => r.key)])).toEqual([
      ["Acme", ["a1", "a2"]],
      ["Not mapped to a customer", ["u1"]],
      ["Brightline", ["b1"]],
    ]);
  });

  it("sums money per currency in integer minor units (0.1 + 0.2 stays 30 cents)", () => {
    expect([...moneyByCurrency([row("x", "c", "C", 10), row("y", "c", "C", 20), row("z", "c", "C", 500, "EUR"), row("n", "c", "C", null)])]).toEqual([
      ["USD", 30],
      ["EUR", 500],
    ]);
  });
});

describe("summarize a bulk run", () => {
  const p = (entries: Array<[string, RowProgress["state"], string?]>) => new Map(entries.map(([k, state, message]) => [k, { state, ...(message ? { message } : {}) }]));
  it("says what the PSA accepted, what failed and what is still being written", () => {
    expect(summarize(p([["a", "applied"], ["b", "applied"]]), ["a", "b"])).toBe("The PSA accepted 2 of 2 changes.");
    expect(summarize(p([["a", "applied"], ["b", "failed", "no"], ["c", "pending"]]), ["a", "b", "c"])).toBe("The PSA accepted 1 of 3 changes; 1 failed (see the rows); 1 still being written.");
    expect(summarize(p([["a", "dismissed"]]), ["a"])).toBe("1 of 1 row dismissed.");
  });
});

describe("describeDetails (audit before → after)", () => {
  it("shows a quantity change with its product and date, and the other plain fields", () => {
    expect(describeDetails({ agreementId: "agr_1", lineId: "ln", productKey: "M365-BP", old: "40", new: "44", effectiveDate: "2026-12-01", note: "per vendor" })).toBe("M365-BP: 40 → 44 from 2026-12-01 · note: per vendor");
    expect(describeDetails({ email: "a@b.test", role: "viewer" })).toBe("email: a@b.test · role: viewer");
    expect(describeDetails(null)).toBe("");
  });
});
