import { describe, expect, it } from "vitest";
import { explainWritebackFailure } from "../../src/core/psa/writeback-errors.ts";

// Statuses as the PSAs document them: ConnectWise REST "Error handling" (401 keys/clientId, 403 security role,
// 404 record, 400 validation with errors[].field, 429 throttling, 5xx); Autotask REST "Error codes"
// (401 credentials/ApiIntegrationCode, 403 security level, 500 with errors[] for business-rule refusals).
describe("a failed write-back in plain words, the PSA's message once, and what to do", () => {
  it.each([
    ["connectwise", 401, { code: "Unauthorized", message: "Authentication failed" }, /^ConnectWise did not accept Trueup's credentials \(401\)\. ConnectWise said: “Authentication failed”\. Reconnect ConnectWise in Trueup with current API keys, then Retry\.$/],
    ["connectwise", 403, { message: "Member lacks Finance > Agreements edit rights" }, /security role Finance › Agreements: Edit/],
    ["autotask", 403, { errors: ["User does not have permission to create ContractServiceAdjustment"] }, /^Autotask refused the change.*Autotask said: “User does not have permission to create ContractServiceAdjustment”\. In Autotask, give the API user a security level that can edit contracts/],
    ["connectwise", 404, { code: "NotFound", message: "Addition not found" }, /^The line no longer exists in ConnectWise \(404\)\. ConnectWise said: “Addition not found”\. .*re-sync and decide on the row again\.$/],
    ["connectwise", 400, { code: "InvalidObject", message: "quantity: must be a number", errors: [{ message: "quantity: must be a number", field: "quantity" }] }, /^ConnectWise rejected the change \(400\)\. ConnectWise said: “quantity: must be a number”\. Fix what it names/],
  ] as const)("%s %i", (psa, status, body, expected) => {
    expect(explainWritebackFailure({ psa, status, body })).toMatch(expected);
  });

  it("says how often it tried after throttling and server errors, and that nothing was written twice", () => {
    expect(explainWritebackFailure({ psa: "connectwise", status: 429, body: null, attempts: 8 })).toBe("ConnectWise kept throttling Trueup's requests (429) after 8 attempts. Nothing was changed; Retry later.");
    const busy = explainWritebackFailure({ psa: "autotask", status: 500, body: { errors: ["Timeout"] }, attempts: 8 });
    expect(busy).toBe("Autotask answered with a server error (500) after 8 attempts. Autotask said: “Timeout”. Trueup re-read the line before every attempt, so nothing was written twice; Retry later, and check Autotask's status page if it persists.");
    expect(explainWritebackFailure({ psa: "connectwise", status: 0, body: null, attempts: 3 })).toMatch(/^ConnectWise did not answer after 3 attempts\./);
  });

  it("keeps the PSA's message once even when it repeats it in message and errors[]", () => {
    const text = explainWritebackFailure({ psa: "connectwise", status: 400, body: { message: "Locked", errors: [{ message: "Locked" }] } });
    expect(text.split("Locked").length).toBe(2);
  });
});
