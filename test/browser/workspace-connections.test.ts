/// <reference lib="dom" />
/**
 * Connections in the workspace, against the real Worker and simulators:
 * a new tenant's admin connects the ConnectWise simulator through the form
 * (Test connection first: a wrong key shows the PSA's refusal); a
 * Gradient-compatible vendor integration shows its keys once, with the base
 * URL, and the keys work; a Partner Center invoice file dropped on the page
 * uploads with progress and its rows show.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { SIM_CW_DEFAULTS } from "../sim/connectwise/app.ts";
import { useBrowser } from "./pod-host.ts";
import { appUrl, expectAccessible, screenshots, signIn, ws } from "./workspace-harness.ts";
import { createUser } from "./workspace-setup.ts";

const b = useBrowser();

async function newTenant(name: string): Promise<string> {
  const res = await fetch(`${ws.baseUrl}/api/admin/tenants`, { method: "POST", headers: { authorization: `Bearer ${ws.operatorToken}`, "content-type": "application/json" }, body: JSON.stringify({ name }) });
  expect(res.status).toBe(201);
  return ((await res.json()) as { tenantId: string }).tenantId;
}

/** A Partner Center "invoice reconciliation" file for this month: one new customer, two products. */
function partnerCenterInvoice(now = new Date()): string {
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth() + 1;
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  const header = "PartnerId,CustomerId,CustomerName,CustomerDomainName,ProductId,SkuId,SkuName,ProductName,ChargeType,UnitPrice,BillableQuantity,Subtotal,Currency,SubscriptionDescription,SubscriptionId,ChargeStartDate,ChargeEndDate,EffectiveUnitPrice";
  const line = (sku: string, name: string, sub: string, qty: number, price: string) =>
    ["p1", "c0ffee00-0000-4000-8000-00000000beef", "Oakridge Dental Partners", "oakridgedental.onmicrosoft.com", "CFQ7TTC0" + sku, "0001", name, name, "cycleCharge", price, String(qty), (qty * Number(price)).toFixed(2), "USD", name, sub, `${m}/1/${y}`, `${m}/${last}/${y}`, price].join(",");
  return `\uFEFF${[header, line("LSGZ", "Microsoft 365 Business Basic", "oak-bb", 14, "6.00"), line("LCHC", "Microsoft 365 Business Premium", "oak-bp", 6, "22.00")].join("\r\n")}\r\n`;
}

