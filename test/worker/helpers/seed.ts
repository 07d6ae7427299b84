/** Seeds the demo tenant into the test D1 with the same SQL `npm run dev` uses. */
import { env } from "cloudflare:workers";
import { buildDemoTenant, DEMO_API_KEY } from "../../../src/db/seed/demo-tenant.ts";
import { seedStatements } from "../../../src/db/seed/seed-sql.ts";
import { sha256Hex } from "../../../src/services/secrets.ts";

export async function seedDemo(now = new Date()): Promise<string> {
  const statements = seedStatements(buildDemoTenant(now, await sha256Hex(DEMO_API_KEY)));
  await env.DB.batch(statements.map((sql) => env.DB.prepare(sql)));
  return DEMO_API_KEY;
}
