// page.evaluate callbacks run in the browser: they use DOM types.
/// <reference lib="dom" />
/**
 * "Not a customer / ignore" in the pod (issue 9 §3), real API: the vendor
 * account leaves the unmapped list, shows in the tenant-wide ignored list,
 * and one click on Undo brings it back. An account mapping is previewed
 * before it can be saved, and its picker starts empty for a weak suggestion.
 */
import { describe, expect, it } from "vitest";
import { artifact } from "./harness.ts";
import { openPod, pod, useBrowser } from "./pod-host.ts";

const b = useBrowser();

describe("vendor accounts in the pod", () => {
  it("Not a customer hides the account, lists it as ignored, and Undo brings it back", async () => {
    const page = await b.get().context.newPage();
    const frame = await openPod(page);
    await frame.click(".unmapped details.others summary");
    const item = ".unmapped li[data-account]";
    await frame.waitForSelector(item);
    const accountId = await frame.getAttribute(item, "data-account");
    const name = await frame.textContent(`${item} b`);
    await frame.click(`li[data-account="${accountId}"] button[data-action=ignore-account]`);
    await frame.waitForSelector("[data-mapping-undo]");
    expect(await frame.textContent("[data-mapping-undo]")).toContain(`Ignored ${name} (not a customer)`);
    await frame.waitForSelector(`li[data-account="${accountId}"]`, { state: "detached" });
    const ignored = await fetch(`${pod.baseUrl}/api/v1/mappings/ignored`, { headers: { authorization: `Bearer ${pod.apiKey}` } });
    expect(((await ignored.json()) as { accounts: Array<{ accountId: string; ignoredBy: string }> }).accounts).toEqual([expect.objectContaining({ accountId, ignoredBy: expect.stringMatching(/^member:/) })]);
    await frame.click(".unmapped details.ignored summary");
    await frame.waitForSelector(".unmapped details.ignored li");
    expect(await frame.textContent(".unmapped details.ignored li")).toContain("ignored by Jo Smith");
    await page.screenshot({ path: artifact("pod-ignored-wide.png") });

    await frame.click("button[data-action=undo-mapping]");
    await frame.waitForSelector("[data-mapping-undo]", { state: "detached" });
    await frame.waitForSelector(`li[data-account="${accountId}"]`, { state: "attached" });
    const after = await fetch(`${pod.baseUrl}/api/v1/mappings/ignored`, { headers: { authorization: `Bearer ${pod.apiKey}` } });
    expect(((await after.json()) as { accounts: unknown[] }).accounts).toEqual([]);
    await page.close();
  });

  it("mapping an account to a company starts empty for a weak match and is previewed before it can be saved", async () => {
    const page = await b.get().context.newPage();
    const frame = await openPod(page);
    await frame.click(".unmapped details.others summary");
    const item = ".unmapped li[data-account]";
    await frame.waitForSelector(item);
    await frame.click(`${item} button[data-action=map-account]`);
    await frame.waitForSelector(`${item} form.map-flow select`);
    expect(await frame.inputValue(`${item} form.map-flow select`)).toBe("");
    expect(await frame.isDisabled(`${item} button[data-action=preview-mapping]`)).toBe(true);
    const companyId = await frame.$eval(`${item} form.map-flow select option:nth-child(2)`, (o) => (o as HTMLOptionElement).value);
    await frame.selectOption(`${item} form.map-flow select`, companyId);
    await frame.click(`${item} button[data-action=preview-mapping]`);
    await frame.waitForSelector(`${item} [data-preview]`);
    expect(await frame.textContent(`${item} [data-preview]`)).toMatch(/This mapping will: change \d+ rows?/);
    expect(await frame.isVisible(`${item} button[data-action=save-mapping]`)).toBe(true);
    await page.screenshot({ path: artifact("pod-account-preview-wide.png") });
    await page.close(); // not saved: the demo tenant stays as it was
  });
});
