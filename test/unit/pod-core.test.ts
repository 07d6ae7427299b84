import { describe, expect, it } from "vitest";
import { buildPodCsp, podPageHeaders } from "../../src/core/pod/csp.ts";
import { isOverLimit, retryAfterSeconds, USER_LOGIN_LIMIT, windowCutoff } from "../../src/core/pod/login-limit.ts";
import { memberAuthSchema, memberCookieHeader, sameIdentifier, screenKind } from "../../src/core/pod/member-auth.ts";
import { canonicalOrigin, parseWebOrigins } from "../../src/core/pod/origins.ts";
import { escapeHtmlAttribute, injectBoot } from "../../src/core/pod/page.ts";
import { parseBoot } from "../../ui/lib/boot.ts";

const strict = { allowInsecureLoopback: false };
const dev = { allowInsecureLoopback: true };

describe("PSA web origins", () => {
  it.each([
    ["https://na.myconnectwise.net", strict, "https://na.myconnectwise.net"],
    ["https://cw.msp.example:8443", strict, "https://cw.msp.example:8443"],
    ["https://na.myconnectwise.net/", strict, null],
    ["https://na.myconnectwise.net/v4_6_release", strict, null],
    ["https://user@na.myconnectwise.net", strict, null],
    ["https://NA.myconnectwise.net", strict, null],
    ["http://na.myconnectwise.net", strict, null],
    ["http://na.myconnectwise.net", dev, null],
    ["http://localhost:5173", strict, null],
    ["http://localhost:5173", dev, "http://localhost:5173"],
    ["http://127.0.0.1:4000", dev, "http://127.0.0.1:4000"],
    ["http://psa.localhost:4000", dev, "http://psa.localhost:4000"],
    ["javascript:alert(1)", dev, null],
    ["*", dev, null],
  ])("%s (%j) → %s", (value, policy, expected) => {
    expect(canonicalOrigin(value, policy)).toBe(expected);
  });

  it("parses the JSON list, de-duplicates and reports what it dropped", () => {
    expect(parseWebOrigins('["https://a.test","https://a.test","https://b.test/",3]', strict)).toEqual({
      origins: ["https://a.test"],
      rejected: ["https://b.test/", "3"],
    });
    expect(parseWebOrigins('{"a":1}', strict)).toEqual({ origins: [], rejected: ['{"a":1}'] });
  });
});

describe("pod page headers", () => {
  it("frames only from the tenant's origins, or nowhere", () => {
    expect(buildPodCsp(["https://na.myconnectwise.net", "https://eu.myconnectwise.net"])).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors https://na.myconnectwise.net https://eu.myconnectwise.net",
    );
    expect(buildPodCsp([])).toMatch(/frame-ancestors 'none'$/);
    expect(() => buildPodCsp(["https://a.test; script-src *"])).toThrow();
    const headers = podPageHeaders([]);
    expect(headers["Referrer-Policy"]).toBe("no-referrer");
    expect(Object.keys(headers).map((h) => h.toLowerCase())).not.toContain("x-frame-options");
  });

  it("puts the boot JSON in an escaped attribute that round-trips", () => {
    const html = '<body><div id="app"></div><script type="module" src="/assets/x.js"></script></body>';
    const boot = { mode: "standalone" as const, tenantId: 't"><script>alert(1)</script>', contractId: "&amp;", companyId: null };
    const out = injectBoot(html, boot);
    expect(out).not.toContain("<script>alert");
    const attr = /data-boot="([^"]*)"/.exec(out)?.[1] ?? "";
    const decoded = attr.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
    expect(parseBoot(decoded)).toEqual(boot);
    expect(escapeHtmlAttribute(`<a href="x" b='y'>&`)).toBe("&lt;a href=&quot;x&quot; b=&#39;y&#39;&gt;&amp;");
    expect(() => injectBoot("<body></body>", boot)).toThrow();
  });
});

describe("member authentication data", () => {
  const valid = { companyid: "msp", memberid: "jsmith", memberHash: "abc+/=", memberContext: "ctx", site: "na.myconnectwise.net", ssoAccessToken: "x" };

  it("accepts what ConnectWise sends and strips the rest", () => {
    expect(memberAuthSchema.parse(valid)).toEqual({ companyid: "msp", memberid: "jsmith", memberHash: "abc+/=", memberContext: "ctx" });
  });

  it.each([["memberHash", "a;b"], ["memberid", "a b"], ["memberContext", "x\r\ny"], ["companyid", "é"], ["memberHash", ""]])(
    "rejects %s = %j",
    (field, value) => {
      expect(memberAuthSchema.safeParse({ ...valid, [field]: value }).success).toBe(false);
    },
  );

  it("builds the cookie with OUR company id", () => {
    const auth = memberAuthSchema.parse({ ...valid, companyid: "ClaimedCo" });
    expect(memberCookieHeader("OurCo", auth)).toBe("companyName=OurCo; memberId=jsmith; memberHash=abc+/=; memberContext=ctx");
    expect(memberCookieHeader("OurCo", { ...auth, memberContext: undefined })).toBe("companyName=OurCo; memberId=jsmith; memberHash=abc+/=");
    expect(() => memberCookieHeader("Our;Co", auth)).toThrow();
  });

  it("compares identifiers case-insensitively and maps screens", () => {
    expect(sameIdentifier("JSmith", "jsmith")).toBe(true);
    expect(sameIdentifier("jsmith", "jsmith2")).toBe(false);
    expect([screenKind("Agreement"), screenKind("agreements"), screenKind("company"), screenKind("CompanyFinance"), screenKind("ticket")]).toEqual([
      "agreement",
      "agreement",
      "company",
      "company",
      null,
    ]);
  });
});

describe("login limit", () => {
  const now = new Date("2026-03-20T12:00:00.000Z");
  it("allows max attempts per window and says when to retry", () => {
    expect([isOverLimit(5, USER_LOGIN_LIMIT), isOverLimit(6, USER_LOGIN_LIMIT)]).toEqual([false, true]);
    expect(windowCutoff(now, USER_LOGIN_LIMIT)).toBe("2026-03-20T11:45:00.000Z");
    expect(retryAfterSeconds("2026-03-20T11:50:00.000Z", now, USER_LOGIN_LIMIT)).toBe(300);
    expect(retryAfterSeconds("2026-03-20T11:00:00.000Z", now, USER_LOGIN_LIMIT)).toBe(1);
  });
});

describe("password sign-in subjects (issue 10 item 14)", () => {
  it("limits (account, client) first, then the account over all clients", async () => {
    const { passwordSignInSubjects, clientKey, USER_LOGIN_LIMIT: perClient, ACCOUNT_BACKSTOP_LIMIT } = await import("../../src/core/pod/login-limit.ts");
    expect(passwordSignInSubjects("user:a@b.test", clientKey("2001:DB8::1"))).toEqual([
      { subject: "user:a@b.test|client:2001:db8::1", limit: perClient },
      { subject: "user:a@b.test|all", limit: ACCOUNT_BACKSTOP_LIMIT },
    ]);
    expect([clientKey(undefined), clientKey(" "), clientKey("x".repeat(65))]).toEqual(["unknown", "unknown", "unknown"]);
    expect(ACCOUNT_BACKSTOP_LIMIT.max).toBeGreaterThan(perClient.max);
  });
});
