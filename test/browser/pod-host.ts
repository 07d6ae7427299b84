/// <reference lib="dom" />
/**
 * Shared by the browser test files: one Chromium per file (with a report of
 * what the browser saw when a test fails), and the URLs of the pod, of the
 * fake PSA's host pages on the allowed origin (http://localhost:P) and on
 * look-alike origins (http://127.0.0.1:P; http://localhost:P0, which a
 * startsWith check would accept).
 */
import type { Frame, Page } from "playwright-core";
import { afterAll, afterEach, beforeAll, inject } from "vitest";
import { launch, podFrame, waitForPhase, type Browser } from "./harness.ts";

export const pod = inject("pod");
export const ALLOWED_HOST = `http://localhost:${pod.psaPort}`;
export const LOOKALIKE_HOST = `http://127.0.0.1:${pod.psaPort}`;
export const SUFFIX_HOST = `http://localhost:${pod.psaPort}0`;

export function podUrl(query = "id=4101&screen=agreement"): string {
  return `${pod.baseUrl}/pod/connectwise/${pod.integrationId}?${query}`;
}

export function hostUrl(host: string, query?: string, extra = ""): string {
  return `${host}/host?pod=${encodeURIComponent(podUrl(query))}${extra}`;
}

/** Records the pod's sign-in attempts (the Worker calls ConnectWise only through these). */
export function watchSessions(page: Page): string[] {
  const seen: string[] = [];
  page.on("request", (req) => {
    if (req.url().includes("/api/pod/sessions/")) seen.push(req.url());
  });
  return seen;
}

/** Opens the pod in the allowed host and waits for its rows. */
export async function openPod(page: Page, query?: string): Promise<Frame> {
  await page.goto(hostUrl(ALLOWED_HOST, query));
  const frame = await podFrame(page);
  await waitForPhase(frame, "ready");
  await frame.waitForSelector("tr[data-row]");
  return frame;
}

/** Launches Chromium for the calling test file; `get()` returns it inside tests. */
export function useBrowser(): { get(): Browser } {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launch();
  });
  afterEach((ctx) => {
    if (!browser) return;
    // On failure, say what the browser saw (4xx/5xx, failed requests, console errors).
    if (ctx.task.result?.state === "fail") console.log(`browser problems during "${ctx.task.name}":\n  ${browser.problems.join("\n  ") || "none"}`);
    browser.problems.length = 0;
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    get() {
      if (!browser) throw new Error("browser not launched");
      return browser;
    },
  };
}
