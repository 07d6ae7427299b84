import { describe, expect, it } from "vitest";
import { DEFAULT_ALERT_RULES, emailOf, outboundMessage, readRules } from "../../src/core/workspace/alert-rules.ts";
import { newWebhookSecret, signWebhook, webhookHeaders } from "../../src/core/workspace/standard-webhooks.ts";

describe("Standard Webhooks signing", () => {
  it("matches the spec's known-answer vector (reliability-and-security.md §1.3)", async () => {
    const signature = await signWebhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}');
    expect(signature).toBe("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  });

  it("signs the same without the whsec_ prefix, and refuses an id with a dot", async () => {
    expect(await signWebhook("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, '{"test": 2432232314}')).toBe(
      "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    );
    await expect(signWebhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "a.b", 1, "{}")).rejects.toThrow("must not contain");
  });

  it("sends the three headers and makes 32-byte secrets", async () => {
    const headers = await webhookHeaders(newWebhookSecret(), "alr_1", 1700000000, "{}");
    expect(Object.keys(headers).sort()).toEqual(["content-type", "webhook-id", "webhook-signature", "webhook-timestamp"]);
    expect(headers["webhook-timestamp"]).toBe("1700000000");
    expect(newWebhookSecret()).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
  });
});

describe("alert rules and messages", () => {
  it("fills rules a stored row lacks from the defaults", () => {
    expect(readRules(null)).toEqual(DEFAULT_ALERT_RULES);
    expect(readRules('{"countJumpFactor":10}')).toEqual({ ...DEFAULT_ALERT_RULES, countJumpFactor: 10 });
  });

  it("gives Slack/Teams a text and machines the alert", () => {
    const a = { id: "alr_1", at: "2026-03-01T00:00:00Z", rule: "count-jump" as const, severity: "warning" as const, title: "Count jumped", detail: "10 → 60" };
    expect(outboundMessage(a, null)).toEqual({ text: "**Trueup warning: Count jumped**\n10 → 60", alert: { ...a, integrationId: null, accountId: null } });
    expect(emailOf(a, null).subject).toBe("[Trueup warning] Count jumped");
  });
});
