import { Buffer } from "node:buffer";
import { beforeAll, describe, expect, it } from "vitest";
import usageCsv from "../fixtures/ingest/pc-daily-usage.csv?raw";
import invoiceCsv from "../fixtures/ingest/pc-invoice-recon.csv?raw";
import keeperCsv from "../fixtures/ingest/keeper-seats.csv?raw";
import { AZURE_PLAN_SKIP } from "../../src/core/usage/partner-center-invoice.ts";
import { authed, call, createTenant, type ErrorBody, json, rows } from "../fixtures/ingest/worker-helpers.ts";

interface ImportView {
  importId: string;
  status: string;
  integrationId: string;
  rowsRead: number;
  rowsAccepted: number;
  rowsRejected: number;
  rowsSkipped: number;
  countsStaged: number;
  countsApplied: number;
  bytesRead: number;
  bytesTotal: number | null;
  rejected: Array<{ line: number; reason: string }>;
  skipped: Record<string, number>;
}

interface LedgerRow {
  account_external_id: string;
  account_name: string;
  service_external_id: string;
  period: string;
  quantity: string;
  cost_minor: number | null;
  source_ref: string;
  line_count: number;
}

let tenant: { tenantId: string; apiKey: string };

beforeAll(async () => {
  tenant = await createTenant("Import MSP");
});

/** Streams `bytes` in chunks of `chunk` bytes, like a slow upload. */
function streamOf(bytes: Uint8Array, chunk: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + chunk));
      at += chunk;
    },
  });
}

function upload(query: string, body: Uint8Array | string, contentType = "text/csv", chunk = 0): Promise<Response> {
  const bytes = typeof body === "string" ? new TextEncoder().encode(body) : body;
  const init = { method: "POST", headers: { authorization: `Bearer ${tenant.apiKey}`, "content-type": contentType }, body: chunk > 0 ? streamOf(bytes, chunk) : bytes, duplex: "half" };
  return call(`/api/v1/imports?${query}`, init as RequestInit);
}

async function ledger(importId: string): Promise<LedgerRow[]> {
  return rows<LedgerRow>(
    "SELECT account_external_id, account_name, service_external_id, period, quantity, cost_minor, source_ref, line_count FROM ingest_count_log WHERE tenant_id = ? AND source_id = ? ORDER BY account_name, service_external_id, period",
    tenant.tenantId, importId,
  );
}

