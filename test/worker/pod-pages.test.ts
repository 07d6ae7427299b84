import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { PodBoot } from "../../src/core/pod/page.ts";
import { call, createTenant } from "./helpers/http.ts";
import { seedDemo } from "./helpers/seed.ts";
import { insertIntegration, PSA_ORIGIN } from "./pod-helpers.ts";

function bootOf(html: string): PodBoot {
  const match = /<div id="app" data-boot="([^"]*)"/.exec(html);
  if (!match?.[1]) throw new Error("no data-boot");
  const json = match[1].replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  return JSON.parse(json) as PodBoot;
}

beforeAll(async () => {
  await seedDemo();
  await insertIntegration({ id: "psi_pages", tenantId: "tnt_demo" });
  await insertIntegration({
    id: "psi_mixed",
    tenantId: "tnt_demo",
    webOrigins: [PSA_ORIGIN, "https://na.cw.test/", "http://evil.test", "https://x.test/path", "http://127.0.0.1:4000", 7, "https://EU.cw.test"],
  });
  await insertIntegration({ id: "psi_none", tenantId: "tnt_demo", webOrigins: "not json" });
  await insertIntegration({ id: "psi_at", tenantId: "tnt_demo", kind: "autotask" });
  await insertIntegration({ id: "psi_off", tenantId: "tnt_demo", status: "disconnected" });
});

afterEach(() => vi.restoreAllMocks());

describe("GET /pod/connectwise/:integrationId", () => {
  it("serves the UI with the tenant's frame-ancestors, no X-Frame-Options, strict referrer and the boot data", async () => {
    const res = await call("/pod/connectwise/psi_pages?id=4101&screen=agreement");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp.split("; ")).toEqual(expect.arrayContaining(["script-src 'self'", "default-src 'none'", `frame-ancestors ${PSA_ORIGIN}`]));
    expect(csp).not.toContain("unsafe-inline");
    expect(res.headers.get("x-frame-options")).toBeNull();
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const html = await res.text();
    expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/[^"]+\.js"><\/script>/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    expect(bootOf(html)).toEqual({ mode: "connectwise", integrationId: "psi_pages", origins: [PSA_ORIGIN], cwId: "4101", screen: "agreement" });
  });

  it("lets the browser keep the pod's content-hashed JS and CSS (no revalidation per pod open); the page itself is never cached", async () => {
    const html = await (await call("/pod/connectwise/psi_pages?id=4101&screen=agreement")).text();
    const assets = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1] as string);
    expect(assets.length).toBeGreaterThanOrEqual(2);
    for (const asset of assets) {
      const res = await call(asset);
      expect(res.status).toBe(200);
      expect(res.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
    }
    const missing = await call("/assets/no-such-file.js");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("cache-control") ?? "").not.toContain("immutable");
  });

  it("keeps only exact https origins (and loopback http in dev/test); everything else is dropped", async () => {
    const res = await call("/pod/connectwise/psi_mixed?id=1&screen=company");
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toMatch(new RegExp(`frame-ancestors ${PSA_ORIGIN} http://127\\.0\\.0\\.1:4000$`));
    expect(bootOf(await res.text())).toMatchObject({ mode: "connectwise", origins: [PSA_ORIGIN, "http://127.0.0.1:4000"] });
  });

  it("frames nowhere when the origins are unreadable", async () => {
    const res = await call("/pod/connectwise/psi_none");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'$/);
    expect(bootOf(await res.text())).toMatchObject({ origins: [], cwId: null, screen: null });
  });

  it.each([["psi_unknown"], ["psi_at"], ["psi_off"]])("answers 404 for %s (unknown, not ConnectWise, disconnected)", async (id) => {
    const res = await call(`/pod/connectwise/${id}?id=1&screen=company`);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-security-policy")).toBeNull();
  });

  it("passes unsubstituted ConnectWise tokens through to the UI", async () => {
    const res = await call("/pod/connectwise/psi_pages?id=[cw_id]&screen=[cw_screen]");
    expect(res.status).toBe(200);
    expect(bootOf(await res.text())).toMatchObject({ cwId: "[cw_id]", screen: "[cw_screen]" });
  });

  it.each([
    ["/pod/connectwise?id=1&screen=company", 400, "path: the pod URL is /pod/connectwise/<integrationId>"],
    ["/pod/connectwise/psi_pages?id=1%22%3E%3Cscript%3E&screen=company", 400, "query.id"],
    ["/pod/connectwise/psi_pages?id=1&screen=%3Cb%3E", 400, "query.screen"],
    ["/pod/connectwise/bad%20id", 400, "path.integrationId"],
  ])("%s → %i", async (path, status, message) => {
    const res = await call(path);
    expect(res.status).toBe(status);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain(message);
  });
});

describe("GET /pod/standalone/:tenantId", () => {
  it("is never framed and boots the standalone view", async () => {
    const res = await call("/pod/standalone/tnt_demo?contractId=4104");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'$/);
    expect(res.headers.get("x-frame-options")).toBeNull();
    expect(bootOf(await res.text())).toEqual({ mode: "standalone", tenantId: "tnt_demo", contractId: "4104", companyId: null });
  });

  it("answers 404 for an unknown tenant and 400 without one", async () => {
    expect((await call("/pod/standalone/tnt_nope")).status).toBe(404);
    expect((await call("/pod/standalone?contractId=1")).status).toBe(400);
    const other = await createTenant("Other MSP");
    expect((await call(`/pod/standalone/${other.tenantId}`)).status).toBe(200);
  });
});
