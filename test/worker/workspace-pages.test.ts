import { describe, expect, it } from "vitest";
import { call } from "./helpers/http.ts";

describe("GET /app/*", () => {
  it.each(["/app", "/app/tnt_demo", "/app/tnt_demo/month-end", "/app/tnt_demo/connections?tab=vendors"])(
    "%s serves the workspace shell with the pod's header policy but frame-ancestors 'none'",
    async (path) => {
      const res = await call(path);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
      const csp = res.headers.get("content-security-policy") ?? "";
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("default-src 'none'");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("cache-control")).toBe("no-store");
      const html = await res.text();
      expect(html).toMatch(/<script type="module"[^>]*src="\/assets\//);
      expect(html).not.toMatch(/<script>(?!<\/script>)/); // no inline script under script-src 'self'
    },
  );

  it("serves the workspace's built scripts as assets, and unknown API paths still get the JSON 404", async () => {
    const html = await (await call("/app/tnt_demo")).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await call(script!);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toMatch(/javascript/);
    expect((await call("/api/app/nothing")).status).toBe(404);
  });
});