/** Drops a file on the import area the way a browser drag and drop does (a DataTransfer with a File). */
async function dropFile(page: Page, name: string, content: string): Promise<void> {
  await page.evaluate(
    ({ name, content }) => {
      const dt = new DataTransfer();
      dt.items.add(new File([content], name, { type: "text/csv" }));
      const zone = document.querySelector(".drop") as HTMLElement;
      zone.dispatchEvent(new DragEvent("dragover", { dataTransfer: dt, bubbles: true, cancelable: true }));
      zone.dispatchEvent(new DragEvent("drop", { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    { name, content },
  );
}

describe("connections", () => {
  it("connects the ConnectWise simulator through the form: Test connection shows the PSA's refusal of a wrong key, then connects", async () => {
    const tenantId = await newTenant("Harbor IT");
    const admin = { email: "owner@harbor-it.test", password: "harbor owner password", role: "admin" as const };
    await createUser(ws.baseUrl, tenantId, admin);
    const page = await b.get().context.newPage();
    await signIn(page, admin, "connections", tenantId);
    const form = page.locator("form[data-form=connectwise]");
    await form.waitFor();
    await form.locator("input[name=site]").fill(ws.cwOrigin);
    await form.locator("input[name=companyId]").fill(SIM_CW_DEFAULTS.companyId);
    await form.locator("input[name=publicKey]").fill(SIM_CW_DEFAULTS.publicKey);
    await form.locator("input[name=privateKey]").fill("not-the-private-key");
    await form.locator("input[name=clientId]").fill(SIM_CW_DEFAULTS.clientId);
    await form.locator("button:has-text('Test connection')").click();
    const refusal = await form.locator("[role=alert]").textContent({ timeout: 15_000 });
    expect(refusal).toMatch(/^Not connected: .*(credentials|key)/i);
    expect(await form.locator("input[aria-invalid=true]").count()).toBe(1); // the field the refusal is about
    await expectAccessible(page, "connections (refused)");
    await screenshots(page, "connect-refused");
    await form.locator("input[name=privateKey]").fill(SIM_CW_DEFAULTS.privateKey);
    await form.locator("button:has-text('Test connection')").click();
    await form.locator(".banner.ok:has-text('Connection works.')").waitFor({ timeout: 15_000 });
    await form.locator("button:has-text('Save and connect')").click();
    await page.locator("section[aria-labelledby=psa-title] > .banner.ok:has-text('ConnectWise connected.')").waitFor({ timeout: 30_000 });
    await page.waitForSelector(".status-row[data-psa=connectwise] .pill.s-active");
    await page.close();
  });

  it("creates a Gradient-compatible vendor integration: the keys and base URL are shown once and work", async () => {
    const page = await b.get().context.newPage();
    await signIn(page, "admin", "connections");
    const form = page.locator("form[aria-label='Add a vendor']");
    await form.locator("select[name=_kind]").selectOption("vendor-api");
    await form.locator("input[name=name]").fill("CloudRadial");
    await form.locator("button[type=submit]").click();
    const keys = page.locator("[role=region][aria-label='New keys']");
    await keys.waitFor();
    const secret = (label: string) => keys.locator(`code[data-secret='${label}']`).textContent();
    expect(await secret("Base URL")).toBe(`${ws.baseUrl}/api/vendor-api`);
    const vendorKey = (await secret("Vendor API key")) ?? "";
    const partnerKey = (await secret("Partner API key")) ?? "";
    expect(await secret("GRADIENT-TOKEN header")).toBe(Buffer.from(`${vendorKey}:${partnerKey}`).toString("base64"));
    expect(await keys.locator("button:has-text('Copy')").count()).toBe(4);
    await expectAccessible(page, "vendor keys");
    await screenshots(page, "vendor-keys");
    // The keys work as CloudRadial would use them.
    const vendor = await fetch(`${ws.baseUrl}/api/vendor-api`, { headers: { "GRADIENT-TOKEN": Buffer.from(`${vendorKey}:${partnerKey}`).toString("base64") } });
    expect(vendor.status).toBe(200);
    // Shown once: after a reload the integration is listed, its keys are not.
    await page.reload();
    await page.waitForSelector("li[data-vendor=vendor-api]:has-text('CloudRadial')");
    expect(await page.locator("code[data-secret]").count()).toBe(0);
    expect(await page.content()).not.toContain(vendorKey);
    // A pull's Test says how it went in the row, in the API's words (the seeded Pax8 has no stored pull credentials).
    const pax8 = page.locator("li[data-vendor=pax8]");
    await pax8.locator("button:has-text('Test')").click();
    expect(await pax8.locator(".banner").textContent({ timeout: 30_000 })).toMatch(/^(Connection works\. |Not working: )\S|not pulled/);
    await page.close();
  });

  it("imports a dropped Partner Center invoice file with progress, and its rows show", async () => {
    const page = await b.get().context.newPage();
    await signIn(page, "admin", "connections");
    await dropFile(page, "invoice-recon.csv", partnerCenterInvoice());
    await page.waitForSelector(".drop b:has-text('invoice-recon.csv')");
    await page.selectOption("select[name=profile]", "partner-center-invoice");
    // Every phase the progress bar shows, in order.
    await page.evaluate(() => {
      const seen: string[] = ((window as unknown as { phases: string[] }).phases = []);
      new MutationObserver(() => {
        const phase = document.querySelector(".progress")?.getAttribute("data-phase");
        if (phase && seen[seen.length - 1] !== phase) seen.push(phase);
      }).observe(document.body, { subtree: true, childList: true, attributes: true });
    });
    await page.click("button:has-text('Import')");
    await page.waitForSelector(".progress[data-phase=done]", { timeout: 30_000 });
    const phases = await page.evaluate(() => (window as unknown as { phases: string[] }).phases);
    expect(phases[0]).toBe("upload");
    expect(phases[phases.length - 1]).toBe("done");
    expect(await page.textContent(".progress")).toBe("Imported 100 %");
    expect(await page.locator(".progress progress").evaluate((p) => (p as HTMLProgressElement).value)).toBe(1);
    expect(await page.textContent(".result")).toContain("2 rows accepted, 0 rejected");
    await screenshots(page, "import-done");
    // A line the profile cannot read is named by its line number, and nothing is imported.
    const bad = partnerCenterInvoice().replace(",14,84.00,", ",fourteen,84.00,");
    await dropFile(page, "bad.csv", bad);
    await page.click("button:has-text('Import')");
    await page.waitForSelector(".progress[data-phase=failed]", { timeout: 30_000 });
    expect(await page.textContent("[role=alert]")).toMatch(/line 2/);
    expect(await page.textContent("table.errors")).toContain("BillableQuantity");
    await expectAccessible(page, "import errors");
    // The imported customer's usage is on the board (not mapped yet) and on the mappings page.
    await page.goto(appUrl("?status=look"));
    await page.waitForSelector("tr[data-row]:has-text('Microsoft 365 Business Basic')");
    await page.goto(appUrl("mappings"));
    const oakridge = page.locator("tr[data-map^='account:']:has-text('Oakridge Dental Partners')");
    await oakridge.waitFor();
    await expectAccessible(page, "mappings");
    await screenshots(page, "mappings");
    // Mapping it to a customer: first its effect on the board (nothing saved yet), then Save takes it off the grid.
    await oakridge.locator("select").selectOption({ label: "Acme Dental Group" });
    await oakridge.locator("button:has-text('Map')").click();
    const preview = page.locator(".pending-mapping");
    await preview.waitFor();
    // The imported Business Basic usage becomes a row of Acme Dental Group's (it leaves the unmapped account's scope), listed by name.
    expect(await preview.locator("[data-preview]").textContent()).toMatch(/^Saving this mapping will: change [1-9]\d* rows?/);
    expect(await preview.locator("[data-preview] li").allTextContents()).toContainEqual(expect.stringMatching(/^New: Microsoft 365 Business Basic \(Acme Dental Group\)|^New: Microsoft 365 Business Basic on /));
    expect(await page.locator("tr[data-map^='account:']:has-text('Oakridge Dental Partners')").count()).toBe(1);
    await screenshots(page, "mapping-preview");
    await preview.locator("button:has-text('Save mapping')").click();
    await page.waitForSelector(".banner.ok:has-text('1 mapping saved')");
    await oakridge.waitFor({ state: "detached" });
    // Undo puts the account back on the unmapped grid (it had no mapping before).
    await page.click("button:has-text('Undo last change')");
    await page.waitForSelector(".banner.ok:has-text('Undone')");
    await oakridge.waitFor();
    // "Not a customer" takes it off too, and Undo brings it back.
    await oakridge.locator("button:has-text('Not a customer')").click();
    await page.waitForSelector(".banner.ok:has-text('not a customer')");
    await oakridge.waitFor({ state: "detached" });
    await page.click("button:has-text('Undo last change')");
    await oakridge.waitFor();
    // Mapped for good, for the tests after this one.
    await oakridge.locator("select").selectOption({ label: "Acme Dental Group" });
    await oakridge.locator("button:has-text('Map')").click();
    await preview.locator("button:has-text('Save mapping')").click();
    await oakridge.waitFor({ state: "detached" });
    await page.close();
  });

  it("maps a generic CSV's columns from its own header, saves the profile and imports with it", async () => {
    const page = await b.get().context.newPage();
    await signIn(page, "admin", "connections");
    const csv = "Client ID,Client Name,Product,Seats\r\nK-100,Quarry Lane Vets,Keeper Business,12\r\nK-101,Juniper Realty,Keeper Business,7\r\n";
    await dropFile(page, "keeper.csv", csv);
    await page.selectOption("select[name=profile]", "new");
    const step = page.locator("form[aria-label=\"Map the file's columns\"]");
    await step.locator("p:has-text('4 columns found in keeper.csv')").waitFor(); // the header is read from the file asynchronously
    await step.locator("input[name=name]").fill("Keeper seats");
    await step.locator("select[name=accountId]").selectOption("Client ID");
    await step.locator("select[name=accountName]").selectOption("Client Name");
    await step.locator("select[name=serviceName]").selectOption("Product");
    await step.locator("select[name=quantity]").selectOption("Seats");
    // The file's number format is the user's to state (the API never guesses it).
    await step.locator("select[name=decimalSeparator]").selectOption(".");
    await expectAccessible(page, "column mapping");
    await step.locator("button[type=submit]").click();
    // The saved profile is picked, and the file imports with it.
    await page.waitForFunction(() => (document.querySelector("select[name=profile]") as HTMLSelectElement | null)?.value.startsWith("saved:"));
    await page.click("button:has-text('Import')");
    await page.waitForSelector(".progress[data-phase=done]", { timeout: 30_000 });
    expect(await page.textContent(".result")).toContain("2 rows accepted, 0 rejected");
    await page.close();
  });
});
