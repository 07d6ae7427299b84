import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  decodeBase64,
  importAutotaskKey,
  importConnectWiseKey,
  parseAutotaskSignature,
  signAutotask,
  signConnectWise,
  utf8,
  verifyAutotask,
  verifyConnectWise,
} from "../../src/core/psa/signatures.ts";

/** Independent implementations with node:crypto, following the vendors' descriptions. */
function cwReference(signingKey: string, body: string): string {
  const key = createHash("sha256").update(signingKey, "utf8").digest();
  return createHmac("sha256", key).update(body, "utf8").digest("base64");
}

function atReference(secret: string, body: string): string {
  return `sha1=${createHmac("sha1", secret).update(body, "utf8").digest("base64")}`;
}

const CW_BODY = '{"MessageId":"6dd82302-1","CompanyId":"Cobalt","Action":"updated","Type":"agreement","ID":57961,"Entity":"{\\"id\\":57961,\\"name\\":\\"Caf\\u00e9 ♥\\"}","Metadata":{"key_url":"https://api-na.myconnectwise.net/v4_6_release/system/callbackkey/index.rails?id=x"}}';

describe("ConnectWise x-content-signature", () => {
  it.each([
    ["a GUID key", "0b0c5f9d-5a1b-4f36-b1c5-0f7fb0a3e0a1"],
    ["a key with non-ASCII", "clé-sécrète-✓"],
  ])("matches Base64(HMAC-SHA256(SHA-256(key), body)) for %s", async (_label, key) => {
    expect(await signConnectWise(key, utf8(CW_BODY))).toBe(cwReference(key, CW_BODY));
  });

  it("verifies the exact bytes and nothing else", async () => {
    const key = await importConnectWiseKey("k1");
    const header = cwReference("k1", CW_BODY);
    expect(await verifyConnectWise(key, header, utf8(CW_BODY))).toBe(true);
    expect(await verifyConnectWise(key, header, utf8(`${CW_BODY} `))).toBe(false);
    expect(await verifyConnectWise(key, header, utf8(JSON.stringify(JSON.parse(CW_BODY))))).toBe(false);
    expect(await verifyConnectWise(await importConnectWiseKey("k2"), header, utf8(CW_BODY))).toBe(false);
  });

  it.each([undefined, "", "not base64!", "c2hvcnQ=", `${cwReference("k1", CW_BODY)}AAAA`])("treats %j as unsigned", async (header) => {
    expect(await verifyConnectWise(await importConnectWiseKey("k1"), header, utf8(CW_BODY))).toBe(false);
  });
});

describe("Autotask X-Hook-Signature", () => {
  const body = '{"Action":"Update","Guid":"g-1","EntityType":"Company","Id":1,"Fields":{"companyName":"Smith \\u0026 Sons \\u003CLtd\\u003E"},"SequenceNumber":7}';

  it("matches sha1=Base64(HMAC-SHA1(SecretKey, body))", async () => {
    expect(await signAutotask("a-secret-key", utf8(body))).toBe(atReference("a-secret-key", body));
  });

  it("verifies Autotask's escaped bytes but not the same JSON re-serialised", async () => {
    const key = await importAutotaskKey("a-secret-key");
    const header = atReference("a-secret-key", body);
    expect(await verifyAutotask(key, header, utf8(body))).toBe(true);
    expect(await verifyAutotask(key, header, utf8(JSON.stringify(JSON.parse(body))))).toBe(false);
  });

  it.each([
    [undefined, false],
    ["sha1=UaDXFl2DRDu9dnINVkFle7y5uAE=", true],
    [" sha1=UaDXFl2DRDu9dnINVkFle7y5uAE= ", true],
    ["sha256=UaDXFl2DRDu9dnINVkFle7y5uAE=", false],
    ["UaDXFl2DRDu9dnINVkFle7y5uAE=", false],
    ["sha1=UaDXFl2D", false],
    ["sha1=", false],
  ])("parses %j → %s", (header, parses) => {
    expect(parseAutotaskSignature(header) !== null).toBe(parses);
  });
});

describe("decodeBase64", () => {
  it.each([
    ["AAAA", 3, 3],
    ["AAA=", 2, 2],
    ["AAA", 2, null],
    ["AA==", 2, null],
    ["@@@@", 3, null],
  ])("%s (want %i bytes) → %s", (text, length, expected) => {
    expect(decodeBase64(text, length)?.byteLength ?? null).toBe(expected);
  });
});
