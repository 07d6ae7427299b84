/**
 * Creates a tenant user for the standalone view (Autotask users open it from a
 * LiveLink): `npm run create-user -- --tenant <tenantId> --email <email>
 * [--password <pw>] [--name <display name>] [--url <worker url>]`. Calls the
 * operator endpoint `POST /api/admin/tenants/:tenantId/users` of a running
 * Worker (default http://127.0.0.1:8787, i.e. `npm run dev`) with
 * OPERATOR_TOKEN from the environment or .dev.vars. Without --password a
 * random one is generated and printed once.
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { operatorToken } from "./operator.ts";

const { values } = parseArgs({
  options: {
    tenant: { type: "string" },
    email: { type: "string" },
    password: { type: "string" },
    name: { type: "string" },
    url: { type: "string", default: "http://127.0.0.1:8787" },
  },
});

if (!values.tenant || !values.email) {
  console.error("Usage: npm run create-user -- --tenant <tenantId> --email <email> [--password <pw>] [--name <name>] [--url <worker url>]");
  process.exit(2);
}

const password = values.password ?? randomBytes(15).toString("base64url");
const res = await fetch(`${values.url}/api/admin/tenants/${encodeURIComponent(values.tenant)}/users`, {
  method: "POST",
  headers: { "content-type": "application/json", authorization: `Bearer ${operatorToken()}` },
  body: JSON.stringify({ email: values.email, password, displayName: values.name ?? null }),
});
const body = (await res.json()) as { email?: string; error?: { message: string } };
if (res.status !== 201) {
  console.error(`Failed (${res.status}): ${body.error?.message ?? JSON.stringify(body)}`);
  process.exit(1);
}
console.log(`Created ${body.email} in ${values.tenant}.`);
if (!values.password) console.log(`Password (shown once): ${password}`);
console.log(`Standalone view: ${values.url}/pod/standalone/${values.tenant}?contractId=<Autotask contract id>`);
