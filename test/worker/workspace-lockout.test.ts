import { beforeAll, describe, expect, it } from "vitest";
import { postJson } from "./helpers/http.ts";
import { seedDemo } from "./helpers/seed.ts";
import { createUser, PASSWORD, signIn } from "./workspace-helpers.ts";

// Issue 10 item 14: the tenant id is in every LiveLink URL, so a limit per account alone lets anyone lock anyone out.
// Both password sign-ins (the workspace and the standalone pod) limit by (account, client) with an account-wide backstop.
const ip = (n: number) => ({ "cf-connecting-ip": `203.0.113.${n}` });

const SIGN_INS = {
  workspace: { ok: 200, run: (email: string, password: string, headers: Record<string, string>) => signIn("tnt_demo", email, password, headers) },
  pod: { ok: 201, run: (email: string, password: string, headers: Record<string, string>) => postJson("/api/pod/sessions/login", { tenantId: "tnt_demo", email, password }, headers) },
};

beforeAll(async () => {
  await seedDemo();
  for (const name of Object.keys(SIGN_INS)) {
    await createUser("tnt_demo", `victim-${name}@northwind.test`, "viewer");
    await createUser("tnt_demo", `spread-${name}@northwind.test`, "viewer");
  }
});

describe.each(Object.entries(SIGN_INS))("%s sign-in lockout", (name, signInWith) => {
  it("locks one client out after 5 failures, while the user still signs in from their own client", async () => {
    const email = `victim-${name}@northwind.test`;
    for (let i = 0; i < 5; i++) expect((await signInWith.run(email, "wrong password!", ip(66))).status).toBe(401);
    const attacker = await signInWith.run(email, PASSWORD, ip(66));
    expect(attacker.status).toBe(429);
    expect(Number(attacker.headers.get("retry-after"))).toBeGreaterThan(800);
    expect((await signInWith.run(email, PASSWORD, ip(7))).status).toBe(signInWith.ok);
  });

  it("stops a guesser spread over many clients at the account backstop (50 in 15 minutes)", async () => {
    const email = `spread-${name}@northwind.test`;
    for (let client = 100; client < 110; client++) {
      const results = await Promise.all(Array.from({ length: 5 }, () => signInWith.run(email, "wrong password!", ip(client))));
      expect(results.map((r) => r.status)).toEqual([401, 401, 401, 401, 401]);
    }
    const fresh = await signInWith.run(email, PASSWORD, ip(200));
    expect(fresh.status).toBe(429);
    expect(fresh.headers.get("retry-after")).not.toBeNull();
  }, 60_000); // 51 PBKDF2 checks: seconds on a loaded machine
});
