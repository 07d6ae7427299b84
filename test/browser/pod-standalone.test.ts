/// <reference lib="dom" />
/**
 * The standalone view for Autotask users (opened from a LiveLink): sign-in,
 * the contract's rows, a reload that signs back in through the same-site
 * refresh cookie (nothing in web storage), and sign-out.
 */
import { expect, it } from "vitest";
import { pod, useBrowser } from "./pod-host.ts";

const b = useBrowser();

it("signs in, shows the contract's rows, survives a reload through the same-site cookie, and signs out", async () => {
  const page = await b.get().context.newPage();
  await page.goto(`${pod.baseUrl}/pod/standalone/tnt_demo?contractId=4104`);
  await page.waitForSelector("form.login");
  await page.fill("input[name=email]", pod.user.email);
  await page.fill("input[name=password]", "wrong password!");
  await page.click("button[type=submit]");
  await page.waitForSelector(".login [role=alert]");
  await page.fill("input[name=password]", pod.user.password);
  await page.click("button[type=submit]");
  await page.waitForSelector("tr[data-row]");
  expect(await page.textContent("h1")).toBe("Evergreen CU — Infrastructure");
  expect(await page.evaluate(() => Object.keys(sessionStorage).length + Object.keys(localStorage).length)).toBe(0);
  await page.reload();
  await page.waitForSelector("tr[data-row]");
  await page.click("text=Sign out");
  await page.waitForSelector("form.login");
  await page.reload();
  await page.waitForSelector("form.login");
  await page.close();
});