async function gzip(parts: string[]): Promise<Uint8Array> {
  const members = await Promise.all(parts.map(async (p) => new Uint8Array(await new Response(new Blob([p]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer())));
  return new Uint8Array(Buffer.concat(members));
}

const A = "3f2a9c4e-1b7d-4e2a-9c1f-5a6b7c8d9e01";
const B = "8b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e";
const AS = "6f1e2d3c-aaaa-4bbb-8ccc-111111111111";
const BS = "7a2b3c4d-dddd-4eee-8fff-222222222222";

describe("profile partner-center-invoice", () => {
  it("nets NCE charge lines to the seats in force at period end, with cost, skipping Azure plan lines", async () => {
    const { import: view } = await json<{ import: ImportView }>(await upload("profile=partner-center-invoice", invoiceCsv), 201);
    expect(view).toMatchObject({ status: "live", rowsRead: 13, rowsAccepted: 12, rowsSkipped: 1, rowsRejected: 0, countsStaged: 4, countsApplied: 4, skipped: { [AZURE_PLAN_SKIP]: 1 } });
    expect(view.integrationId).toBe(`int_pc_${tenant.tenantId}`);
    const id = view.importId;
    expect(await ledger(id)).toEqual([
      { account_external_id: A, account_name: "Contoso, Ltd.", service_external_id: "CFQ7TTC0LCHC:0002", period: "2026-06", quantity: "15", cost_minor: 29133, source_ref: `import:${id}:L2-L5`, line_count: 4 },
      { account_external_id: A, account_name: "Contoso, Ltd.", service_external_id: "CFQ7TTC0LH16:0001", period: "2026-06", quantity: "0", cost_minor: 1633, source_ref: `import:${id}:L6-L7`, line_count: 2 },
      { account_external_id: B, account_name: "Fabrikam", service_external_id: "CFQ7TTC0LCHC:0002", period: "2026-06", quantity: "6", cost_minor: 7536, source_ref: `import:${id}:L8-L14`, line_count: 4 },
      { account_external_id: B, account_name: "Fabrikam", service_external_id: "CFQ7TTC0LDPB:0001", period: "2026-06", quantity: "0", cost_minor: 3667, source_ref: `import:${id}:L12-L13`, line_count: 2 },
    ]);
    const live = await rows<{ source_ref: string; quantity: string }>("SELECT source_ref, quantity FROM usage_counts WHERE tenant_id = ? AND source_ref LIKE ? ORDER BY source_ref", tenant.tenantId, `import:${id}:%`);
    expect(live.map((r) => r.quantity).sort()).toEqual(["0", "0", "15", "6"]);
    const [account] = await rows<{ description: string }>("SELECT description FROM vendor_accounts WHERE tenant_id = ? AND external_id = ?", tenant.tenantId, A);
    expect(account?.description).toBe("contoso.onmicrosoft.com");
  });

  it("refuses a file declared over 100 MB with 413 before reading it, and records no import (matrix row 37)", async () => {
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 65_536;
        controller.enqueue(new Uint8Array(65_536));
      },
    });
    const before = await rows<{ n: number }>("SELECT count(*) AS n FROM ingest_imports WHERE tenant_id = ?", tenant.tenantId);
    const init = { method: "POST", headers: { authorization: `Bearer ${tenant.apiKey}`, "content-type": "text/csv", "content-length": String(100 * 1024 * 1024 + 1) }, body: endless, duplex: "half" };
    const res = await call("/api/v1/imports?profile=partner-center-invoice", init as RequestInit);
    const body = await json<ErrorBody>(res, 413);
    expect(body.error).toMatchObject({ code: "payload_too_large" });
    expect(body.error.message).toMatch(/^body: the file is 104857601 bytes; an import takes at most 104857600/);
    expect(pulled).toBeLessThan(1024 * 1024); // refused on the declared length, not after streaming 100 MB
    expect(await rows<{ n: number }>("SELECT count(*) AS n FROM ingest_imports WHERE tenant_id = ?", tenant.tenantId)).toEqual(before);
  });

  it("gives the same counts when the upload arrives in 7-byte chunks", async () => {
    // `period` makes the options differ from the first upload, so this is not a re-upload of it.
    const { import: view } = await json<{ import: ImportView }>(await upload("profile=partner-center-invoice&period=2026-06", invoiceCsv, "text/csv", 7), 201);
    expect((await ledger(view.importId)).map((r) => [r.quantity, r.cost_minor])).toEqual([["15", 29133], ["0", 1633], ["6", 7536], ["0", 3667]]);
  });

  it("answers a byte-identical re-upload with the first import (same importId, 200), writing nothing (issue 10 #6)", async () => {
    const count = async (table: string) => (await rows<{ n: number }>(`SELECT count(*) AS n FROM ${table} WHERE tenant_id = ?`, tenant.tenantId))[0]?.n;
    const first = await json<{ import: ImportView }>(await upload("profile=partner-center-invoice&dateOrder=MDY", invoiceCsv), 201);
    const before = { imports: await count("ingest_imports"), ledger: await count("ingest_count_log") };
    const res = await upload("profile=partner-center-invoice&dateOrder=MDY", invoiceCsv, "text/csv", 11);
    const again = await json<{ import: ImportView }>(res, 200);
    expect(res.headers.get("idempotent-replayed")).toBe("true");
    expect(again.import.importId).toBe(first.import.importId);
    expect({ imports: await count("ingest_imports"), ledger: await count("ingest_count_log") }).toEqual(before);
    // One byte more, or other options, is a new import.
    expect((await upload("profile=partner-center-invoice&dateOrder=MDY", `${invoiceCsv}\r\n`)).status).toBe(201);
    expect((await upload("profile=partner-center-invoice&dateOrder=MDY&period=2026-05", invoiceCsv)).status).toBe(201);
  });
});

