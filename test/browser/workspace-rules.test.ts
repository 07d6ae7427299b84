/// <reference lib="dom" />
/**
 * A count rule edited in the workspace's mapping grid (issue 12 §6): the rule
 * column says what each service mapping bills, a bad value is refused with
 * the API's message naming the field, the preview lists the rows and the money
 * it moves before anything is saved, and saving changes the rows.
 */
import { afterAll, describe, expect, it } from "vitest";
import { useBrowser } from "./pod-host.ts";
import { expectAccessible, screenshots, signIn, tenantApi } from "./workspace-harness.ts";

const b = useBrowser();
const ROW = "tr[data-service-mapping$='|M365-BP']:has(td:text-is('Microsoft 365 Business Premium'))";

async function brightlineSeats(): Promise<{ vendorQuantity: string | null; variance: string | null }> {
  const page = await tenantApi<{ rows: Array<{ companyName: string | null; productKey: string | null; vendorQuantity: string | null; variance: string | null }> }>("GET", "/api/v1/reconciliation?limit=500");
  const row = page.body.rows.find((r) => r.companyName === "Brightline Logistics" && r.productKey === "M365-BP");
  return { vendorQuantity: row?.vendorQuantity ?? null, variance: row?.variance ?? null };
}

describe("count rules in the mapping grid", () => {
  let serviceId: string | null = null;
  // The shared stack's other tests expect the demo as seeded.
  afterAll(async () => {
    if (serviceId) expect((await tenantApi("POST", "/api/v1/mappings/services", { serviceId, productKey: "M365-BP", rule: {} })).status).toBe(201);
  });

  it("rounds Business Premium up to blocks of 5 after a refused step of 0 and a preview of the rows it changes", async () => {
    const page = await b.get().context.newPage();
    await signIn(page, "approver", "mappings");
    await page.uncheck("label:has-text('Unmapped only') input");
    const row = page.locator(ROW);
    await row.waitFor();
    serviceId = ((await row.getAttribute("data-service-mapping")) ?? "").split("|")[0] ?? null;
    expect(await row.locator("td[data-rule]").textContent()).toBe("as reported");
    await row.locator("button[data-action=edit-rule]").click();
    const editor = page.locator("form.rule-editor");
    await editor.locator("select").nth(2).selectOption("up");
    await editor.locator("input[name=step]").fill("0");
    await editor.locator("button[data-action=preview-rule]").click();
    expect(await editor.locator("[role=alert]").textContent()).toMatch(/^body\.rule\.round\.step: must be greater than 0/);
    await editor.locator("input[name=step]").fill("5");
    await editor.locator("button[data-action=preview-rule]").click();
    const preview = editor.locator("[data-preview]");
    await preview.waitFor();
    // Rounded up to a multiple of 5 (demo seed, $26.00 a seat; ConnectWise bills quantity × price):
    //   Acme 25 → 25: unchanged.  Brightline 44 → 45 vs 40: $104.00 → $130.00 (+$26.00)
    //   Foxglove 9 → 10 vs 9: $0 → $26.00.  Granite 36 → 40 vs 33: $78.00 → $182.00 (+$104.00)
    //   Keystone 14 → 15: flat rate, changes no total.  4 rows; under-billed +$156.00 a month.
    expect(await preview.locator("p").first().textContent()).toBe("This rule will: change 4 rows; totals move by under-billed +$156.00/month.");
    expect(await preview.textContent()).toContain("Brightline — Cloud & Security — Under-billed · vendor 44 vs PSA 40 (+4) · +$104.00/mo → Under-billed · vendor 45 vs PSA 40 (+5) · +$130.00/mo");
    expect(await brightlineSeats()).toEqual({ vendorQuantity: "44", variance: "4" }); // nothing saved yet
    await expectAccessible(page, "count rule preview");
    await screenshots(page, "mapping-rule-preview");
    await editor.locator("button[data-action=save-rule]").click();
    await page.waitForSelector(".banner.ok");
    expect(await page.textContent(".banner.ok")).toContain("saved: up to 5");
    await page.locator(`${ROW} td[data-rule]:text-is('up to 5')`).waitFor(); // the grid reloaded with the saved rule
    expect(await brightlineSeats()).toEqual({ vendorQuantity: "45", variance: "5" });
    await screenshots(page, "mapping-rule-saved");
    await page.close();
  });
});
