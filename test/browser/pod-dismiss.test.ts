// page.evaluate callbacks run in the browser: they use DOM types.
/// <reference lib="dom" />
/**
 * Dismissed rows, against the real decisions API (a dismissal writes nothing
 * to the PSA): dismissed with the keyboard, the row leaves the money totals and
 * "Need action", is counted apart, says why and who (the member's name, not
 * `member:…`), focus stays on the row, and Undo (a revert of the dismissal)
 * brings it back. And at 390 px the open panel's submit button is reachable
 * inside the pod's fixed height.
 */
import type { Frame, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { artifact, podFrame, waitForPhase } from "./harness.ts";
import { ALLOWED_HOST, hostUrl, openPod, useBrowser } from "./pod-host.ts";

const b = useBrowser();

async function figures(frame: Frame) {
  return frame.evaluate(() => {
    const figs = [...document.querySelectorAll(".totals .fig")].map((f) => [f.querySelector("span")?.textContent ?? "", f.querySelector("b")?.textContent ?? ""]);
    return Object.fromEntries(figs) as Record<string, string>;
  });
}

const focusedRow = (frame: Frame) =>
  frame.evaluate(() => {
    const el = document.activeElement;
    return { body: el === document.body || el === null, row: el?.closest("tr[data-row]")?.getAttribute("data-row") ?? null };
  });

async function tabUntil(page: Page, frame: Frame, selector: string): Promise<void> {
  for (let i = 0; i < 80; i++) {
    await page.keyboard.press("Tab");
    if (await frame.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`never reached ${selector} by Tab`);
}

describe("dismissed rows in the pod", () => {
  it("dismiss with the keyboard: the row leaves the totals with its reason and who, focus stays on the row; Undo brings it back", async () => {
    const page = await b.get().context.newPage();
    const frame = await openPod(page);
    const before = await figures(frame);
    const key = await frame.getAttribute("tr[data-status=increase]", "data-row");
    expect(key).not.toBeNull();
    const row = `tr[data-row="${key}"]`;
    await tabUntil(page, frame, `${row} button[data-action=dismiss]`);
    await page.keyboard.press("Enter");
    await frame.waitForSelector("form.panel[aria-label=Dismiss]");
    await frame.selectOption("form.panel select", "Agreed exception with the customer");
    await frame.fill("form.panel input", "free seats until March");
    await frame.focus("form.panel input");
    await page.keyboard.press("Enter"); // keyboard submit
    await frame.waitForSelector(`${row}[data-dismissed=true] .wb.dismissed`, { timeout: 15_000 });
    const text = await frame.textContent(`${row} .wb.dismissed`);
    expect(text).toContain("Dismissed by Jo Smith");
    expect(text).toContain("Agreed exception with the customer: free seats until March");
    expect(text).not.toContain("member:");
    await page.waitForTimeout(300);
    expect(await focusedRow(frame)).toEqual({ body: false, row: key });

    const after = await figures(frame);
    expect(after.Dismissed).toBe("1");
    expect(Number(after["Need action"])).toBe(Number(before["Need action"]) - 1);
    expect(after["Under-billed / month"]).not.toBe(before["Under-billed / month"]);
    expect(await frame.isVisible(`${row} button[data-action=approve]`)).toBe(false);
    await page.screenshot({ path: artifact("pod-dismissed-wide.png") });

    await frame.click(`${row} button[data-action=undo-dismiss]`);
    await frame.waitForSelector(`${row}:not([data-dismissed]) button[data-action=approve]`, { timeout: 15_000 });
    const undone = await figures(frame);
    expect(undone.Dismissed).toBeUndefined();
    expect(undone["Need action"]).toBe(before["Need action"]);
    expect(undone["Under-billed / month"]).toBe(before["Under-billed / month"]);
    await page.screenshot({ path: artifact("pod-dismiss-undone-wide.png") });
    await page.close();
  });

  it("at 390 px the open panel's submit button is reachable inside the pod's fixed height", async () => {
    const page = await b.get().context.newPage();
    await page.setViewportSize({ width: 390, height: 640 });
    const frame = await openPod(page);
    const last = await frame.$$eval("tr[data-row] button[data-action=adjust]", (els) => els.length);
    expect(last).toBeGreaterThan(0);
    await frame.click("tr[data-row] button[data-action=adjust] >> nth=-1");
    await page.waitForTimeout(200);
    const submit = "tr.panel-row form.panel button[type=submit]";
    await frame.waitForSelector(submit);
    const reach = await frame.evaluate((s) => {
      const button = document.querySelector<HTMLElement>(s);
      if (!button) return null;
      const r = button.getBoundingClientRect();
      const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
      // Without any scrolling by the test: opening the panel must bring its submit into view (1 px for subpixel layout).
      const inside = r.top >= 0 && r.bottom <= window.innerHeight + 1 && r.right <= window.innerWidth;
      const where = inside ? "" : JSON.stringify({ top: r.top, bottom: r.bottom, right: r.right, w: window.innerWidth, h: window.innerHeight, sw: document.documentElement.scrollWidth });
      return { inside, hit: hit === button || button.contains(hit), where };
    }, submit);
    expect(reach).toEqual({ inside: true, hit: true, where: "" });
    await page.screenshot({ path: artifact("pod-panel-390.png") });
    await page.close();
  });

  it("a cancelled agreement says it is cancelled, not that there is nothing to reconcile yet", async () => {
    const page = await b.get().context.newPage();
    await page.goto(hostUrl(ALLOWED_HOST, "id=4107&screen=agreement")); // Granite — Legacy Exchange (cancelled)
    const frame = await podFrame(page);
    await waitForPhase(frame, "ready");
    await frame.waitForSelector("main[aria-busy=false] .banner");
    const text = await frame.textContent("main");
    expect(text).toContain("This agreement is cancelled in the PSA");
    expect(text).not.toContain("to reconcile here yet");
    expect(text).not.toContain("synced yet");
    await page.close();
  });
});
