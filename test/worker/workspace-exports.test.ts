import { env } from "cloudflare:workers";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { call, createTenant, type ErrorJson, withKey } from "./helpers/http.ts";
import { seedDemo } from "./helpers/seed.ts";
import { createUser, session } from "./workspace-helpers.ts";

let demoKey: string;
let big: { tenantId: string; apiKey: string };
const BOM = "\uFEFF";

/** Keeps the BOM (TextDecoder drops it by default) after checking it is the UTF-8 one. */
function utf8(bytes: Uint8Array): string {
  expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  return new TextDecoder("utf-8", { ignoreBOM: true, fatal: true }).decode(bytes);
}

function rowsOf(text: string): string[][] {
  expect(text.startsWith(BOM)).toBe(true);
  return parse(text.slice(BOM.length), { relax_column_count: false }) as string[][];
}

async function csv(path: string, key = demoKey): Promise<{ res: Response; text: string }> {
  const res = await call(path, withKey(key));
  return { res, text: res.status === 200 ? utf8(new Uint8Array(await res.arrayBuffer())) : "" };
}

async function insertDecision(id: string, at: string, action: string, oldQ: string | null, newQ: string | null, note: string, state = "applied"): Promise<void> {
  await env.DB.prepare(
    `INSERT INTO decisions (id, tenant_id, agreement_id, line_id, product_key, action, actor, old_quantity, new_quantity, effective_date, note, writeback_state, created_at, updated_at)
     SELECT ?1, 'tnt_demo', 'demo_agr_bright', 'demo_line_bright_1', product_key, ?2, 'user:ann@northwind.test', ?3, ?4, '2026-04-01', ?5, ?6, ?7, ?7
     FROM agreement_lines WHERE id = 'demo_line_bright_1'`,
  )
    .bind(id, action, oldQ, newQ, note, state, at)
    .run();
}

beforeAll(async () => {
  demoKey = await seedDemo();
  big = await createTenant("Big MSP");
  await insertDecision("dec_a", "2026-03-10T09:00:00.000Z", "approve", "40", "44", "=cmd|' /C calc'!A0");
  await insertDecision("dec_b", "2026-03-12T09:00:00.000Z", "dismiss", null, null, 'Customer says "no", see ticket\nline 2');
  await insertDecision("dec_c", "2026-04-02T09:00:00.000Z", "approve", "44", "45", "outside the range");
});

describe("GET /api/v1/exports/reconciliation.csv", () => {
  it("exports every row (unmapped usage included) as RFC 4180 UTF-8 with a BOM, as an attachment, equal to the paged API", async () => {
    const { res, text } = await csv("/api/v1/exports/reconciliation.csv");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(/^attachment; filename="trueup-reconciliation-\d{4}-\d{2}-\d{2}\.csv"$/);
    expect(text).toContain("\r\n");
    const [header, ...rows] = rowsOf(text);
    expect(header?.slice(0, 5)).toEqual(["Customer", "Agreement", "Product", "Product key", "Status"]);
    const api = (await (await call("/api/v1/reconciliation?limit=500", withKey(demoKey))).json()) as { rows: Array<{ key: string; status: string; monthlyImpactMinor: number | null }> };
    const keyCol = header!.indexOf("Row key");
    expect(rows.map((r) => r[keyCol])).toEqual(api.rows.map((r) => r.key));
    expect(rows.some((r) => r[4] === "unmapped-account" || r[4] === "unmapped-service")).toBe(true);
    const increase = api.rows.find((r) => r.status === "increase" && r.monthlyImpactMinor !== null)!;
    const line = rows.find((r) => r[keyCol] === increase.key)!;
    expect(line[header!.indexOf("Money per month")]).toBe((increase.monthlyImpactMinor! / 100).toFixed(2));
  });

  it("applies the board's filters", async () => {
    const { text } = await csv("/api/v1/exports/reconciliation.csv?status=increase&companyId=demo_co_bright");
    const [, ...rows] = rowsOf(text);
    expect(rows.length).toBeGreaterThan(0);
    expect(new Set(rows.map((r) => `${r[0]}|${r[4]}`))).toEqual(new Set(["Brightline Logistics|increase"]));
  });

  it("makes hostile names formula-safe and quotes commas, quotes and newlines", async () => {
    await env.DB.prepare("UPDATE psa_companies SET name = ? WHERE id = 'demo_co_bright'").bind('=HYPERLINK("http://evil.test","Brightline, \"Logistics\"")').run();
    await env.DB.prepare("UPDATE recon_rows SET body = json_set(body, '$.companyName', ?) WHERE company_id = 'demo_co_bright'").bind('=HYPERLINK("http://evil.test","Brightline, \"Logistics\"")').run();
    const { text } = await csv("/api/v1/exports/reconciliation.csv?companyId=demo_co_bright");
    expect(text).toContain(`"'=HYPERLINK(""http://evil.test"",""Brightline, ""Logistics"""")"`);
    const [, first] = rowsOf(text);
    expect(first?.[0]).toBe(`'=HYPERLINK("http://evil.test","Brightline, "Logistics"")`);
  });

  it("validates the query like the board (naming the field) and needs authentication", async () => {
    const bad = await call("/api/v1/exports/reconciliation.csv?status=nope", withKey(demoKey));
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorJson).error.message).toContain("query.status");
    expect((await call("/api/v1/exports/reconciliation.csv?limit=5", withKey(demoKey))).status).toBe(400);
    expect((await call("/api/v1/exports/reconciliation.csv")).status).toBe(401);
  });

  it("streams a 20,000-row tenant page by page (never one string) with every row exactly once", async () => {
    await env.DB.prepare(
      `INSERT INTO recon_rows (tenant_id, row_key, scope, status, company_id, sort_group, sort_key, body, input_seq, computed_at)
       WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 20000)
       SELECT ?1, 'row-' || printf('%05d', i), 'co:big', 'match', 'co_big', 0, printf('%05d', i),
         json_object('key', 'row-' || printf('%05d', i), 'status', 'match', 'companyName', 'Customer ' || i, 'productName', 'Seat, "Pro"',
           'psaQuantity', '10', 'vendorQuantity', '10', 'variance', '0', 'sources', json('[]'), 'proposal', NULL), 1, '2026-03-01T00:00:00.000Z'
       FROM n`,
    )
      .bind(big.tenantId)
      .run();
    const res = await call("/api/v1/exports/reconciliation.csv", withKey(big.apiKey));
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder("utf-8", { ignoreBOM: true, fatal: true });
    let chunks = 0;
    let largest = 0;
    let text = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks += 1;
      largest = Math.max(largest, value.byteLength);
      text += decoder.decode(value, { stream: true });
    }
    const [, ...rows] = rowsOf(text);
    expect(rows).toHaveLength(20_000);
    expect(new Set(rows.map((r) => r.at(-1))).size).toBe(20_000);
    expect(rows[0]?.[2]).toBe('Seat, "Pro"');
    // Header + 40 pages of 500: no chunk holds more than a page (~500 lines of ~110 bytes).
    expect(chunks).toBeGreaterThanOrEqual(41);
    expect(largest).toBeLessThan(text.length / 20);
  });
});

