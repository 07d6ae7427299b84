// page.evaluate callbacks run in the browser: they use DOM types.
/// <reference lib="dom" />
/**
 * A count rule set from the pod (issue 12 §6): on Brightline's Microsoft 365
 * Business Premium row (44 seats used by the Pax8 count, 40 billed), a contract
 * minimum of 50 is previewed — the row and the money it changes, nothing saved
 * — then saved, and the row shows the billed count with the rule behind it.
 * The rule editor loads on first use (not in the pod's first payload).
 */
import { afterAll, describe, expect, it } from "vitest";
import { artifact } from "./harness.ts";
import { openPod, pod, useBrowser } from "./pod-host.ts";

const b = useBrowser();
const BP = "tr[data-row][data-status]:has(.prod:text-is('Microsoft 365 Business Premium'))";

/** The shared stack's other tests expect the demo as seeded: the rule goes back to none. */
async function resetRule(serviceId: string | null): Promise<void> {
  if (!serviceId) return;
  const res = await fetch(`${pod.baseUrl}/api/v1/mappings/services`, {
    method: "POST",
    headers: { authorization: `Bearer ${pod.apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ serviceId, productKey: "M365-BP", rule: {} }),
  });
  expect(res.status).toBe(201);
}

describe("a count rule from the pod", () => {
  let serviceId: string | null = null;
  afterAll(() => resetRule(serviceId));

  it("sets a minimum of 50, sees the row change in the preview, saves, and the row bills 50 with the rule shown", async () => {
    const page = await b.get().context.newPage();
    const saves: unknown[] = [];
    page.on("request", (req) => {
      if (req.method() === "POST" && req.url().endsWith("/api/v1/mappings/services")) saves.push(req.postDataJSON());
    });
    const frame = await openPod(page);
    const row = frame.locator(BP);
    expect(await row.getAttribute("data-status")).toBe("increase");
    expect((await row.locator("td[data-label=Vendor] .src > button").textContent())?.trim()).toBe("44");
    await row.locator("button[data-action=rule]").click();
    const editor = frame.locator("form.rule-editor");
    await editor.waitFor();
    await editor.locator("input[name=minimum]").fill("50");
    await editor.locator("button[data-action=preview-rule]").click();
    const preview = editor.locator("[data-preview]");
    await preview.waitFor();
    const text = (await preview.textContent()) ?? "";
    // The rule is on the service → product mapping, so every customer whose Pax8 count feeds
    // Business Premium changes (demo seed, $26.00 a seat; ConnectWise bills quantity × price):
    //   Brightline 44 → 50 vs 40 billed: under-billed 4 × $26 = $104.00 → 10 × $26 = $260.00 (+$156.00)
    //   Acme 25 → 50 vs 25: $0 → 25 × $26 = $650.00;  Foxglove 9 → 50 vs 9: $0 → 41 × $26 = $1,066.00
    //   Granite 36 → 50 vs 33: $78.00 → 17 × $26 = $442.00 (+$364.00);  Keystone 14 → 50: flat rate, no money
    //   5 rows; under-billed +$156 + $650 + $1,066 + $364 = +$2,236.00 a month.
    expect(text).toContain("This rule will: change 5 rows; totals move by under-billed +$2,236.00/month.");
    expect(text).toContain("Changed: Microsoft 365 Business Premium on Brightline — Cloud & Security — Under-billed · vendor 44 vs PSA 40 (+4) · +$104.00/mo → Under-billed · vendor 50 vs PSA 40 (+10) · +$260.00/mo");
    expect(saves).toHaveLength(0); // a preview saves nothing
    expect((await row.locator("td[data-label=Vendor] .src > button").textContent())?.trim()).toBe("44");
    await page.screenshot({ path: artifact("pod-rule-preview-wide.png") });
    const wide = page.viewportSize();
    await page.setViewportSize({ width: 390, height: 900 });
    await editor.locator("button[data-action=save-rule]").scrollIntoViewIfNeeded();
    expect(await frame.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390); // no sideways scrolling
    await page.screenshot({ path: artifact("pod-rule-preview-390.png") });
    if (wide) await page.setViewportSize(wide);

    await editor.locator("button[data-action=save-rule]").click();
    await frame.locator(`${BP} td[data-label=Vendor] .src > button:text-is('50')`).waitFor();
    serviceId = (saves[0] as { serviceId: string } | undefined)?.serviceId ?? null;
    expect(saves).toEqual([{ serviceId: expect.any(String), productKey: "M365-BP", rule: { basis: "total", multiplier: "1", offset: "0", round: { mode: "none" }, minimum: "50", maximum: null } }]);
    expect((await row.locator("td[data-label=Variance]").textContent())?.trim()).toBe("+10");
    expect(await row.locator("[data-rule]").textContent()).toBe("Billed count: 44 total → min 50 → 50");
    await page.screenshot({ path: artifact("pod-rule-saved-wide.png") });
    await page.close();
  });
});
