import { describe, expect, it } from "vitest";
import type { CsvProfileRun, ImportDraft } from "../../src/core/usage/csv-profile.ts";
import { createGenericProfile } from "../../src/core/usage/generic-csv.ts";
import { AZURE_PLAN_SKIP, createInvoiceProfile } from "../../src/core/usage/partner-center-invoice.ts";
import { createUsageProfile } from "../../src/core/usage/partner-center-usage.ts";

const INVOICE_HEADER = ["CustomerId", "CustomerName", "CustomerDomainName", "ProductId", "SkuId", "SkuName", "ProductName", "ChargeType", "BillableQuantity", "Subtotal", "EffectiveUnitPrice", "Currency", "SubscriptionId", "SubscriptionDescription", "ChargeStartDate", "ChargeEndDate"];

/** [chargeType, billableQuantity, subtotal, subscription, start, end] for customer C1, product P1:S1. */
type Line = [string, string, string, string, string, string];

function runInvoice(lines: Line[], period?: string) {
  const run = createInvoiceProfile({ dateOrder: "MDY", period });
  expect(run.bindHeader(INVOICE_HEADER)).toEqual({ ok: true, value: undefined });
  const outcomes = lines.map(([type, qty, subtotal, sub, start, end], i) =>
    run.acceptRow(["C1", "Contoso", "contoso.onmicrosoft.com", "P1", "S1", "Business Premium", "Business Premium", type, qty, subtotal, "", "USD", sub, "Business Premium", start, end], i + 2),
  );
  return { outcomes, result: run.finish() };
}

function seats(result: ReturnType<CsvProfileRun["finish"]>): Array<[string, string, number | null]> {
  return result.ok ? result.value.map((d: ImportDraft) => [d.period, d.quantity, d.costMinor]) : [];
}

describe("partner-center-invoice netting", () => {
  it.each<[string, Line[], Array<[string, string, number | null]>]>([
    ["a monthly cycle charge", [["cycleCharge", "10", "220.00", "s1", "6/1/2026", "6/30/2026"]], [["2026-06", "10", 22000]]],
    ["an increase: refund of 10 plus a charge at 15", [
      ["cycleCharge", "10", "220.00", "s1", "6/1/2026", "6/30/2026"],
      ["addQuantity", "10", "-150.00", "s1", "6/10/2026", "6/30/2026"],
      ["addQuantity", "15", "225.00", "s1", "6/10/2026", "6/30/2026"],
    ], [["2026-06", "15", 29500]]],
    ["a decrease written with negative quantities", [
      ["new", "8", "176.00", "s1", "6/1/2026", "6/30/2026"],
      ["removeQuantity", "-8", "-100.00", "s1", "6/20/2026", "6/30/2026"],
      ["removeQuantity", "5", "62.50", "s1", "6/20/2026", "6/30/2026"],
    ], [["2026-06", "5", 13850]]],
    ["a cancellation", [["cycleCharge", "4", "88.00", "s1", "6/1/2026", "6/30/2026"], ["cancelImmediate", "4", "-40.00", "s1", "6/15/2026", "6/30/2026"]], [["2026-06", "0", 4800]]],
    ["a credit that moves money, not seats", [["cycleCharge", "4", "88.00", "s1", "6/1/2026", "6/30/2026"], ["customerCredit", "1", "-5.00", "s1", "6/1/2026", "6/30/2026"]], [["2026-06", "4", 8300]]],
    ["the next cycle billed in the same file", [["new", "3", "66.00", "s1", "5/15/2026", "6/14/2026"], ["cycleCharge", "3", "66.00", "s1", "6/15/2026", "7/14/2026"]], [["2026-06", "3", 13200]]],
    ["two subscriptions of one product", [["cycleCharge", "3", "66.00", "s1", "6/1/2026", "6/30/2026"], ["cycleCharge", "2", "44.00", "s2", "6/5/2026", "7/4/2026"]], [["2026-06", "5", 11000]]],
  ])("%s", (_label, lines, expected) => {
    const { outcomes, result } = runInvoice(lines);
    expect(outcomes.every((o) => o.kind === "accepted")).toBe(true);
    expect(seats(result)).toEqual(expected);
  });

  it("takes the period from ?period= over the dates", () => {
    expect(seats(runInvoice([["cycleCharge", "1", "1", "s1", "6/1/2026", "6/30/2026"]], "2026-07").result)).toEqual([["2026-07", "1", 100]]);
  });

  it("fails the import when refunds exceed charges instead of clamping to 0", () => {
    const { result } = runInvoice([["cancelImmediate", "4", "-40.00", "s1", "6/15/2026", "6/30/2026"]]);
    expect(result.ok).toBe(false);
    expect(result.ok ? "" : result.error).toContain("seats in force are negative (-4)");
  });

  it("rejects unreadable lines and skips Azure plan lines, with reasons", () => {
    const run = createInvoiceProfile({ dateOrder: "MDY" });
    run.bindHeader(INVOICE_HEADER);
    const row = (over: Record<number, string>) => INVOICE_HEADER.map((_, i) => over[i] ?? ["C1", "Contoso", "", "P1", "S1", "BP", "BP", "new", "1", "1.00", "1", "USD", "s1", "BP", "6/1/2026", "6/30/2026"][i] ?? "");
    expect(run.acceptRow(row({ 8: "one" }), 2)).toEqual({ kind: "rejected", reason: 'BillableQuantity: not a decimal: "one"' });
    expect(run.acceptRow(row({ 0: " " }), 3)).toEqual({ kind: "rejected", reason: "CustomerId is empty" });
    expect(run.acceptRow(row({ 14: "31/12/2026" }), 4)).toMatchObject({ kind: "rejected", reason: expect.stringContaining("ChargeStartDate") });
    expect(run.acceptRow(row({ 13: "Azure plan" }), 5)).toEqual({ kind: "skipped", reason: AZURE_PLAN_SKIP });
    expect(run.acceptRow(row({}), 6)).toEqual({ kind: "accepted" });
    expect(run.acceptRow(row({ 11: "EUR" }), 7)).toMatchObject({ kind: "rejected", reason: expect.stringContaining("Currency EUR differs from USD on line 6") });
  });

  it("names every missing column", () => {
    const run = createInvoiceProfile({ dateOrder: "MDY" });
    expect(run.bindHeader(["CustomerId", "Quantity"])).toEqual({
      ok: false,
      error: "CSV header is missing column(s): CustomerName, ProductId, SkuId, SkuName, ChargeType, BillableQuantity, SubscriptionId, ChargeStartDate, ChargeEndDate, Subtotal, Currency",
    });
  });
});

