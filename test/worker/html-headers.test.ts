import { describe, expect, it } from "vitest";
import { call } from "./helpers/http.ts";

// Issue 10 #15: every HTML response carries the pod's header policy, not only pod pages.
describe("HTML responses outside the pod", () => {
  it("GET / (the UI's index.html from the assets) gets the CSP, never framed, nosniff and no-referrer", async () => {
    const res = await call("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const csp = res.headers.get("content-security-policy") ?? "";
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
    expect(res.headers.get("x-frame-options")).toBeNull();
    expect(await res.text()).toContain("<html");
  });

  it("leaves JSON and non-HTML assets alone", async () => {
    const res = await call("/healthz");
    expect(res.headers.get("content-security-policy")).toBeNull();
  });
});
