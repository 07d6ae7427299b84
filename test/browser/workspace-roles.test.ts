/// <reference lib="dom" />
/**
 * Roles in the workspace: a viewer is offered no decision controls and the
 * API refuses its decision (403 naming the role) even with a valid CSRF
 * token; a state change without the CSRF token is refused; only admins see
 * Users; sign-out ends the session (a reload shows the sign-in again).
 */
import { describe, expect, it } from "vitest";
import { useBrowser } from "./pod-host.ts";
import { appUrl, expectAccessible, pageApi, screenshots, signIn, ws } from "./workspace-harness.ts";

const b = useBrowser();

describe("roles", () => {
  it("a viewer cannot approve: no selection or approve controls, and the API answers 403", async () => {
    const page = await b.get().context.newPage();
    await signIn(page, "viewer");
    await page.waitForSelector("tr[data-row]");
    expect(await page.locator("tr[data-row] input[type=checkbox]").count()).toBe(0);
    expect(await page.locator("button:has-text('Approve')").count()).toBe(0);
    expect(await page.locator("nav a:has-text('Users')").count()).toBe(0);
    const refused = await pageApi(page, "POST", "/api/v1/decisions", { agreementId: "x", productKey: "M365-E3", action: "dismiss", note: "no" });
    expect(refused.status).toBe(403);
    expect(JSON.stringify(refused.body)).toMatch(/approver/);
    // Without the CSRF token the cookie alone changes nothing.
    const noCsrf = await page.evaluate(async () => (await fetch("/api/v1/decisions", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" })).status);
    expect(noCsrf).toBe(403);
    await page.close();
  });

  it("an admin manages users; a signed-out page shows the sign-in again", async () => {
    const page = await b.get().context.newPage();
    await signIn(page, "admin", "users");
    await page.waitForSelector(`tr[data-user='${ws.users.viewer.email}']`);
    await page.fill("form[aria-label='Add a user'] input[name=email]", "new.approver@northwind.test");
    await page.fill("form[aria-label='Add a user'] input[name=password]", "a long enough password");
    await page.selectOption("form[aria-label='Add a user'] select[name=role]", "approver");
    await page.click("form[aria-label='Add a user'] button[type=submit]");
    await page.waitForSelector("tr[data-user='new.approver@northwind.test']");
    expect(await page.inputValue("select[aria-label='Role of new.approver@northwind.test']")).toBe("approver");
    await expectAccessible(page, "users");
    await screenshots(page, "users");
    await page.click("button:has-text('Sign out')");
    await page.waitForSelector("form.login");
    await page.goto(appUrl("users"));
    await page.waitForSelector("form.login");
    await page.close();
  });
});
