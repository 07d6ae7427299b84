/**
 * Rebuilds a tenant's persisted reconciliation rows from scratch:
 * `npm run recompute -- --tenant <tenantId> [--url <worker url>]`. Calls the
 * operator endpoint `POST /api/admin/tenants/:tenantId/recompute` of a running
 * Worker (default http://127.0.0.1:8787, i.e. `npm run dev`) with
 * OPERATOR_TOKEN from the environment or .dev.vars.
 */
import { parseArgs } from "node:util";
import { operatorToken } from "./operator.ts";

const { values } = parseArgs({ options: { tenant: { type: "string" }, url: { type: "string", default: "http://127.0.0.1:8787" } } });
if (!values.tenant) {
  console.error("Usage: npm run recompute -- --tenant <tenantId> [--url <worker url>]");
  process.exit(2);
}
const res = await fetch(`${values.url}/api/admin/tenants/${encodeURIComponent(values.tenant)}/recompute`, {
  method: "POST",
  headers: { authorization: `Bearer ${operatorToken()}` },
});
const body = (await res.json()) as { scopes?: number; rows?: number; ms?: number; error?: { message: string } };
if (res.status !== 200) {
  console.error(`Failed (${res.status}): ${body.error?.message ?? JSON.stringify(body)}`);
  process.exit(1);
}
console.log(`Recomputed ${values.tenant}: ${body.scopes} scopes, ${body.rows} rows in ${body.ms} ms.`);
