// page.evaluate callbacks run in the browser: they use DOM types.
/// <reference lib="dom" />
/**
 * Issue 9 §2 in the demo (npm run dev's /demo, the ConnectWise simulator
 * behind it): the pod says what ConnectWise will do — a quantity change
 * applies at once on an agreement without prorateFlag, so a later date is
 * "Scheduled for …" and can be cancelled (nothing reaches ConnectWise); a
 * missing line is approved and ConnectWise gains the addition. Screenshots
 * in test-artifacts/.
 */
import type { Frame, Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { addDays, firstOfNextMonth } from "../../src/core/shared/dates.ts";
import { demoConnectWiseData } from "../../src/db/seed/demo-psa.ts";
import { formatDay } from "../../ui/lib/format.ts";
import { artifact, waitForPhase } from "./harness.ts";
import { useBrowser } from "./pod-host.ts";

const demo = inject("demo");
const b = useBrowser();
const data = demoConnectWiseData(new Date());

function agreementId(prefix: string): number {
  const found = data.agreements.find((a) => a.name.startsWith(prefix));
  if (!found) throw new Error(`no demo agreement ${prefix}`);
  return found.id;
}

interface SimAgreement {
  additions: Array<{ id: number; quantity: number; product: { identifier: string }; unitPrice: number; billCustomer: string }>;
}

async function simAdditions(agreement: number): Promise<SimAgreement["additions"]> {
  return ((await (await fetch(`${demo.cwOrigin}/_sim/agreements/${agreement}`)).json()) as SimAgreement).additions;
}

async function openAgreement(page: Page, agreement: number): Promise<Frame> {
  await page.goto(`${demo.podOrigin}/demo`);
  await page.waitForFunction(() => document.documentElement.dataset.host === "ready");
  const host = new URL(page.url());
  host.search = `?agreement=${agreement}`;
  await page.goto(host.toString());
  await page.waitForFunction(() => document.documentElement.dataset.host === "ready");
  const deadline = Date.now() + 10_000;
  let frame: Frame | undefined;
  while (!frame && Date.now() < deadline) {
    frame = page.frames().find((f) => f.url().startsWith(`${demo.podOrigin}/pod/connectwise/`) && f.url().includes(`id=${agreement}&`));
    if (!frame) await page.waitForTimeout(50);
  }
  if (!frame) throw new Error("no pod frame");
  await waitForPhase(frame, "ready");
  await frame.waitForSelector("tr[data-row]");
  return frame;
}

// The pod's own day format ("Dec 1, 2026").
const dayLabel = (iso: string) => formatDay(iso);

describe("what the pod promises is what ConnectWise does", () => {
  it("a later date on an agreement without prorateFlag is scheduled, shown as such, and cancelled before it reaches ConnectWise", async () => {
    const granite = agreementId("Granite — Azure");
    const before = await simAdditions(granite);
    const page = await b.get().context.newPage();
    await page.setViewportSize({ width: 1100, height: 900 });
    const frame = await openAgreement(page, granite);
    await frame.click("tr[data-status=increase] button[data-action=approve]");
    const nextInvoice = firstOfNextMonth(new Date());
    // The default date (the next invoice's): ConnectWise takes it at once; no proration is previewed.
    await frame.waitForSelector("form.panel .preview");
    const preview = (await frame.textContent("form.panel .preview")) ?? "";
    expect(preview).toContain(`Applies now in ConnectWise — first billed on the ${dayLabel(nextInvoice)} invoice.`);
    expect(preview).not.toContain("prorated");
    const later = addDays(nextInvoice, 14);
    await frame.fill("form.panel input[type=date]", later);
    await frame.waitForFunction((text) => document.querySelector("form.panel .preview")?.textContent?.includes(text), `Scheduled for ${dayLabel(later)}`);
    await page.screenshot({ path: artifact("billing-scheduled-preview.png"), fullPage: true });
    await frame.click("form.panel button[type=submit]");
    const state = frame.locator("tr[data-status=increase] .wb");
    await state
      .filter({ hasText: "Scheduled for" })
      .waitFor({ timeout: 20_000 })
      .catch(async (error: Error) => {
        // Seen once in a full run (not reproduced since): say what the rows showed instead.
        await page.screenshot({ path: artifact("billing-scheduled-timeout.png"), fullPage: true }).catch(() => undefined);
        const rows = await frame.$$eval("tr[data-row]", (rs) => rs.map((r) => `${(r as HTMLElement).dataset.status}: ${r.textContent?.replace(/\s+/g, " ")}`)).catch(() => []);
        throw new Error(`${error.message}\nrows then:\n  ${rows.join("\n  ")}`);
      });
    expect(await state.textContent()).toContain(`Scheduled for ${dayLabel(later)}`);
    expect(await frame.locator("tr[data-status=increase] button[data-action=cancel]").count()).toBe(1);
    await page.screenshot({ path: artifact("billing-scheduled-row.png"), fullPage: true });
    // Nothing reached ConnectWise.
    expect(await simAdditions(granite)).toEqual(before);
    await frame.click("tr[data-status=increase] button[data-action=cancel]");
    await frame.waitForSelector("tr[data-status=increase] button[data-action=approve]", { timeout: 20_000 });
    expect(await frame.locator("tr[data-status=increase] button[data-action=cancel]").count()).toBe(0);
    await page.screenshot({ path: artifact("billing-scheduled-cancelled.png"), fullPage: true });
    const log = (await (await fetch(`${demo.cwOrigin}/_sim/log`)).json()) as Array<{ method: string; path: string }>;
    expect(log.filter((e) => e.method !== "GET" && e.path.includes(`/finance/agreements/${granite}/`))).toEqual([]);
    expect(await simAdditions(granite)).toEqual(before);
    await page.close();
  });

  it("approving a missing line adds it in ConnectWise from the product catalog", async () => {
    const delta = agreementId("Delta");
    expect((await simAdditions(delta)).map((a) => a.product.identifier)).not.toContain("EDR-S1");
    const page = await b.get().context.newPage();
    await page.setViewportSize({ width: 1100, height: 900 });
    const frame = await openAgreement(page, delta);
    const row = "tr[data-status=missing-line]";
    await frame.click(`${row} button[data-action=approve]`);
    expect(await frame.textContent("form.panel")).toContain("(adds the line)");
    await page.screenshot({ path: artifact("billing-missing-line-panel.png"), fullPage: true });
    await frame.click("form.panel button[type=submit]");
    await frame.waitForSelector(".wb.applied, .wb.failed", { timeout: 30_000 });
    expect(await frame.textContent(".wb")).toMatch(/^Applied 12 now in ConnectWise/);
    const added = (await simAdditions(delta)).filter((a) => a.product.identifier === "EDR-S1");
    expect(added).toEqual([expect.objectContaining({ quantity: 12, billCustomer: "Billable" })]);
    await frame.waitForSelector('tr[data-status=match]:has-text("SentinelOne")', { timeout: 15_000 });
    await page.screenshot({ path: artifact("billing-missing-line-added.png"), fullPage: true });
    await page.close();
  });
});