describe("profile partner-center-usage", () => {
  it.each([
    ["subscription (default)", "", [[A, AS, "2026-06", "4.66875018", 467], [B, BS, "2026-05", "0.18", 18], [B, BS, "2026-06", "0.9", 90]]],
    ["resource group", "&groupBy=resourceGroup", [[A, `${AS}/rg:rg-dev`, "2026-06", "4.50000018", 450], [A, `${AS}/rg:rg-prod`, "2026-06", "0.16875", 17], [B, `${BS}/rg:rg-web`, "2026-05", "0.18", 18], [B, `${BS}/rg:rg-web`, "2026-06", "0.9", 90]]],
    ["a tag", "&groupBy=tag:env", [[A, `${AS}/tag:env=(untagged)`, "2026-06", "4.5", 450], [A, `${AS}/tag:env=dev`, "2026-06", "0.00000018", 0], [A, `${AS}/tag:env=prod`, "2026-06", "0.16875", 17], [B, `${BS}/tag:env=prod`, "2026-05", "0.18", 18], [B, `${BS}/tag:env=prod`, "2026-06", "0.9", 90]]],
    ["raw quantity", "&measure=quantity", [[A, AS, "2026-06", "103.750004", 467], [B, BS, "2026-05", "4", 18], [B, BS, "2026-06", "20", 90]]],
  ])("sums exactly per customer × %s × period, cost rounded once", async (_label, query, expected) => {
    const { import: view } = await json<{ import: ImportView }>(await upload(`profile=partner-center-usage${query}`, usageCsv), 201);
    expect(view).toMatchObject({ status: "live", rowsRead: 7, rowsAccepted: 7 });
    const got = (await ledger(view.importId)).map((r) => [r.account_external_id, r.service_external_id, r.period, r.quantity, r.cost_minor]);
    expect(got.sort()).toEqual([...expected].sort());
  });

  it("reads multi-member gzip (.csv.gz)", async () => {
    const half = usageCsv.indexOf("\r\n", usageCsv.length / 2) + 2;
    const body = await gzip([usageCsv.slice(0, half), usageCsv.slice(half)]);
    const { import: view } = await json<{ import: ImportView }>(await upload("profile=partner-center-usage", body, "application/gzip", 100), 201);
    expect(view).toMatchObject({ rowsRead: 7, bytesRead: body.length });
    expect((await ledger(view.importId)).map((r) => r.quantity).sort()).toEqual(["0.18", "0.9", "4.66875018"]);
  });

  it("answers 400 naming the missing columns", async () => {
    const broken = usageCsv.replace("BillingPreTaxTotal", "PreTax").replace("BillingCurrency", "Curr");
    const error = (await json<ErrorBody>(await upload("profile=partner-center-usage", broken), 400)).error;
    expect(error.message).toBe("CSV header is missing column(s): BillingPreTaxTotal, BillingCurrency (profile partner-center-usage)");
    const [failed] = await rows<{ status: string; error: string }>("SELECT status, error FROM ingest_imports WHERE tenant_id = ? ORDER BY created_at DESC LIMIT 1", tenant.tenantId);
    expect(failed).toMatchObject({ status: "failed" });
  });

  it("rejects bad rows with their line numbers and imports nothing", async () => {
    const lines = usageCsv.split("\r\n");
    // The record on lines 5–6 spans two physical lines (a quoted newline); break the records on lines 7 and 9.
    const bad = lines.map((l, i) => (i === 5 ? l.replace(",0.45,USD", ",abc,USD") : i === 7 ? l.replace(",0.18,USD", ",,USD") : l)).join("\r\n");
    const before = await rows("SELECT id FROM usage_counts WHERE tenant_id = ?", tenant.tenantId);
    const error = (await json<ErrorBody>(await upload("profile=partner-center-usage", bad), 400)).error;
    expect(error.message).toMatch(/^2 row\(s\) rejected, nothing imported — line 7: BillingPreTaxTotal: not a decimal: "abc"; line 9: BillingPreTaxTotal: not a decimal: ""/);
    const importId = /imports\/(imp_\w+)/.exec(error.message)?.[1] as string;
    const { import: view } = await json<{ import: ImportView }>(await authed(tenant.apiKey, `/api/v1/imports/${importId}`), 200);
    expect(view).toMatchObject({ status: "failed", rowsRead: 7, rowsAccepted: 5, rowsRejected: 2 });
    expect(view.rejected).toEqual([
      { line: 7, reason: 'BillingPreTaxTotal: not a decimal: "abc"' },
      { line: 9, reason: 'BillingPreTaxTotal: not a decimal: ""' },
    ]);
    expect(await ledger(importId)).toEqual([]);
    expect(await rows("SELECT id FROM usage_counts WHERE tenant_id = ?", tenant.tenantId)).toEqual(before);
  });
});

