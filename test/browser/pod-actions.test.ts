// page.evaluate callbacks run in the browser: they use DOM types.
/// <reference lib="dom" />
/**
 * Acting in the pod: keyboard-only approve with pending → applied (against
 * a stand-in decisions API: the seeded demo's agreements have no PSA to
 * write back to until the demo syncs from the ConnectWise simulator), a
 * refused decision showing the API's reason (real API), inline mapping that
 * re-reconciles (real API), and screenshots narrow and wide in test-artifacts/.
 */
import { describe, expect, it } from "vitest";
import { artifact, stubDecisions } from "./harness.ts";
import { openPod, pod, useBrowser } from "./pod-host.ts";

const b = useBrowser();

describe("acting in the pod", () => {
  it("approves a row with the keyboard alone and shows pending → applied without a reload", async () => {
    const stub = await stubDecisions(b.get().context, pod.baseUrl);
    const page = await b.get().context.newPage();
    const frame = await openPod(page);
    const active = () => frame.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return { action: el?.dataset.action ?? null, text: el?.textContent ?? "", row: el?.closest("tr")?.getAttribute("data-status") ?? null, outline: el ? getComputedStyle(el).outlineStyle : "none" };
    });
    const tabTo = async (test: (a: Awaited<ReturnType<typeof active>>) => boolean) => {
      for (let i = 0; i < 60; i++) {
        await page.keyboard.press("Tab");
        const a = await active();
        if (test(a)) return a;
      }
      throw new Error("never reached by Tab");
    };
    const approve = await tabTo((a) => a.action === "approve");
    expect(approve.row).toBe("increase");
    expect(approve.outline).not.toBe("none"); // visible focus
    await page.keyboard.press("Enter");
    await frame.waitForSelector("form.panel");
    await page.screenshot({ path: artifact("pod-approve-panel-wide.png") });
    await tabTo((a) => a.text === "Approve change");
    await page.keyboard.press("Enter");
    await frame.waitForSelector(".wb.pending, .wb.applied");
    await frame.waitForSelector(".wb.applied", { timeout: 10_000 });
    expect(await frame.textContent(".wb.applied")).toMatch(/^Applied/);
    expect(stub.requests).toHaveLength(1);
    expect(stub.requests[0]).toMatchObject({ agreementId: "demo_agr_bright", productKey: "M365-BP", lineId: "demo_line_bright_1", action: "approve" });
    expect(String(stub.requests[0]?.effectiveDate)).toMatch(/^\d{4}-\d{2}-01$/);
    expect(String(stub.requests[0]?.idempotencyKey)).toMatch(/^[0-9a-f]{32}$/);
    expect(await frame.isVisible("button[data-action=revert]")).toBe(true);
    await page.close();
    await stub.dispose();
  });

  it("shows the API's reason when a decision is refused (real decisions API: the demo agreement has no PSA to write to)", async () => {
    const page = await b.get().context.newPage();
    const frame = await openPod(page);
    await frame.click("tr[data-status=decrease] button[data-action=adjust]");
    await frame.fill("form.panel input[inputmode=decimal]", "50");
    expect(await frame.textContent("form.panel .preview")).toMatch(/^−2 → −\$12\.00 per month\. From .*: no proration\.$/);
    // Another date: the 16th of next month leaves 16 (of 30) or 13–16 days; the preview shows the prorated credit.
    const now = new Date();
    const mid = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 16)).toISOString().slice(0, 10);
    await frame.fill("form.panel input[type=date]", mid);
    expect(await frame.textContent("form.panel .preview")).toMatch(/^−2 → −\$12\.00 per month\. From .*: 1[3-6] of (28|29|30|31) days left, prorated credit −\$\d+\.\d\d\.$/);
    await page.screenshot({ path: artifact("pod-adjust-proration-wide.png") });
    await frame.click("form.panel button[type=submit]");
    await frame.waitForSelector("tr[data-status=decrease] .wb.failed");
    expect(await frame.textContent("tr[data-status=decrease] .wb.failed")).toContain("no connected PSA");
    await page.close();
  });

  it("saves screenshots narrow (360 px) and wide (1280 px)", async () => {
    const page = await b.get().context.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    await openPod(page);
    await page.screenshot({ path: artifact("pod-wide.png") });
    await page.setViewportSize({ width: 360, height: 1400 });
    await openPod(page);
    await page.screenshot({ path: artifact("pod-narrow.png") });
    await page.setViewportSize({ width: 1280, height: 1100 });
    await openPod(page, "id=19300&screen=company");
    await page.screenshot({ path: artifact("pod-company-wide.png") });
    await page.setViewportSize({ width: 360, height: 1800 });
    await openPod(page, "id=19300&screen=company");
    await page.screenshot({ path: artifact("pod-company-narrow.png") });
    await page.setViewportSize({ width: 1280, height: 700 });
    const lake = await openPod(page, "id=4112&screen=agreement"); // two vendor accounts summed into one row
    await lake.focus("tr[data-row] .src button");
    await page.screenshot({ path: artifact("pod-sources-focus-wide.png") });
    await openPod(page, "id=4105&screen=agreement"); // a stale vendor count
    await page.screenshot({ path: artifact("pod-stale-wide.png") });
    await page.setViewportSize({ width: 320, height: 900 });
    const frame = await openPod(page, "id=19300&screen=company");
    expect(await frame.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320); // no sideways scrolling at 320 px
    await page.close();
  });

  it("maps unmapped usage inline only after a preview of what it does, and Undo is one click", async () => {
    const page = await b.get().context.newPage();
    const frame = await openPod(page, "id=19300&screen=company");
    const mapped: string[] = [];
    page.on("request", (req) => {
      if (req.method() === "POST" && req.url().endsWith("/api/v1/mappings/services")) mapped.push(String((req.postDataJSON() as { serviceId: string }).serviceId));
    });
    await frame.click("tr[data-status=unmapped-service] button[data-action=map]");
    await frame.waitForSelector("tr.panel-row select option[value=EXO-P1]", { state: "attached" });
    // No near-exact suggestion: the picker starts empty, nothing can be saved with one click.
    expect(await frame.inputValue("tr.panel-row select")).toBe("");
    expect(await frame.isDisabled("tr.panel-row button[type=submit]")).toBe(true);
    await frame.selectOption("tr.panel-row select", "EXO-P1");
    await frame.click("tr.panel-row button[data-action=preview-mapping]");
    await frame.waitForSelector("tr.panel-row [data-preview]");
    const preview = await frame.textContent("tr.panel-row [data-preview]");
    expect(preview).toMatch(/This mapping will: change \d+ rows?/);
    expect(preview).toContain("Exchange Online (Plan 1)");
    expect(preview).toMatch(/\/month/);
    expect(mapped).toHaveLength(0); // a preview saves nothing
    await page.screenshot({ path: artifact("pod-mapping-preview-wide.png") });
    await frame.click("tr.panel-row button[data-action=save-mapping]");
    // Teams Premium usage now counts as Exchange Online, which Acme's agreement has no line for.
    await frame.waitForSelector("tr[data-status=missing-line]");
    expect(await frame.$$eval("tr[data-status=unmapped-service]", (rows) => rows.length)).toBe(0);
    expect(await frame.textContent("tr[data-status=missing-line] .prod")).toBe("Exchange Online (Plan 1)");
    expect(mapped).toHaveLength(1);
    expect(await frame.textContent("[data-mapping-undo]")).toContain("Mapped Microsoft Teams Premium");
    await page.screenshot({ path: artifact("pod-mapping-saved-wide.png") });
    await frame.click("button[data-action=undo-mapping]");
    await frame.waitForSelector("tr[data-status=unmapped-service]");
    expect(await frame.$$eval("tr[data-status=missing-line] .prod", (els) => els.map((e) => e.textContent))).not.toContain("Exchange Online (Plan 1)");
    expect(await frame.isVisible("[data-mapping-undo]")).toBe(false);
    await page.close();
    // Undo removed it through the API: the tenant-wide mapping is gone, whatever order the files run in.
    const list = await fetch(`${pod.baseUrl}/api/v1/mappings`, { headers: { authorization: `Bearer ${pod.apiKey}` } });
    expect(((await list.json()) as { services: Array<{ serviceId: string; productKey: string }> }).services.filter((m) => m.productKey === "EXO-P1" && m.serviceId === mapped[0])).toEqual([]);
  });
});
