/// <reference lib="dom" />
/**
 * Shared by the workspace-* browser tests: the workspace stack
 * (workspace-setup.ts), signing in as a role, calls to the API as the tenant
 * or as a signed-in page (cookie + CSRF token), an axe-core check of the page
 * (its source is evaluated in the page: the workspace's CSP forbids inline
 * script tags, and evaluate is not subject to it), and screenshots at 1440
 * and 390 px.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Page } from "playwright-core";
import { expect, inject } from "vitest";
import { artifact } from "./harness.ts";

export const ws = inject("workspace");
export type RoleName = "admin" | "approver" | "viewer";

export function appUrl(page = "", tenantId = ws.tenantId): string {
  return `${ws.baseUrl}/app/${tenantId}/${page}`;
}

/** Opens the workspace at `path` signed out and signs in with the form. */
export async function signIn(page: Page, who: RoleName | { email: string; password: string }, path = "", tenantId = ws.tenantId): Promise<void> {
  const user = typeof who === "string" ? ws.users[who] : who;
  await page.context().clearCookies(); // the file's browser is shared: start signed out
  await page.goto(appUrl(path, tenantId));
  await page.waitForSelector("form.login");
  await page.fill("input[name=email]", user.email);
  await page.fill("input[name=password]", user.password);
  await page.click("form.login button[type=submit]");
  await page.waitForSelector("header.top");
}

/** The tenant API with the tenant's API key. */
export async function tenantApi<T>(method: string, route: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${ws.baseUrl}${route}`, {
    method,
    headers: { authorization: `Bearer ${ws.apiKey}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
}

/** A call from inside the signed-in page: its cookie, and the CSRF token of a fresh GET /api/app/session. */
export async function pageApi(page: Page, method: string, route: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  return page.evaluate(
    async ({ method, route, body }) => {
      const session = (await (await fetch("/api/app/session")).json()) as { csrfToken: string };
      const res = await fetch(route, { method, headers: { "content-type": "application/json", "x-csrf-token": session.csrfToken }, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
    },
    { method, route, body },
  );
}

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");

/** Runs axe-core (WCAG 2.x A/AA rules) on the page; fails on serious or critical violations, naming them. */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (ctx: Document, opts: unknown) => Promise<{ violations: Array<{ id: string; impact: string; help: string; nodes: Array<{ target: string[] }> }> }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")) }));
  });
  const bad = violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad, `${what}: axe found ${JSON.stringify(bad, null, 1)}`).toEqual([]);
}

/** Full-page screenshots at 1440 and 390 px wide into test-artifacts/ (the viewport is restored after). */
export async function screenshots(page: Page, name: string): Promise<void> {
  const before = page.viewportSize() ?? { width: 1280, height: 900 };
  for (const width of [1440, 390]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(150);
    await page.screenshot({ path: artifact(`workspace-${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize(before);
}

/** The quantity of an addition in the ConnectWise simulator (its control surface). */
export async function simQuantity(agreementId: number, additionId: number): Promise<number | undefined> {
  const body = (await (await fetch(`${ws.cwOrigin}/_sim/agreements/${agreementId}`)).json()) as { additions: Array<{ id: number; quantity: number }> };
  return body.additions.find((a) => a.id === additionId)?.quantity;
}
