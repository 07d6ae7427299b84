// page.evaluate callbacks run in the browser: they use DOM types.
/// <reference lib="dom" />
/**
 * The demo as `npm run dev` serves it (demo-setup.ts): the Worker's /demo
 * sends the browser to the ConnectWise-like host page on the simulator's
 * origin, which frames the pod from another site and plays the host side of
 * the protocol; the full loop — synced agreement → approve in the pod →
 * PATCH to the simulator → re-sync — shows the new quantity in the host's
 * Additions grid and in the pod. Screenshots wide and narrow in test-artifacts/.
 */
import type { Frame, Page } from "playwright-core";
import { describe, expect, inject, it } from "vitest";
import { artifact, waitForPhase } from "./harness.ts";
import { useBrowser } from "./pod-host.ts";

const demo = inject("demo");
const b = useBrowser();

interface SimAgreement {
  additions: Array<{ id: number; quantity: number }>;
}

async function simQuantity(additionId: number): Promise<number | undefined> {
  const res = await fetch(`${demo.cwOrigin}/_sim/agreements/4101`);
  const body = (await res.json()) as SimAgreement;
  return body.additions.find((a) => a.id === additionId)?.quantity;
}

async function demoPodFrame(page: Page): Promise<Frame> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const frame = page.frames().find((f) => f.url().startsWith(`${demo.podOrigin}/pod/connectwise/`));
    if (frame) return frame;
    await page.waitForTimeout(50);
  }
  throw new Error(`no pod frame; frames: ${page.frames().map((f) => f.url()).join(", ")}`);
}

/** Opens http://localhost:<port>/demo (the README's address) and waits for the host and the pod's rows. */
async function openDemo(page: Page): Promise<Frame> {
  await page.goto(`${demo.podOrigin}/demo`);
  await page.waitForFunction(() => document.documentElement.dataset.host === "ready");
  const frame = await demoPodFrame(page);
  await waitForPhase(frame, "ready");
  await frame.waitForSelector("tr[data-row]");
  return frame;
}

const hostQuantity = (page: Page, additionId: number) => page.textContent(`#additions tr[data-addition-id="${additionId}"] td.qty`);

describe("the demo host (npm run dev's /demo)", () => {
  it("loads the ConnectWise-like agreement screen from the simulator and shows the pod's rows in it", async () => {
    const page = await b.get().context.newPage();
    const frame = await openDemo(page);
    // The Worker redirected to the simulator's origin; the pod comes from another site.
    expect(new URL(page.url()).origin).toBe(demo.cwOrigin);
    expect(new URL(frame.url()).origin).toBe(demo.podOrigin);
    expect(frame.url()).toContain(`/pod/connectwise/${demo.integrationId}?id=4101&screen=agreement`);
    // Host: agreement header and additions read from the simulator.
    expect(await page.textContent("#agr-title")).toBe("Brightline — Cloud & Security");
    expect(await page.textContent("#fields")).toContain("Brightline Logistics (BRIGHT)");
    expect((await hostQuantity(page, 88010))?.trim()).toBe("40");
    // Pod: the synced agreement's rows, needing action first.
    expect(await frame.$$eval("tr[data-row]", (rows) => rows.map((r) => (r as HTMLElement).dataset.status))).toEqual(["increase", "decrease"]);
    expect(await frame.textContent(".totals")).toContain("$104.00");
    // Host side of the protocol: handshake, member authentication, onLoad acknowledged by the pod.
    await page.waitForFunction(() => document.documentElement.dataset.onload === "success");
    const log = await page.$$eval("#log li", (items) => items.map((i) => i.textContent ?? ""));
    expect(log.some((l) => l.includes("← ready → MessageFrameID trueup-pod-1"))).toBe(true);
    expect(log.some((l) => l.includes("← getMemberAuthentication → member jsmith"))).toBe(true);
    expect(log.some((l) => l.includes("ignored"))).toBe(false);
    // beforeSave: the host saves only when the pod answers.
    await page.click("#save");
    await page.waitForFunction(() => document.getElementById("save-status")?.textContent?.startsWith("Saved"));
    console.log(`demo load-to-rows (pod iframe navigation start → rows rendered): ${await frame.evaluate(() => document.documentElement.dataset.rowsAt)} ms`);
    await page.screenshot({ path: artifact("demo-wide.png"), fullPage: true });
    await page.setViewportSize({ width: 420, height: 900 });
    await page.waitForTimeout(2_500); // the host re-renders its grid on its 2 s refresh
    await page.screenshot({ path: artifact("demo-narrow.png"), fullPage: true });
    await page.close();
  });

  it("approving a row in the pod writes back to the simulator, and the host and the pod both show the new quantity", async () => {
    expect(await simQuantity(88010)).toBe(40);
    const page = await b.get().context.newPage();
    const frame = await openDemo(page);
    await frame.click("tr[data-status=increase] button[data-action=approve]");
    await frame.click("form.panel button[type=submit]");
    await frame.waitForSelector(".wb.applied, .wb.failed", { timeout: 30_000 });
    expect(await frame.textContent(".wb")).toMatch(/^Applied/);
    // The PSA (simulator) holds the new quantity: Trueup PATCHed the addition.
    expect(await simQuantity(88010)).toBe(44);
    const log = (await (await fetch(`${demo.cwOrigin}/_sim/log`)).json()) as Array<{ method: string; path: string; status: number }>;
    expect(log.filter((e) => e.method === "PATCH" && e.path.includes("/finance/agreements/4101/additions/88010"))).toEqual([expect.objectContaining({ status: 200 })]);
    // The host's grid re-reads the PSA every 2 s and flags the change.
    await page.waitForFunction(() => document.querySelector('#additions tr[data-addition-id="88010"] td.qty')?.textContent?.startsWith("44"), undefined, { timeout: 10_000 });
    expect(await hostQuantity(page, 88010)).toBe("44 (was 40)");
    // The pod re-synced: the line now matches at 44 and still offers Revert.
    await frame.waitForSelector('tr[data-status=match]:has-text("Microsoft 365 Business Premium")', { timeout: 10_000 });
    const row = frame.locator('tr[data-status=match]:has-text("Microsoft 365 Business Premium")');
    expect((await row.locator("td.c-q").first().textContent())?.trim()).toBe("44");
    expect(await frame.$$eval("tr[data-row]", (rows) => rows.map((r) => (r as HTMLElement).dataset.status))).toEqual(["decrease", "match"]);
    await page.screenshot({ path: artifact("demo-after-approve-wide.png"), fullPage: true });
    await page.close();
  });
});