describe("profile csv (saved column profile)", () => {
  let profileId: string;

  it("creates a profile bound to its own integration; names are unique", async () => {
    const body = { name: "Keeper seats", columns: { accountId: "Customer ID", accountName: "Customer", serviceName: "Product", quantity: "Seats", cost: "Cost", date: "Report Date" }, currency: "usd", aggregate: true, dateFormat: "M/D/YYYY", decimalSeparator: "." };
    const created = await json<{ profile: { profileId: string; integrationId: string } }>(await authed(tenant.apiKey, "/api/v1/import-profiles", "POST", body), 201);
    profileId = created.profile.profileId;
    expect((await authed(tenant.apiKey, "/api/v1/import-profiles", "POST", body)).status).toBe(409);
  });

  it.each([
    ["a UTF-8 CSV", (): string | Uint8Array => keeperCsv, "text/csv"],
    ["an Excel 'Unicode text' file (UTF-16LE, tab-separated)", (): string | Uint8Array => Buffer.from(`\uFEFF${keeperCsv.replace(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/g, "\t").replace(/"/g, "")}`, "utf16le"), "text/plain"],
  ])("aggregates rows per account × service from %s", async (_label, body, type) => {
    const { import: view } = await json<{ import: ImportView }>(await upload(`profile=csv&profileId=${profileId}`, body(), type), 201);
    const got = (await ledger(view.importId)).map((r) => [r.account_name, r.service_external_id, r.period, r.quantity, r.cost_minor]);
    expect(got).toEqual([
      ["Contoso, Ltd.", "BreachWatch", "2026-06", "1", 125],
      ["Contoso, Ltd.", "Keeper Business", "2026-06", "2", 750],
      ["Fabrikam", "Keeper Business", "2026-06", "1", 375],
    ]);
  });

  it("wants the date and number formats declared, never guessed (issue 10 #10)", async () => {
    const base = { name: "Formats", columns: { accountId: "Customer ID", serviceName: "Product", quantity: "Seats", date: "Report Date" } };
    const noDate = (await json<ErrorBody>(await authed(tenant.apiKey, "/api/v1/import-profiles", "POST", { ...base, decimalSeparator: "." }), 400)).error;
    expect(noDate.message).toContain("body.dateFormat: required with a date or period column");
    const noDecimal = (await json<ErrorBody>(await authed(tenant.apiKey, "/api/v1/import-profiles", "POST", { ...base, dateFormat: "M/D/YYYY" }), 400)).error;
    expect(noDecimal.message).toContain("body.decimalSeparator");
  });

  it("reads a ';' file with decimal commas as declared: 1.234 is a line-numbered error, not 1.234 (issue 10 #10)", async () => {
    const body = { name: "EU export", columns: { accountId: "Kunde", serviceName: "Produkt", quantity: "Menge", date: "Datum" }, dateFormat: "D/M/YYYY", decimalSeparator: ",", delimiter: ";", aggregate: false };
    const created = await json<{ profile: { profileId: string } }>(await authed(tenant.apiKey, "/api/v1/import-profiles", "POST", body), 201);
    const good = await json<{ import: ImportView }>(await upload(`profile=csv&profileId=${created.profile.profileId}`, "Kunde;Produkt;Menge;Datum\r\neu-1;Backup;1,5;30/6/2026\r\n"), 201);
    expect((await ledger(good.import.importId)).map((r) => [r.account_external_id, r.quantity, r.period])).toEqual([["eu-1", "1.5", "2026-06"]]);
    const bad = (await json<ErrorBody>(await upload(`profile=csv&profileId=${created.profile.profileId}`, "Kunde;Produkt;Menge;Datum\r\neu-2;Backup;1.234;30/6/2026\r\neu-3;Backup;2;6/30/2026\r\n"), 400)).error;
    expect(bad.message).toContain('line 2: Menge: not a decimal with "," as decimal separator: "1.234"');
    expect(bad.message).toContain("line 3: Datum: no such date");
  });

  it("without aggregate, a second row for the same key is rejected naming the first", async () => {
    const body = { name: "Keeper strict", columns: { accountId: "Customer ID", serviceName: "Product", quantity: "Seats" }, aggregate: false, decimalSeparator: "." };
    const created = await json<{ profile: { profileId: string } }>(await authed(tenant.apiKey, "/api/v1/import-profiles", "POST", body), 201);
    const error = (await json<ErrorBody>(await upload(`profile=csv&profileId=${created.profile.profileId}&period=2026-06`, keeperCsv), 400)).error;
    expect(error.message).toContain('line 3: same account, service and period as line 2 (enable "aggregate" to sum such rows)');
  });
});

