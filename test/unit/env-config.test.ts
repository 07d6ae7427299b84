import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { assertEnv, envProblems, REQUIRED_SECRETS } from "../../src/env-check.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const good = { OPERATOR_TOKEN: "a-long-operator-token", ENCRYPTION_KEY: "dGVzdC1vbmx5LWVuY3J5cHRpb24ta2V5LTMyLWJ5dGU=", TRUEUP_ENV: "production" };

describe("config fails loudly (issue 10 #13)", () => {
  it("accepts a good env", () => {
    expect(envProblems(good)).toEqual([]);
    expect(() => assertEnv(good)).not.toThrow();
  });

  it.each([
    ["OPERATOR_TOKEN", "a-long-operator-token\n"],
    ["OPERATOR_TOKEN", " a-long-operator-token"],
    ["ENCRYPTION_KEY", `${good.ENCRYPTION_KEY}\n`],
  ])("refuses %s with surrounding whitespace (%j) instead of trimming it", (name, value) => {
    expect(envProblems({ ...good, [name]: value })).toEqual([`${name} has leading or trailing whitespace (a pasted newline?): set it again without it`]);
  });

  it("names every missing or malformed value, never printing a secret", () => {
    const problems = envProblems({ ENCRYPTION_KEY: "c2hvcnQ=", TRUEUP_ENV: "staging" });
    expect(problems).toEqual(["OPERATOR_TOKEN is not set", "ENCRYPTION_KEY must be 32 bytes, base64", "TRUEUP_ENV must be development, test or production"]);
    expect(() => assertEnv({ ...good, OPERATOR_TOKEN: "short" })).toThrow("Trueup is misconfigured: OPERATOR_TOKEN must be at least 16 characters");
  });

  it("wrangler.toml declares the required secrets (deploy refuses without them) and defaults to production", () => {
    const toml = readFileSync(path.join(ROOT, "wrangler.toml"), "utf8");
    const required = /\[secrets\]\s*\nrequired\s*=\s*\[([^\]]*)\]/.exec(toml)?.[1] ?? "";
    expect(required.split(",").map((s) => s.trim().replace(/"/g, "")).filter(Boolean).sort()).toEqual([...REQUIRED_SECRETS].sort());
    expect(/^\[vars\]\s*\nTRUEUP_ENV\s*=\s*"production"/m.test(toml)).toBe(true);
  });

  it("the Worker checks its env at start-up, not only on the first request", () => {
    const entry = readFileSync(path.join(ROOT, "src/index.ts"), "utf8");
    expect(entry).toMatch(/^assertEnv\(env\);$/m);
  });
});
