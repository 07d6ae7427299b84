/// <reference lib="dom" />
/**
 * Month end in the workspace, against the real Worker and the ConnectWise
 * simulator (workspace-setup.ts): sign in, the board grouped by customer with
 * totals, the row drawer, bulk approval of rows of two customers (the
 * simulator's quantities change and the summary says what the PSA accepted),
 * both CSV exports through their buttons, axe-core, screenshots.
 */
import { readFileSync } from "node:fs";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { useBrowser } from "./pod-host.ts";
import { appUrl, expectAccessible, screenshots, signIn, simQuantity, ws } from "./workspace-harness.ts";

const b = useBrowser();

async function download(page: Page, selector: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent("download"), page.click(selector)]);
  const path = await file.path();
  return readFileSync(path, "utf8");
}

describe("month end", () => {
  it("signs in (a wrong password is refused in one message) and shows every customer's rows grouped, with totals", async () => {
    const page = await b.get().context.newPage();
    await page.goto(appUrl());
    await page.waitForSelector("form.login");
    await expectAccessible(page, "sign-in");
    await page.fill("input[name=email]", ws.users.admin.email);
    await page.fill("input[name=password]", "not the password!");
    await page.click("form.login button[type=submit]");
    expect(await (await page.waitForSelector("form.login [role=alert]")).textContent()).toBe("Wrong e-mail or password.");
    await page.fill("input[name=password]", ws.users.admin.password);
    await page.click("form.login button[type=submit]");
    await page.waitForSelector("tbody[data-company] tr[data-row]");
    // Grouped by customer: Brightline's two rows under one heading with their subtotal (+$104 − $18).
    const brightline = page.locator("tbody:has(th:has-text('Brightline Logistics'))");
    expect(await brightline.locator("tr[data-row]").count()).toBe(2);
    expect(await brightline.locator("tr.group .sub").textContent()).toBe("+$86.00");
    expect(await page.textContent(".totals")).toContain("Under-billed / month (USD)");
    // The session is a cookie the page cannot read, and nothing sits in web storage.
    expect(await page.evaluate(() => document.cookie)).toBe("");
    expect(await page.evaluate(() => localStorage.length + sessionStorage.length)).toBe(0);
    await expectAccessible(page, "month end");
    await screenshots(page, "month-end");
    await page.close();
  });

  it("opens a row's drawer with its sources (as-of, period) and its history", async () => {
    const page = await b.get().context.newPage();
    await signIn(page, "approver");
    await page.click("tbody:has(th:has-text('Cedar Law Group')) button.link");
    const drawer = page.locator(".drawer");
    await drawer.waitFor();
    expect(await drawer.locator("h2").textContent()).toBe("Microsoft 365 E3");
    expect(await drawer.locator("table tbody tr").count()).toBeGreaterThan(0);
    expect(await drawer.textContent()).toMatch(/\d{4}-\d{2}/); // the source's period
    await drawer.locator("textarea").fill("Customer asked to keep 18 seats until March.");
    await drawer.locator("button:has-text('Save note')").click();
    await drawer.locator("[role=status]:has-text('Saved.')").waitFor();
    // Reopened, the drawer shows the stored note.
    await drawer.locator("button:has-text('Close')").click();
    await page.click("tbody:has(th:has-text('Cedar Law Group')) button.link");
    await page.waitForFunction(() => (document.querySelector(".drawer textarea") as HTMLTextAreaElement | null)?.value === "Customer asked to keep 18 seats until March.");
    await expectAccessible(page, "drawer");
    await screenshots(page, "drawer");
    await page.keyboard.press("Escape");
    await page.waitForSelector(".drawer", { state: "detached" });
    await page.close();
  });

  it("bulk-approves rows of two customers: the simulator's quantities change and the summary says what the PSA accepted", async () => {
    expect(await simQuantity(4101, 88010)).toBe(40);
    expect(await simQuantity(4106, 88061)).toBe(33);
    const page = await b.get().context.newPage();
    await signIn(page, "approver");
    await page.check("input[aria-label='Select Microsoft 365 Business Premium for Brightline Logistics']");
    await page.check("input[aria-label='Select Microsoft 365 Business Premium for Granite Construction Co.']");
    expect(await page.textContent(".bulkbar")).toContain("2 selected");
    await page.click(".bulkbar button:has-text('Approve…')");
    const recovered = page.locator(".fig:has(span:text-is('Recovered this month (USD)')) b");
    const cents = async () => Math.round(Number(((await recovered.textContent()) ?? "").replace(/[$,]/g, "")) * 100);
    await page.waitForSelector("figure.chart"); // the summary (chart and recovered figure) has loaded
    const recoveredBefore = await cents();
    const form = page.locator("form.bulk-form");
    expect(await form.textContent()).toContain("Approve 2 rows of 2 customers");
    await expectAccessible(page, "bulk approve form");
    await form.locator("button[type=submit]").click();
    await page.waitForSelector(".bulkbar .run:has-text('The PSA accepted')", { timeout: 45_000 });
    expect(await page.textContent(".bulkbar .run")).toContain("The PSA accepted 2 of 2 changes.");
    expect(await page.locator(".wb.applied").count()).toBe(2);
    // Recovered this month, without a Refresh: Brightline 40 → 44 and Granite 33 → 36 at $26.00 a seat
    // (ConnectWise bills quantity × price): 4 × $26 + 3 × $26 = $182.00 more a month.
    await expect.poll(cents).toBe(recoveredBefore + 18200);
    await screenshots(page, "bulk-approved");
    expect(await simQuantity(4101, 88010)).toBe(44);
    expect(await simQuantity(4106, 88061)).toBe(36);
    await page.close();
  });

  it("exports the board's filter and the decisions as CSV through their buttons", async () => {
    const page = await b.get().context.newPage();
    await signIn(page, "viewer");
    await page.selectOption("select[name=status]", "");
    await page.waitForSelector("tbody:has(th:has-text('Keystone Accounting'))");
    const rows = await download(page, "a:has-text('Export CSV')");
    expect(rows.startsWith("\uFEFF")).toBe(true);
    const lines = rows.slice(1).trim().split(/\r\n/);
    expect(lines.length).toBeGreaterThan(10);
    expect(rows).toContain("Brightline Logistics");
    expect(rows).toContain("Keystone Accounting");
    // The current filter travels with the export: only over-billed rows.
    await page.selectOption("select[name=status]", "decrease");
    await page.waitForFunction(() => !document.querySelector("tbody:has(.badge.t-up)"));
    const over = await download(page, "a:has-text('Export CSV')");
    expect(over).toContain("Cedar Law Group");
    expect(over).not.toContain("Lakeside Schools");
    await page.goto(appUrl("activity"));
    await page.waitForSelector("table.activity tbody tr[data-seq]");
    const decisions = await download(page, "a:has-text('Export decisions CSV')");
    expect(decisions.startsWith("\uFEFF")).toBe(true);
    expect(decisions).toContain("Brightline Logistics");
    expect(decisions).toContain("Granite Construction Co.");
    expect(decisions).toContain(`user:${ws.users.approver.email}`);
    expect(decisions).toContain("applied");
    await expectAccessible(page, "activity");
    await screenshots(page, "activity");
    await page.close();
  });
});
