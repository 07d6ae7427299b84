import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import type { AuditPage } from "../../src/shared/workspace-types.ts";
import { call, createTenant, type ErrorJson, withKey } from "./helpers/http.ts";
import { seedDemo } from "./helpers/seed.ts";
import { createUser, session } from "./workspace-helpers.ts";

let demoKey: string;
let otherKey: string;

async function insertAudit(tenantId: string, at: string, actor: string, action: string): Promise<void> {
  await env.DB.prepare("INSERT INTO audit_log (tenant_id, at, actor, action, entity_type, entity_id, details) VALUES (?, ?, ?, ?, 'decision', 'dec_1', ?)")
    .bind(tenantId, at, actor, action, JSON.stringify({ before: "40", after: "45" }))
    .run();
}

beforeAll(async () => {
  demoKey = await seedDemo();
  otherKey = (await createTenant("Other")).apiKey;
  for (let day = 1; day <= 9; day++) await insertAudit("tnt_demo", `2026-03-0${day}T10:00:00.000Z`, day % 2 ? "user:ann@n.test" : "api-key:tu_abc", "decision.created");
  await insertAudit("tnt_demo", "2026-03-31T23:59:59.999Z", "user:ann@n.test", "mapping.account.created");
});

async function audit(query: string, key = demoKey): Promise<AuditPage> {
  const res = await call(`/api/v1/audit${query}`, withKey(key));
  expect(res.status).toBe(200);
  return res.json();
}

describe("GET /api/v1/audit", () => {
  it("pages newest first through every entry exactly once", async () => {
    const seen: number[] = [];
    let cursor: string | null = "";
    while (cursor !== null) {
      const page: AuditPage = await audit(`?limit=3&from=2026-03-01&to=2026-03-31${cursor ? `&cursor=${cursor}` : ""}`);
      expect(page.entries.length).toBeLessThanOrEqual(3);
      seen.push(...page.entries.map((e) => e.seq));
      cursor = page.nextCursor;
    }
    expect(seen).toHaveLength(10);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);
    const first = (await audit("?limit=1&from=2026-03-01&to=2026-03-31")).entries[0];
    expect(first).toMatchObject({ at: "2026-03-31T23:59:59.999Z", action: "mapping.account.created", entityType: "decision", details: { before: "40", after: "45" } });
  });

  it("filters by day range (to inclusive), actor, action and entity type", async () => {
    expect((await audit("?from=2026-03-02&to=2026-03-04")).entries.map((e) => e.at.slice(0, 10))).toEqual(["2026-03-04", "2026-03-03", "2026-03-02"]);
    expect((await audit("?actor=api-key:tu_abc")).entries).toHaveLength(4);
    expect((await audit("?action=mapping.account.created")).entries).toHaveLength(1);
    expect((await audit("?entityType=decision&from=2026-03-01&to=2026-03-31")).entries).toHaveLength(10);
  });

  it("is scoped to the caller's tenant, readable by a viewer", async () => {
    expect((await audit("?from=2026-03-01&to=2026-03-31", otherKey)).entries).toHaveLength(0);
    await createUser("tnt_demo", "auditor@n.test", "viewer");
    const viewer = await session("tnt_demo", "auditor@n.test");
    expect((await viewer.fetch("/api/v1/audit?action=decision.created")).status).toBe(200);
  });

  it.each([
    ["?limit=201", "query.limit"],
    ["?from=2026-02-30", "query.from"],
    ["?from=2026-03-05&to=2026-03-01", "query.from"],
    ["?cursor=abc", "query.cursor"],
    ["?sort=asc", "query"],
  ])("refuses %s naming the field", async (query, field) => {
    const res = await call(`/api/v1/audit${query}`, withKey(demoKey));
    expect(res.status).toBe(400);
    expect(((await res.json()) as ErrorJson).error.message).toContain(field);
  });

  it("needs authentication", async () => {
    expect((await call("/api/v1/audit")).status).toBe(401);
  });
});
