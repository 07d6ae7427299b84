/// <reference lib="dom" />
/**
 * Health and alerts, against the real Worker and the ConnectWise simulator:
 * an admin points the alert webhook at a local receiver (its signing secret is
 * shown once) and sends a test; then the simulator refuses a write-back (an
 * injected fault), the decision fails with the PSA's reason on the board, the
 * health page shows the alert, and the receiver gets it signed the Standard
 * Webhooks way (webhook-id, webhook-timestamp, webhook-signature v1 =
 * base64 HMAC-SHA256 over "id.timestamp.body"), verified here.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { useBrowser } from "./pod-host.ts";
import { appUrl, expectAccessible, screenshots, signIn, tenantApi, ws } from "./workspace-harness.ts";

const b = useBrowser();

interface Delivery {
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const deliveries: Delivery[] = [];
let receiver: Server;
let receiverUrl = "";
let secret = "";

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString("utf8")));
    req.on("end", () => {
      deliveries.push({ headers: req.headers, body });
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  const address = receiver.address();
  receiverUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/hooks/trueup`;
});

afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
  await fetch(`${ws.cwOrigin}/_sim/faults`, { method: "DELETE" });
});

/** Standard Webhooks: the key is the secret's base64 part after "whsec_" (or the secret's bytes); any v1 signature may match. */
function verify(d: Delivery): boolean {
  const id = String(d.headers["webhook-id"] ?? "");
  const timestamp = String(d.headers["webhook-timestamp"] ?? "");
  const key = secret.startsWith("whsec_") ? Buffer.from(secret.slice(6), "base64") : Buffer.from(secret, "utf8");
  const expected = createHmac("sha256", key).update(`${id}.${timestamp}.${d.body}`).digest();
  return String(d.headers["webhook-signature"] ?? "")
    .split(" ")
    .filter((s) => s.startsWith("v1,"))
    .some((s) => {
      const got = Buffer.from(s.slice(3), "base64");
      return got.length === expected.length && timingSafeEqual(got, expected);
    });
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 40_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = await check();
    if (found !== undefined) return found;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe("health and alerts", () => {
  it("an admin sets the alert webhook (secret shown once) and a test delivery arrives signed", async () => {
    const page = await b.get().context.newPage();
    await signIn(page, "admin", "health");
    await page.waitForSelector("table.health tr[data-health]");
    await page.fill("input[name=webhookUrl]", receiverUrl);
    await page.click("section:has(#h-rules) button[type=submit]");
    secret = (await page.locator("code[data-secret='Webhook signing secret']").textContent({ timeout: 15_000 })) ?? "";
    expect(secret.length).toBeGreaterThan(20);
    await page.click("button:has-text('Send a test')");
    await page.waitForSelector(".banner.ok:has-text('Test delivered')", { timeout: 20_000 });
    const test = await waitFor("the test delivery", async () => deliveries[0]);
    expect(verify(test)).toBe(true);
    expect(verify({ ...test, body: `${test.body} ` })).toBe(false);
    await expectAccessible(page, "health");
    await page.close();
  });

  it("a write-back the simulator refuses fails on the board, shows on the health page and fires the signed webhook", async () => {
    const faulted = await fetch(`${ws.cwOrigin}/_sim/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ method: "PATCH", path: "/finance/agreements/4110/additions", status: 400, times: 20, body: { code: "InvalidObject", message: "Quantity cannot be changed on an annual agreement mid-term" } }),
    });
    expect(faulted.ok).toBe(true);
    const before = deliveries.length;
    const page = await b.get().context.newPage();
    await signIn(page, "admin");
    await page.check("input[aria-label='Select Microsoft 365 E3 for Juniper Realty']");
    await page.click(".bulkbar button:has-text('Approve…')");
    await page.click("form.bulk-form button[type=submit]");
    await page.waitForSelector(".bulkbar .run:has-text('1 failed')", { timeout: 45_000 });
    expect(await page.textContent("tbody:has(th:has-text('Juniper Realty')) .wb.failed")).toMatch(/^Failed: /);
    const alert = await waitFor("the write-back alert", async () => {
      const health = await tenantApi<{ alerts: Array<{ rule: string; title: string }> }>("GET", "/api/v1/health");
      return health.body.alerts.find((a) => a.rule === "writeback-failed");
    });
    const hook = await waitFor("the alert's webhook delivery", async () => deliveries.slice(before).find((d) => d.body.includes(alert.title)));
    expect(verify(hook)).toBe(true);
    await page.goto(appUrl("health"));
    await page.waitForSelector("li[data-alert=writeback-failed]");
    await screenshots(page, "health");
    await page.close();
  });
});
