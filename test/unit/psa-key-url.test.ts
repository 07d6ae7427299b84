import { describe, expect, it } from "vitest";
import { checkKeyUrl } from "../../src/core/psa/key-url.ts";

const cloud = { siteOrigin: "https://api-na.myconnectwise.net", allowInsecure: false };
const onPrem = { siteOrigin: "https://cw.msp.example:8443", allowInsecure: false };
const sim = { siteOrigin: "http://127.0.0.1:8788", allowInsecure: true };

describe("checkKeyUrl", () => {
  it.each([
    ["https://api-na.myconnectwise.net/v4_6_release/system/callbackkey/index.rails?id=1", cloud],
    ["https://API-EU.MyConnectWise.net/v2025_1/system/callbackkey/index.rails?companyName=x&id=2", cloud],
    ["https://sandbox-au.myconnectwise.net/key", cloud],
    ["https://na.myconnectwise.net/key", cloud],
    ["https://api-staging.connectwisedev.com/key", cloud],
    ["https://cw.msp.example:8443/v4_6_release/system/callbackkey/index.rails?id=3", onPrem],
    ["http://127.0.0.1:8788/v4_6_release/system/callbackkey/index.rails?id=4", sim],
  ])("allows %s", (url, policy) => {
    expect(checkKeyUrl(url, policy).ok).toBe(true);
  });

  it.each([
    ["http://api-na.myconnectwise.net/key", cloud, "https"],
    ["https://api-na.myconnectwise.net.evil.test/key", cloud, "not a ConnectWise host"],
    ["https://evil.myconnectwise.net/key", cloud, "not a ConnectWise host"],
    ["https://api-na.myconnectwise.net./key", cloud, "not a ConnectWise host"],
    ["https://myconnectwise.net/key", cloud, "not a ConnectWise host"],
    ["https://api-na.myconnectwise.net@evil.test/key", cloud, "credentials"],
    ["https://u:p@api-na.myconnectwise.net/key", cloud, "credentials"],
    ["https://api-na.myconnectwise.net:8443/key", cloud, "port"],
    ["https://api-na.myconnectwise.net/key#x", cloud, "fragment"],
    ["https://169.254.169.254/latest", cloud, "IP literal"],
    ["https://10.0.0.8/key", cloud, "IP literal"],
    ["https://2130706433/key", cloud, "IP literal"],
    ["https://[::ffff:127.0.0.1]/key", cloud, "IP literal"],
    ["https://cw.msp.example/key", onPrem, "not a ConnectWise host"],
    ["https://cw.msp.example:9443/key", onPrem, "port"],
    ["http://127.0.0.1:8788/key", { ...sim, allowInsecure: false }, "https"],
    ["http://127.0.0.1:9999/key", sim, "https"],
    ["http://localhost:8788/key", sim, "https"],
    ["javascript:alert(1)", cloud, "https"],
    ["//api-na.myconnectwise.net/key", cloud, "not a URL"],
  ])("refuses %s", (url, policy, reason) => {
    const result = checkKeyUrl(url, policy);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain(reason);
  });
});
