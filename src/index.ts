/**
 * Worker entry: wiring only — HTTP, the JOBS queue consumer and Cron Triggers.
 */
import { env } from "cloudflare:workers";
import { createApp } from "./app.ts";
import { handleScheduled } from "./cron/index.ts";
import { assertEnv, type Env } from "./env.ts";
import { handleQueue } from "./jobs/index.ts";
import type { JobMessage } from "./jobs/messages.ts";

// Start-up check: the runtime exposes env at module scope, so a Worker with a missing or
// malformed secret fails to start (and its upload fails) instead of 500ing on a request.
assertEnv(env);

const app = createApp();

export default {
  fetch: app.fetch,
  queue: (batch, env) => handleQueue(batch, env),
  scheduled: async (controller, env, ctx) => {
    ctx.waitUntil(handleScheduled(controller, env));
  },
} satisfies ExportedHandler<Env, JobMessage>;
