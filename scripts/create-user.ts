/**
 * Creates a tenant user of the workspace (/app) and the standalone pod view:
 * `npm run create-user -- --tenant <tenantId> --email <email> --role
 * admin|approver|viewer [--password <pw>] [--name <display name>] [--url <worker url>]`
 * (the first admin of a tenant is made this way). Calls the
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
    role: { type: "string" },
    url: { type: "string", default: "http://127.0.0.1:8787" },
  },
});

const ROLES = ["admin", "approver", "viewer"];
if (!values.tenant || !values.email || !values.role || !ROLES.includes(values.role)) {
  console.error("Usage: npm run create-user -- --tenant <tenantId> --email <email> --role admin|approver|viewer [--password <pw>] [--name <name>] [--url <worker url>]");
  process.exit(2);
}

const password = values.password ?? randomBytes(15).toString("base64url");
const res = await fetch(`${values.url}/api/admin/tenants/${encodeURIComponent(values.tenant)}/users`, {
  method: "POST",
  headers: { "content-type": "application/json", authorization: `Bearer ${operatorToken()}` },
  body: JSON.stringify({ email: values.email, password, displayName: values.name ?? null, role: values.role }),
});
const body = (await res.json()) as { email?: string; error?: { message: string } };
if (res.status !== 201) {
  console.error(`Failed (${res.status}): ${body.error?.message ?? JSON.stringify(body)}`);
  process.exit(1);
}
console.log(`Created ${body.email} (${values.role}) in ${values.tenant}.`);
if (!values.password) console.log(`Password (shown once): ${password}`);
console.log(`Workspace:       ${values.url}/app/${values.tenant}`);
console.log(`Standalone view: ${values.url}/pod/standalone/${values.tenant}?contractId=<Autotask contract id>`);
