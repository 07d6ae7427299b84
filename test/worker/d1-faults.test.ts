/**
 * D1 failure modes of the reliability matrix (shared/reference/reliability-and-security.md §7):
 * row 26 — a batch whose 3rd statement violates a constraint leaves no partial rows;
 * row 27 — an ambiguous write (D1 committed, then the answer was lost) retried by the
 * client is applied once, through the Idempotency-Key.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client.ts";
import { auditStatement } from "../../src/db/repos/audit.ts";
import { logChunkStatement, runBatch } from "../../src/db/repos/ingest-ledger.ts";
import { insertPushStatement } from "../../src/db/repos/ingest-pushes.ts";
import type { Env } from "../../src/env.ts";
import worker from "../../src/index.ts";
import { authed, count, createTenant, json, type PushResult, rows } from "../fixtures/ingest/worker-helpers.ts";


let tenant: { tenantId: string; apiKey: string };

beforeAll(async () => {
  tenant = await createTenant("D1 faults MSP");
});

describe("row 26: D1 batch atomicity", () => {
  it("a batch whose 3rd statement violates UNIQUE after a ledger row and an audit row throws and leaves neither row", async () => {
    // An earlier push owns the Idempotency-Key the 3rd statement reuses (UNIQUE (tenant_id, idempotency_key)).
    const first = await json<PushResult>(await authed(tenant.apiKey, "/api/v1/usage", "POST", { counts: [count({ account: { id: "atomic-0", name: "Atomic" } })] }, { "idempotency-key": "atomic-key" }), 201);
    const db = createDb(env.DB);
    const at = new Date().toISOString();
    const sourceId = "psh_atomic_loser";
    const ledgerRow = JSON.stringify([{ r: `push:${sourceId}#0`, a: "atomic-1", an: "Atomic One", s: "svc-1", sn: "Endpoint Protection", sc: "seat", p: at.slice(0, 7), ms: "total", q: "5", o: at, l: 1, lt: 0 }]);
    const batch = runBatch(db, [
      logChunkStatement(db, { tenantId: tenant.tenantId, integrationId: first.integrationId, sourceKind: "push", sourceId, receivedAt: at }, ledgerRow),
      auditStatement(db, { tenantId: tenant.tenantId, at, actor: "test", action: "usage.pushed", entityType: "push", entityId: sourceId, details: {} }),
      insertPushStatement(db, { id: sourceId, tenantId: tenant.tenantId, integrationId: first.integrationId, sourceKind: "push", idempotencyKey: "atomic-key", bodyHash: "x", actor: "test", countsReceived: 1, countsLate: 0, receivedAt: at }),
    ]);
    await expect(batch).rejects.toThrow(/UNIQUE constraint failed/);
    // The two statements before the violation ran inside the batch's transaction and were rolled back with it.
    expect(await rows("SELECT seq FROM ingest_count_log WHERE tenant_id = ? AND source_id = ?", tenant.tenantId, sourceId)).toEqual([]);
    expect(await rows("SELECT seq FROM audit_log WHERE tenant_id = ? AND entity_id = ?", tenant.tenantId, sourceId)).toEqual([]);
    expect(await rows("SELECT id FROM ingest_pushes WHERE tenant_id = ? AND idempotency_key = 'atomic-key'", tenant.tenantId)).toEqual([{ id: first.pushId }]);
  });
});

/**
 * The D1 binding with one ambiguous write armed: the next batch() really runs
 * (and commits), then throws as if the answer was lost on the way back — the
 * "error after commit" D1's retry guidance warns about.
 */
function loseNextBatchAnswer(d1: D1Database): { db: D1Database; lost: () => number } {
  let armed = true;
  let lost = 0;
  const db = new Proxy(d1, {
    get(target, prop) {
      if (prop === "batch") {
        return async (statements: D1PreparedStatement[]) => {
          const results = await target.batch(statements);
          if (armed) {
            armed = false;
            lost += 1;
            throw new Error("D1_ERROR: Network connection lost.");
          }
          return results;
        };
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { db, lost: () => lost };
}

describe("row 27: D1 ambiguous write", () => {
  it("a push whose batch commits and then loses its answer (500) is applied once when the client retries with its Idempotency-Key, and the retry answers with the committed push", async () => {
    const fault = loseNextBatchAnswer(env.DB);
    const faultyEnv = { ...env, DB: fault.db } as Env;
    const body = JSON.stringify({ counts: [count({ account: { id: "ambiguous", name: "Ambiguous Co" }, quantity: "17" }), count({ account: { id: "ambiguous", name: "Ambiguous Co" }, service: { id: "svc-2", name: "Backup", category: "seat" }, quantity: "3" })] });
    const send = async () => {
      const ctx = createExecutionContext();
      const res = await worker.fetch(
        new Request("http://trueup.test/api/v1/usage", { method: "POST", headers: { authorization: `Bearer ${tenant.apiKey}`, "content-type": "application/json", "idempotency-key": "ambiguous-1" }, body }),
        faultyEnv,
        ctx,
      );
      await waitOnExecutionContext(ctx);
      return res;
    };
    const lostAnswer = await send();
    expect(lostAnswer.status).toBe(500);
    expect(fault.lost()).toBe(1);
    // The write did commit: the client does not know it, so it retries the same request.
    const retried = await send();
    const result = await json<PushResult>(retried, 201);
    expect(retried.headers.get("idempotent-replayed")).toBe("true");
    const pushes = await rows<{ id: string }>("SELECT id FROM ingest_pushes WHERE tenant_id = ? AND idempotency_key = 'ambiguous-1'", tenant.tenantId);
    expect(pushes).toEqual([{ id: result.pushId }]);
    expect(result).toMatchObject({ received: 2, applied: 2, unchanged: 0 });
    expect(await rows("SELECT quantity FROM ingest_count_log WHERE tenant_id = ? AND account_external_id = 'ambiguous' ORDER BY seq", tenant.tenantId)).toEqual([{ quantity: "17" }, { quantity: "3" }]);
    expect(fault.lost()).toBe(1);
  });
});
