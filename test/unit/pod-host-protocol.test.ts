import { describe, expect, it } from "vitest";
import { isAllowedOrigin as coreIsAllowed } from "../../src/core/pod/origins.ts";
import { isSubstituted, parseBoot } from "../../ui/lib/boot.ts";
import {
  eventAck,
  frameVerdict,
  isAllowedOrigin,
  memberAuthRequest,
  parseHostMessage,
  pickMemberAuth,
  READY_MESSAGE,
} from "../../ui/lib/host-protocol.ts";

const ALLOWED = ["https://na.myconnectwise.net", "https://cw.msp.example:8443"];

describe("origin matching is exact (UI and Worker alike)", () => {
  it.each([
    ["https://na.myconnectwise.net", true],
    ["https://cw.msp.example:8443", true],
    ["https://na.myconnectwise.net.evil.com", false], // the startsWith bug
    ["https://na.myconnectwise.net:443", false],
    ["https://na.myconnectwise.net/", false],
    ["http://na.myconnectwise.net", false],
    ["https://NA.myconnectwise.net", false],
    ["https://evil-na.myconnectwise.net", false],
    ["https://cw.msp.example:84430", false],
    ["https://cw.msp.example", false],
    ["null", false],
    ["", false],
  ])("%j → %s", (origin, expected) => {
    expect(isAllowedOrigin(origin, ALLOWED)).toBe(expected);
    expect(coreIsAllowed(origin, ALLOWED)).toBe(expected);
  });

  it("never matches the opaque origin even if configured", () => {
    expect(isAllowedOrigin("null", ["null"])).toBe(false);
  });
});

describe("host messages", () => {
  it.each([
    ['{"MessageFrameID":"f-1"}', { type: "frame", frameId: "f-1" }],
    ['{"MessageFrameID":7}', { type: "frame", frameId: 7 }],
    [{ MessageFrameID: 8 }, { type: "frame", frameId: 8 }],
    ['{"response":"getmemberauthentication","data":{"memberid":"js"}}', { type: "member-auth", data: { memberid: "js" } }],
    ['{"response":"getMemberAuthentication","data":{"memberid":"js"}}', { type: "member-auth", data: { memberid: "js" } }],
    ['{"event":"beforeSave","_id":42,"data":{}}', { type: "event", event: "beforeSave", id: 42 }],
    ['{"response":"getscreenobject","data":{}}', { type: "other" }],
    ['{"response":"getmemberauthentication"}', null],
    ["not json", null],
    ["[1,2]", null],
    ["42", null],
    [null, null],
  ])("%j → %j", (raw, expected) => {
    expect(parseHostMessage(raw)).toEqual(expected);
  });

  it("builds the pod's messages as JSON strings with the frame id", () => {
    expect(READY_MESSAGE).toBe('{"message":"ready"}');
    expect(JSON.parse(memberAuthRequest("f-1"))).toEqual({ hosted_request: "getMemberAuthentication", frameID: "f-1" });
    expect(JSON.parse(eventAck("beforeSave", 42, "f-1"))).toEqual({ event: "beforeSave", _id: 42, result: "success", frameID: "f-1" });
  });

  it("forwards only what the Worker verifies from getMemberAuthentication", () => {
    const data = { site: "na.myconnectwise.net", companyid: "msp", memberid: "js", memberHash: "h", memberContext: "c", ssoAccessToken: "secret", memberEmail: "js@msp" };
    expect(pickMemberAuth(data)).toEqual({ companyid: "msp", memberid: "js", memberHash: "h", memberContext: "c", memberEmail: "js@msp" });
    expect(pickMemberAuth({ companyid: "msp", memberid: "js" })).toBeNull();
    expect(pickMemberAuth({ companyid: "msp", memberid: 5, memberHash: "h" })).toBeNull();
  });
});

describe("frameVerdict: refuse to render outside an allowed parent", () => {
  it.each([
    [true, null, null, "not-framed"],
    [false, ["https://na.myconnectwise.net"], null, "ok"],
    [false, ["https://na.myconnectwise.net", "https://evil.test"], null, "wrong-parent"],
    [false, ["https://na.myconnectwise.net.evil.com"], null, "wrong-parent"],
    [false, [], "https://na.myconnectwise.net", "ok"],
    [false, null, "https://evil.test", "wrong-parent"],
    [false, null, null, "unknown"],
  ] as const)("top=%s ancestors=%j referrer=%j → %s", (isTop, ancestors, referrer, expected) => {
    expect(frameVerdict(isTop, ancestors, referrer, ALLOWED)).toBe(expected);
  });
});

describe("boot data", () => {
  it("reads both modes and rejects anything else", () => {
    expect(parseBoot('{"mode":"connectwise","integrationId":"psi_1","origins":["https://a.test"],"cwId":"4","screen":"company"}')).toEqual({
      mode: "connectwise",
      integrationId: "psi_1",
      origins: ["https://a.test"],
      cwId: "4",
      screen: "company",
    });
    expect(parseBoot('{"mode":"standalone","tenantId":"tnt_1","contractId":null}')).toEqual({
      mode: "standalone",
      tenantId: "tnt_1",
      contractId: null,
      companyId: null,
    });
    for (const bad of [null, "", "{", '{"mode":"connectwise","integrationId":"x","origins":[1]}', '{"mode":"other"}']) expect(parseBoot(bad)).toBeNull();
  });

  it("spots unsubstituted ConnectWise tokens", () => {
    expect([isSubstituted("4101"), isSubstituted("[cw_id]"), isSubstituted(null)]).toEqual([true, false, false]);
  });
});
