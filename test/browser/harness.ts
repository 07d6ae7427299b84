/// <reference lib="dom" />
/**
 * Browser harness: playwright-core driving Debian's /usr/bin/chromium
 * (headless, fresh user-data-dir), helpers to wait inside the pod's frame,
 * and a stand-in for the decisions API served with context.route: the seeded
 * demo tenant's agreements come from no connected PSA, so the real API
 * refuses their write-back (409). The real loop against the ConnectWise
 * simulator is tested on the demo stack (demo-setup.ts, demo-loop.test.ts).
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type BrowserContext, type Frame, type Page } from "playwright-core";
import type { DecisionAction, DecisionView } from "../../src/shared/api-types.ts";

export const CHROMIUM = "/usr/bin/chromium";
export const ARTIFACTS = path.resolve(import.meta.dirname, "..", "..", "test-artifacts");
const ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"];

export interface Browser {
  context: BrowserContext;
  /** HTTP errors, failed requests and console errors of every page, for failure reports. */
  problems: string[];
  close(): Promise<void>;
}

export async function launch(): Promise<Browser> {
  const dir = mkdtempSync(path.join(tmpdir(), "trueup-chromium-"));
  const context = await chromium.launchPersistentContext(dir, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  context.on("response", (res) => {
    if (res.status() >= 400) problems.push(`${res.status()} ${res.request().method()} ${res.url()}`);
  });
  context.on("requestfailed", (req) => problems.push(`failed ${req.method()} ${req.url()}: ${req.failure()?.errorText}`));
  context.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console: ${msg.text()}`);
  });
  return {
    context,
    problems,
    close: async () => {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function artifact(name: string): string {
  mkdirSync(ARTIFACTS, { recursive: true });
  return path.join(ARTIFACTS, name);
}

/** The pod's frame inside a host page, once it has navigated. */
export async function podFrame(page: Page): Promise<Frame> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const frame = page.frames().find((f) => f.url().includes("/pod/connectwise/"));
    if (frame) return frame;
    await page.waitForTimeout(50);
  }
  throw new Error(`no pod frame; frames: ${page.frames().map((f) => f.url()).join(", ")}`);
}

/** Waits until the pod's phase (data-pod on <html>) is `phase`. */
export async function waitForPhase(frame: Frame, phase: string, timeout = 20_000): Promise<void> {
  await frame.waitForFunction((p) => document.documentElement.dataset.pod === p, phase, { timeout });
}

/** The stand-in keeps the real wire shape, plus how often it was polled. */
type FakeDecision = DecisionView & { polls: number };

export interface DecisionsStub {
  requests: Array<Record<string, unknown>>;
  dispose(): Promise<void>;
}

/**
 * Stand-in decisions API per src/shared/api-types.ts: POST → 202 pending,
 * the first GET of it → still pending, then applied. Records the requests.
 */
export async function stubDecisions(context: BrowserContext, baseUrl: string): Promise<DecisionsStub> {
  const decisions: FakeDecision[] = [];
  const requests: Array<Record<string, unknown>> = [];
  const view = ({ polls: _polls, ...d }: FakeDecision) => d;
  const decisionsUrl = `${baseUrl}/api/v1/decisions**`;
  const listUrl = `${baseUrl}/api/v1/agreements/*/decisions`;
  await context.route(decisionsUrl, async (route) => {
    const req = route.request();
    if (req.method() === "POST") {
      const body = req.postDataJSON() as Record<string, string | undefined>;
      requests.push({ ...body, idempotencyKey: req.headers()["idempotency-key"] });
      const now = new Date().toISOString();
      const d: FakeDecision = {
        id: `dec_${decisions.length + 1}`,
        agreementId: body.agreementId ?? "",
        lineId: body.lineId ?? null,
        productKey: body.productKey ?? "",
        action: (body.action ?? "approve") as DecisionAction,
        actor: "member:JSmith",
        oldQuantity: "40",
        newQuantity: body.quantity ?? "44",
        effectiveDate: body.effectiveDate ?? null,
        note: body.note ?? null,
        revertsDecisionId: body.revertsDecisionId ?? null,
        writebackState: body.action === "dismiss" ? "not-required" : "pending",
        writebackError: null,
        writeMode: body.action === "dismiss" ? null : "now",
        writeOn: null,
        firstBilledOn: null,
        createdAt: now,
        updatedAt: now,
        polls: 0,
      };
      decisions.unshift(d);
      return route.fulfill({ status: 202, json: { decision: view(d) } });
    }
    const d = decisions.find((x) => req.url().endsWith(`/${x.id}`));
    if (!d) return route.fulfill({ status: 404, json: { error: { code: "not_found", message: "Decision not found", requestId: "stub" } } });
    if (++d.polls >= 2 && d.writebackState === "pending") d.writebackState = "applied";
    return route.fulfill({ json: { decision: view(d) } });
  });
  await context.route(listUrl, (route) => {
    const agreementId = route.request().url().split("/agreements/")[1]?.split("/")[0];
    return route.fulfill({ json: { decisions: decisions.filter((d) => d.agreementId === agreementId).map(view) } });
  });
  return {
    requests,
    dispose: async () => {
      await context.unroute(decisionsUrl);
      await context.unroute(listUrl);
    },
  };
}
