/**
 * GET /demo on the Worker: in development it sends the browser to the demo
 * host page on the demo tenant's ConnectWise simulator (a loopback site);
 * it never points anywhere else, and it does not exist in production.
 */
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import type { Env } from "../../src/env.ts";
import { BASE, call, type ErrorJson } from "./helpers/http.ts";
import { seedDemo } from "./helpers/seed.ts";

async function setDemoIntegration(siteOrigin: string | null): Promise<void> {
  await env.DB.prepare("DELETE FROM psa_integrations WHERE id = 'psi_demo_route'").run();
  if (siteOrigin === null) return;
  await env.DB.prepare(
    `INSERT INTO psa_integrations (id, tenant_id, kind, status, api_base_url, site_origin, web_origins, login_company_id, client_id, credentials)
     VALUES ('psi_demo_route', 'tnt_demo', 'connectwise', 'active', ?, ?, ?, 'northwind', 'client', 'v1.unused.unused')`,
  )
    .bind(`${siteOrigin}/v4_6_release/apis/3.0`, siteOrigin, JSON.stringify([siteOrigin]))
    .run();
}

beforeAll(async () => {
  await seedDemo();
});

describe("GET /demo", () => {
  it("answers 503 with what to do when the demo is not bootstrapped", async () => {
    await setDemoIntegration(null);
    const res = await call("/demo");
    expect(res.status).toBe(503);
    expect(((await res.json()) as ErrorJson).error.message).toContain("npm run dev");
  });

  it.each([
    ["/demo", "http://127.0.0.1:8788/demo"],
    ["/demo/", "http://127.0.0.1:8788/demo"],
    ["/demo?agreement=4105", "http://127.0.0.1:8788/demo?agreement=4105"],
    ["/demo?agreement=https://evil.test", "http://127.0.0.1:8788/demo"],
  ])("redirects %s to the simulator's host page (%s)", async (path, location) => {
    await setDemoIntegration("http://127.0.0.1:8788");
    const res = await call(path, { redirect: "manual" });
    expect(res.status).toBe(302);
    expect(res.headers.get("location")).toBe(location);
  });

  it("never redirects to a site that is not a loopback simulator", async () => {
    await setDemoIntegration("https://api-na.myconnectwise.net");
    const res = await call("/demo", { redirect: "manual" });
    expect(res.status).toBe(503);
    expect(res.headers.get("location")).toBeNull();
  });

  it("does not exist in production", async () => {
    await setDemoIntegration("http://127.0.0.1:8788");
    const production = { ...(env as unknown as Env), TRUEUP_ENV: "production" } as Env;
    const ctx = { waitUntil: () => undefined, passThroughOnException: () => undefined, props: {} } as unknown as ExecutionContext;
    const res = await createApp().fetch(new Request(`${BASE}/demo`, { redirect: "manual" }), production, ctx);
    expect(res.status).toBe(404);
    expect(((await res.json()) as ErrorJson).error.code).toBe("not_found");
  });
});