describe("partner-center-usage", () => {
  const header = ["\uFEFFCustomerId", "CustomerName", "SubscriptionId", "SubscriptionDescription", "ChargeStartDate", "UsageDate", "ResourceGroup", "Tags", "Quantity", "BillingPreTaxTotal", "BillingCurrency"];
  const row = (rg: string, tags: string, qty: string, total: string, start = "6/1/2026 0:00") => ["C1", "Contoso", "sub-1", "Azure plan", start, "6/2/2026 0:00", rg, tags, qty, total, "USD"];

  it("needs no ChargeStartDate when ?period= is given, and says which column is missing otherwise", () => {
    const noDates = header.filter((h) => h !== "ChargeStartDate" && h !== "UsageDate");
    expect(createUsageProfile({ groupBy: "subscription", measure: "cost", dateOrder: "MDY" }).bindHeader(noDates)).toEqual({ ok: false, error: "CSV header is missing column(s): ChargeStartDate (or UsageDate)" });
    expect(createUsageProfile({ groupBy: "subscription", measure: "cost", dateOrder: "MDY", period: "2026-06" }).bindHeader(noDates).ok).toBe(true);
  });

  it("groups by a tag's value, case-insensitively by key", () => {
    const run = createUsageProfile({ groupBy: "tag:Env", measure: "quantity", dateOrder: "MDY" });
    run.bindHeader(header);
    run.acceptRow(row("rg", '{"env":"prod"}', "1.5", "0.1"), 2);
    run.acceptRow(row("rg", '{"ENV":"prod"}', "2", "0.2"), 3);
    run.acceptRow(row("rg", "not json", "3", "0.3"), 4);
    const result = run.finish();
    expect(result.ok && result.value.map((d) => [d.serviceExternalId, d.quantity, d.costMinor, d.serviceUnit])).toEqual([
      ["sub-1/tag:Env=prod", "3.5", 30, "units"],
      ["sub-1/tag:Env=(untagged)", "3", 30, "units"],
    ]);
  });

  it("rejects a row whose currency differs from its count's", () => {
    const run = createUsageProfile({ groupBy: "subscription", measure: "cost", dateOrder: "MDY" });
    run.bindHeader(header);
    run.acceptRow(row("rg", "", "1", "1"), 2);
    const other = row("rg", "", "1", "1");
    other[10] = "EUR";
    expect(run.acceptRow(other, 3)).toEqual({ kind: "rejected", reason: "currency EUR differs from USD on line 2 for the same count" });
  });
});