describe("periods and signs on the CSV road (issue 10 #4, #5)", () => {
  const months = () => {
    const now = new Date();
    const shift = (by: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + by, 1)).toISOString().slice(0, 7);
    return { previous: shift(-1), current: shift(0), next: shift(1) };
  };
  const profile = async (name: string, { columns = {}, ...rest }: { columns?: Record<string, string>; arrears?: boolean; aggregate?: boolean } = {}) => {
    const body = { name, columns: { accountId: "Tenant", serviceName: "Plan", quantity: "Users", ...columns }, aggregate: false, decimalSeparator: ".", dateFormat: "YYYY-MM-DD", ...rest };
    return (await json<{ profile: { profileId: string } }>(await authed(tenant.apiKey, "/api/v1/import-profiles", "POST", body), 201)).profile.profileId;
  };

  it("refuses a row whose period is after the current month, naming its line, and imports nothing", async () => {
    const { current, next } = months();
    const id = await profile("Periods", { columns: { period: "Month" } });
    const csv = `Tenant,Plan,Users,Month\r\nt1,Pro,4,${current}\r\nt2,Pro,5,2099-12\r\n`;
    const error = (await json<ErrorBody>(await upload(`profile=csv&profileId=${id}`, csv), 400)).error;
    expect(error.message).toBe(`line 3: period must not be after the current month (${current}), got "2099-12"; nothing imported`);
    const nextMonth = (await json<ErrorBody>(await upload(`profile=csv&profileId=${id}`, `Tenant,Plan,Users,Month\r\nt3,Pro,4,${next}\r\n`), 400)).error;
    expect(nextMonth.message).toContain("line 2: period must not be after the current month");
    expect(await rows("SELECT id FROM vendor_accounts WHERE tenant_id = ? AND external_id IN ('t1','t2','t3')", tenant.tenantId)).toEqual([]);
  });

  it("refuses ?period= after the current month, naming the query field", async () => {
    const error = (await json<ErrorBody>(await upload("profile=partner-center-usage&period=2099-12", usageCsv), 400)).error;
    expect(error.message).toBe(`query.period: must not be after the current month (${months().current}), got "2099-12"`);
  });

  it("records an arrears export (profile field or ?arrears=true) for the month it covers, the month before the import", async () => {
    const { previous, current } = months();
    const arrears = await profile("Arrears report", { arrears: true });
    const first = await json<{ import: ImportView }>(await upload(`profile=csv&profileId=${arrears}`, "Tenant,Plan,Users\r\narr-1,Pro,4\r\n"), 201);
    expect((await ledger(first.import.importId)).map((r) => r.period)).toEqual([previous]);
    const plain = await profile("Monthly report");
    const second = await json<{ import: ImportView }>(await upload(`profile=csv&profileId=${plain}`, "Tenant,Plan,Users\r\narr-2,Pro,4\r\n"), 201);
    expect((await ledger(second.import.importId)).map((r) => r.period)).toEqual([current]);
    const third = await json<{ import: ImportView }>(await upload(`profile=csv&profileId=${plain}&arrears=true`, "Tenant,Plan,Users\r\narr-3,Pro,4\r\n"), 201);
    expect((await ledger(third.import.importId)).map((r) => r.period)).toEqual([previous]);
  });

  it("refuses a Windows-1252 file (Excel's ANSI \"CSV\") naming the line, instead of storing mojibake", async () => {
    const id = await profile("ANSI export");
    const ansi = Uint8Array.from([...new TextEncoder().encode("Tenant,Plan,Users\r\nCaf"), 0xe9, ...new TextEncoder().encode(",Pro,2\r\n")]);
    const error = (await json<ErrorBody>(await upload(`profile=csv&profileId=${id}&period=2026-06`, ansi), 400)).error;
    expect(error.message).toContain('line 2: Tenant is not valid UTF-8 (save the file as "CSV UTF-8" or "Unicode text")');
  });

  it.each(["-0", "-0.0", "-1"])("refuses the quantity cell %j naming its line (never read as 0)", async (cell) => {
    const id = await profile(`Signs ${cell}`, { aggregate: true });
    const error = (await json<ErrorBody>(await upload(`profile=csv&profileId=${id}&period=2026-06`, `Tenant,Plan,Users\r\nsign-1,Pro,2\r\nsign-1,Pro,${cell}\r\n`), 400)).error;
    expect(error.message).toContain(`line 3: Users: must not be negative (a minus sign is never accepted), got "${cell}"`);
  });
});

