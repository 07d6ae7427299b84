import { describe, expect, it } from "vitest";
import { connectWiseWebOrigins, parseAutotaskZoneUrl, parseSiteOrigin, parseZoneLookupOrigin } from "../../src/core/psa/origins.ts";

describe("ConnectWise site origin", () => {
  it.each([
    ["https://api-na.myconnectwise.net", false, "https://api-na.myconnectwise.net"],
    ["https://api-na.myconnectwise.net/", false, "https://api-na.myconnectwise.net"],
    ["https://cw.msp.example:8443", false, "https://cw.msp.example:8443"],
    ["http://127.0.0.1:8788", true, "http://127.0.0.1:8788"],
    ["http://localhost:8788", true, "http://localhost:8788"],
  ])("%s (insecure allowed: %s) → %s", (input, insecure, origin) => {
    expect(parseSiteOrigin(input, insecure)).toEqual({ ok: true, value: origin });
  });

  it.each([
    ["http://127.0.0.1:8788", false],
    ["http://cw.msp.example", true],
    ["https://10.1.2.3", false],
    ["https://api-na.myconnectwise.net/v4_6_release", false],
    ["https://api-na.myconnectwise.net?x=1", false],
    ["https://u:p@api-na.myconnectwise.net", false],
    ["api-na.myconnectwise.net", false],
  ])("refuses %s (insecure allowed: %s)", (input, insecure) => {
    expect(parseSiteOrigin(input, insecure).ok).toBe(false);
  });

  it.each([
    ["https://api-na.myconnectwise.net", ["https://na.myconnectwise.net"]],
    ["https://api-eu.myconnectwise.net", ["https://eu.myconnectwise.net"]],
    ["https://api-staging.connectwisedev.com", ["https://staging.connectwisedev.com"]],
    ["https://cw.msp.example:8443", ["https://cw.msp.example:8443"]],
    ["http://127.0.0.1:8788", ["http://127.0.0.1:8788"]],
  ])("web origins of %s", (site, origins) => {
    expect(connectWiseWebOrigins(site)).toEqual(origins);
  });
});

describe("Autotask zone", () => {
  it("accepts an autotask.net zone and builds the v1.0 base", () => {
    expect(parseAutotaskZoneUrl("https://webservices15.autotask.net/ATServicesRest/", false)).toEqual({ ok: true, value: { apiBaseUrl: "https://webservices15.autotask.net/ATServicesRest/v1.0", origin: "https://webservices15.autotask.net" } });
    expect(parseAutotaskZoneUrl("http://127.0.0.1:8789/ATServicesRest/", true).ok).toBe(true);
  });

  it.each(["https://webservices15.autotask.net.evil.test/ATServicesRest/", "http://webservices15.autotask.net/ATServicesRest/", "https://webservices15.autotask.net:444/", "https://evil.test/", "http://127.0.0.1:8789/"])("refuses %s", (url) => {
    expect(parseAutotaskZoneUrl(url, false).ok).toBe(false);
  });

  it("looks zones up at webservices.autotask.net unless a dev simulator is named", () => {
    expect(parseZoneLookupOrigin(undefined, false)).toEqual({ ok: true, value: "https://webservices.autotask.net" });
    expect(parseZoneLookupOrigin("http://127.0.0.1:8789", true)).toEqual({ ok: true, value: "http://127.0.0.1:8789" });
    expect(parseZoneLookupOrigin("https://evil.test", true).ok).toBe(false);
  });
});
