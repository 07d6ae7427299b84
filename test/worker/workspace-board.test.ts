import { beforeAll, describe, expect, it } from "vitest";
import type { ReconciliationPage, ReconRow } from "../../src/shared/api-types.ts";
import { call, type ErrorJson, withKey } from "./helpers/http.ts";
import { seedDemo } from "./helpers/seed.ts";

let key: string;

async function page(query: string): Promise<ReconciliationPage> {
  const res = await call(`/api/v1/reconciliation${query}`, withKey(key));
  expect(res.status).toBe(200);
  return res.json();
}

async function walk(query: string, limit: number): Promise<ReconRow[]> {
  const rows: ReconRow[] = [];
  let cursor: string | null = null;
  do {
    const next: ReconciliationPage = await page(`${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
    rows.push(...next.rows);
    cursor = next.nextCursor;
  } while (cursor !== null);
  return rows;
}

beforeAll(async () => {
  key = await seedDemo();
});

describe("board additions to GET /api/v1/reconciliation", () => {
  it("q searches customer, agreement and product names, case-insensitively, with totals over the match", async () => {
    const all = (await page("?limit=500")).rows;
    const hits = (await page("?q=BRIGHTLINE&limit=500")).rows;
    expect(hits.length).toBeGreaterThan(0);
    expect(hits).toEqual(all.filter((r) => [r.companyName, r.agreementName, r.productName].some((n) => n?.toLowerCase().includes("brightline"))));
    const product = all.find((r) => r.productName)!.productName!;
    expect((await page(`?q=${encodeURIComponent(product.slice(2, 9))}&limit=500`)).rows.map((r) => r.key)).toContain(all.find((r) => r.productName === product)!.key);
    expect((await page("?q=%25&limit=500")).rows).toEqual([]); // a literal %, not a wildcard
  });

  it("sort=impact lists the largest money first and its cursor walks every row once", async () => {
    const all = (await page("?limit=500")).rows;
    const sorted = await walk("?sort=impact", 3);
    expect(sorted.map((r) => r.key).sort()).toEqual(all.map((r) => r.key).sort());
    const impacts = sorted.map((r) => (r.monthlyImpactMinor === null ? -1 : Math.abs(r.monthlyImpactMinor)));
    expect(impacts).toEqual([...impacts].sort((a, b) => b - a));
    expect(impacts[0]).toBeGreaterThan(0);
  });

  it("refuses an unknown sort and an empty q naming the field", async () => {
    for (const [q, field] of [["?sort=money", "query.sort"], ["?q=", "query.q"]] as const) {
      const res = await call(`/api/v1/reconciliation${q}`, withKey(key));
      expect(res.status).toBe(400);
      expect(((await res.json()) as ErrorJson).error.message).toContain(field);
    }
  });
});