describe("GET /api/v1/exports/decisions.csv", () => {
  it("lists the range's decisions newest first with old → new, money per month, who, when and the PSA write state", async () => {
    const { res, text } = await csv("/api/v1/exports/decisions.csv?from=2026-03-01&to=2026-03-31");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="trueup-decisions-2026-03-01-to-2026-03-31.csv"');
    const [header, ...rows] = rowsOf(text);
    expect(header).toEqual([
      "Customer", "Agreement", "Product", "Action", "Old quantity", "New quantity", "Effective date", "Money per month", "Currency", "Note",
      "Decided by", "Decided at", "PSA write state", "PSA error", "Decision id",
    ]);
    expect(rows.map((r) => r[14])).toEqual(["dec_b", "dec_a"]);
    const price = await env.DB.prepare("SELECT unit_price_minor AS p, product_name AS n FROM agreement_lines WHERE id = 'demo_line_bright_1'").first<{ p: number; n: string }>();
    const [dismissed, approved] = rows;
    // (the hostile-name test above renamed the company: its name comes back formula-safe here too)
    expect(approved?.slice(0, 9)).toEqual([`'=HYPERLINK("http://evil.test","Brightline, "Logistics"")`, "Brightline — Cloud & Security", price!.n, "approve", "40", "44", "2026-04-01", ((4 * price!.p) / 100).toFixed(2), "USD"]);
    expect(approved?.[9]).toBe("'=cmd|' /C calc'!A0");
    expect(approved?.slice(10, 13)).toEqual(["user:ann@northwind.test", "2026-03-10T09:00:00.000Z", "applied"]);
    expect(dismissed?.[7]).toBe("");
    expect(dismissed?.[9]).toBe('Customer says "no", see ticket\nline 2');
  });

  it("needs a valid range, is tenant-scoped, and a viewer may export", async () => {
    for (const q of ["", "?from=2026-03-01", "?from=2026-03-31&to=2026-03-01", "?from=2026-13-01&to=2026-13-02"]) {
      expect([q, (await call(`/api/v1/exports/decisions.csv${q}`, withKey(demoKey))).status]).toEqual([q, 400]);
    }
    const { text } = await csv("/api/v1/exports/decisions.csv?from=2026-01-01&to=2026-12-31", big.apiKey);
    expect(rowsOf(text)).toHaveLength(1);
    await createUser("tnt_demo", "acct@northwind.test", "viewer");
    const viewer = await session("tnt_demo", "acct@northwind.test");
    expect((await viewer.fetch("/api/v1/exports/decisions.csv?from=2026-01-01&to=2026-12-31")).status).toBe(200);
  });
});
