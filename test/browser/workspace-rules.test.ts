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

async function brightlineSeats(): Promise<{ psaQuantity: number; vendorQuantity: string | null; variance: string | null }> {
  const page = await tenantApi<{ rows: Array<{ companyName: string | null; productKey: string | null; psaQuantity: string; vendorQuantity: string | null; variance: string | null }> }>("GET", "/api/v1/reconciliation?limit=500");
  const row = page.body.rows.find((r) => r.companyName === "Brightline Logistics" && r.productKey === "M365-BP");
  return { psaQuantity: Number(row?.psaQuantity), vendorQuantity: row?.vendorQuantity ?? null, variance: row?.variance ?? null };
}

/** A row's figures as the preview words them: seats over the PSA's, at $26.00 a seat (ConnectWise: quantity × price). */
function figures(vendor: number, psa: number): string {
  const over = vendor - psa;
  return `${over > 0 ? "Under-billed" : "Match"} · vendor ${vendor} vs PSA ${psa} (${over > 0 ? `+${over}` : "0"}) · ${over > 0 ? `+$${over * 26}.00` : "$0.00"}/mo`;
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
    // The shared stack's month-end test may have approved Brightline 40 → 44 already: the PSA's quantity is read, not assumed.
    const psa = (await brightlineSeats()).psaQuantity;
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
    //   Acme 25 → 25: unchanged.  Brightline 44 → 45: one more seat, +$26.00 (vs 40 billed: $104.00 → $130.00;
    //   vs 44 after the month-end test's approval: $0 → $26.00).  Foxglove 9 → 10 vs 9: $0 → $26.00.
    //   Granite 36 → 40: four more seats, +$104.00 (vs 33 or 36 billed).  Keystone 14 → 15: flat rate, no total.
    //   4 rows; under-billed +$156.00 a month either way.
    expect(await preview.locator("p").first().textContent()).toBe("This rule will: change 4 rows; totals move by under-billed +$156.00/month.");
    expect(await preview.textContent()).toContain(`Brightline — Cloud & Security — ${figures(44, psa)} → ${figures(45, psa)}`);
    expect(await brightlineSeats()).toEqual({ psaQuantity: psa, vendorQuantity: "44", variance: String(44 - psa) }); // nothing saved yet
    await expectAccessible(page, "count rule preview");
    await screenshots(page, "mapping-rule-preview");
    await editor.locator("button[data-action=save-rule]").click();
    await page.waitForSelector(".banner.ok");
    expect(await page.textContent(".banner.ok")).toContain("saved: up to 5");
    await page.locator(`${ROW} td[data-rule]:text-is('up to 5')`).waitFor(); // the grid reloaded with the saved rule
    expect(await brightlineSeats()).toEqual({ psaQuantity: psa, vendorQuantity: "45", variance: String(45 - psa) });
    await screenshots(page, "mapping-rule-saved");
    await page.close();
  });
});
