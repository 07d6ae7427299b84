/**
 * Runs the Liongard simulator in Node for local development:
 *   PORT=8792 npx node test/sim/liongard/serve.ts
 * then create a liongard integration with baseUrl http://127.0.0.1:8792
 * (ALLOW_INSECURE_ORIGINS=true, accessKeyId "sim-access-key", accessKeySecret
 * "sim-access-secret").
 */
import { serve } from "@hono/node-server";
import { createLiongardSim } from "./app.ts";

const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
const port = Number(env.PORT ?? 8792);
serve({ fetch: createLiongardSim().app.fetch, port, hostname: "127.0.0.1" });
console.log(`Liongard simulator on http://127.0.0.1:${port}`);