describe("request checks", () => {
  it.each([
    ["an unknown profile", "profile=excel", "text/csv", 400, "query.profile"],
    ["csv without profileId", "profile=csv", "text/csv", 400, "query.profileId"],
    ["a bad period", "profile=partner-center-usage&period=2026-6", "text/csv", 400, "query.period"],
    ["JSON", "profile=partner-center-usage", "application/json", 415, "Content-Type"],
  ])("rejects %s", async (_label, query, type, status, text) => {
    expect((await json<ErrorBody>(await upload(query, usageCsv, type), status)).error.message).toContain(text);
  });

  it("answers 400 for a file that is not CSV (an unclosed quote), importing nothing", async () => {
    const broken = `${usageCsv.split("\r\n")[0]}\r\n"unclosed,1,2\r\n`;
    const error = (await json<ErrorBody>(await upload("profile=partner-center-usage", broken), 400)).error;
    expect(error).toMatchObject({ code: "bad_request", message: expect.stringMatching(/^record starting on line 2: CSV Quote Not Closed.*; nothing imported$/) });
  });

  it("fails an import left processing without progress (its request died), so nothing waits on it", async () => {
    const old = new Date(Date.now() - 11 * 60_000).toISOString();
    await rows(
      "INSERT INTO ingest_imports (id, tenant_id, integration_id, profile, status, actor, created_at, updated_at) VALUES ('imp_stale', ?, ?, 'partner-center-usage', 'processing', 'test', ?, ?) RETURNING id",
      tenant.tenantId, `int_pc_${tenant.tenantId}`, old, old,
    );
    const { import: view } = await json<{ import: ImportView & { error: string } }>(await authed(tenant.apiKey, "/api/v1/imports/imp_stale"), 200);
    expect(view).toMatchObject({ status: "failed", error: expect.stringContaining("interrupted") });
  });

  it("hides imports from other tenants", async () => {
    const other = await createTenant("Other importer");
    expect((await authed(other.apiKey, "/api/v1/imports/imp_stale")).status).toBe(404);
    expect((await json<{ imports: unknown[] }>(await authed(other.apiKey, "/api/v1/imports"), 200)).imports).toEqual([]);
  });

  it("lists imports newest first", async () => {
    const older = (await json<{ import: ImportView & { createdAt: string } }>(await upload("profile=partner-center-usage&period=2026-01", usageCsv), 201)).import;
    await new Promise((resolve) => setTimeout(resolve, 5));
    const newer = (await json<{ import: ImportView & { createdAt: string } }>(await upload("profile=partner-center-usage&period=2026-02", usageCsv), 201)).import;
    expect(newer.createdAt > older.createdAt).toBe(true);
    const { imports } = await json<{ imports: Array<ImportView & { createdAt: string }> }>(await authed(tenant.apiKey, "/api/v1/imports"), 200);
    expect(imports.slice(0, 2).map((i) => i.importId)).toEqual([newer.importId, older.importId]);
    const times = imports.map((i) => i.createdAt);
    expect(new Set(times).size).toBeGreaterThan(5);
    expect(times).toEqual([...times].sort().reverse());
    expect(new Set(imports.map((i) => i.status))).toEqual(new Set(["live", "failed"]));
  });
});