describe("generic csv", () => {
  const config = { columns: { accountId: "Tenant", serviceName: "Plan", quantity: "Users", period: "Month" }, category: "seat" as const, aggregate: false, dateFormat: "M/D/YYYY" as const, decimalSeparator: "." as const };

  it("reads a period column as YYYY-MM or as a date", () => {
    const run = createGenericProfile(config, { period: "2026-01", periodFromQuery: false });
    expect(run.bindHeader(["Tenant", "Plan", "Users", "Month"]).ok).toBe(true);
    expect(run.acceptRow(["t1", "Pro", "4", "2026-05"], 2)).toEqual({ kind: "accepted" });
    expect(run.acceptRow(["t2", "Pro", "4", "6/30/2026"], 3)).toEqual({ kind: "accepted" });
    expect(run.acceptRow(["t3", "Pro", "4", "soon"], 4)).toMatchObject({ kind: "rejected" });
    expect(run.acceptRow(["t4", "Pro", "-1", "2026-05"], 5)).toEqual({ kind: "rejected", reason: 'Users: must not be negative (a minus sign is never accepted), got "-1"' });
    const result = run.finish();
    expect(result.ok && result.value.map((d) => [d.accountExternalId, d.period])).toEqual([["t1", "2026-05"], ["t2", "2026-06"]]);
  });

  it.each(["-0", "-0.0", " -0 ", "'-0"])("refuses the quantity %j: a minus sign is never read as 0 (issue 10 #5)", (cell) => {
    const run = createGenericProfile({ ...config, aggregate: true }, { period: "2026-01", periodFromQuery: false });
    run.bindHeader(["Tenant", "Plan", "Users", "Month"]);
    expect(run.acceptRow(["t1", "Pro", cell, "2026-05"], 7)).toEqual({ kind: "rejected", reason: `Users: must not be negative (a minus sign is never accepted), got "${cell}"` });
  });

  it.each([
    ["YYYY-MM-DD", "2026-06-30", "6/30/2026"],
    ["M/D/YYYY", "6/30/2026", "2026-06-30"],
    ["D/M/YYYY", "30/6/2026", "2026-06-30"],
  ] as const)("reads dates only in the declared format %s; another form is a line-numbered rejection (issue 10 #10)", (dateFormat, good, bad) => {
    const run = createGenericProfile({ ...config, dateFormat, columns: { ...config.columns, period: undefined, date: "Day" } }, { period: "2026-01", periodFromQuery: false });
    expect(run.bindHeader(["Tenant", "Plan", "Users", "Day"]).ok).toBe(true);
    expect(run.acceptRow(["t1", "Pro", "4", good], 2)).toEqual({ kind: "accepted" });
    expect(run.acceptRow(["t2", "Pro", "4", bad], 3)).toEqual({ kind: "rejected", reason: `Day: not a date in the profile's format ${dateFormat}: "${bad}"` });
    expect(run.finish().ok && run.finish()).toMatchObject({ value: [{ period: "2026-06" }] });
  });

  it("reads numbers with the declared decimal separator only: with \",\", 1,5 is 1.5 and 1.234 is refused, never 1.234 (issue 10 #10)", () => {
    const run = createGenericProfile({ ...config, decimalSeparator: ",", columns: { ...config.columns, cost: "Cost" }, currency: "EUR" }, { period: "2026-01", periodFromQuery: false });
    expect(run.bindHeader(["Tenant", "Plan", "Users", "Month", "Cost"]).ok).toBe(true);
    expect(run.acceptRow(["t1", "Pro", "1,5", "2026-05", "12,50"], 2)).toEqual({ kind: "accepted" });
    expect(run.acceptRow(["t2", "Pro", "1.234", "2026-05", "1"], 3)).toEqual({ kind: "rejected", reason: 'Users: not a decimal with "," as decimal separator: "1.234"' });
    expect(run.acceptRow(["t3", "Pro", "2", "2026-05", "3.5"], 4)).toEqual({ kind: "rejected", reason: 'Cost: not a decimal with "," as decimal separator: "3.5"' });
    const dot = createGenericProfile(config, { period: "2026-01", periodFromQuery: false });
    dot.bindHeader(["Tenant", "Plan", "Users", "Month"]);
    expect(dot.acceptRow(["t4", "Pro", "1,5", "2026-05"], 5)).toEqual({ kind: "rejected", reason: 'Users: not a decimal with "." as decimal separator: "1,5"' });
    expect(run.finish().ok && run.finish()).toMatchObject({ value: [{ quantity: "1.5", costMinor: 1250 }] });
  });

  it("names a missing optional column the profile relies on", () => {
    const run = createGenericProfile({ ...config, columns: { ...config.columns, cost: "Cost" } }, { period: "2026-01", periodFromQuery: false });
    expect(run.bindHeader(["Tenant", "Plan", "Users", "Month"])).toEqual({ ok: false, error: "CSV header is missing column(s): Cost" });
  });
});
