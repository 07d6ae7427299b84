/**
 * Runs the Pax8 simulator in Node for local development:
 *   PORT=8791 npx node test/sim/pax8/serve.ts
 * then create a pax8 integration with baseUrl http://127.0.0.1:8791/v1 and
 * tokenUrl http://127.0.0.1:8791/v1/token (ALLOW_INSECURE_ORIGINS=true, clientId
 * "sim-client", clientSecret "sim-secret").
 */
import { serve } from "@hono/node-server";
import { createPax8Sim } from "./app.ts";

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
const port = Number(env.PORT ?? 8791);
serve({ fetch: createPax8Sim().app.fetch, port, hostname: "127.0.0.1" });
console.log(`Pax8 simulator on http://127.0.0.1:${port}/v1`);
