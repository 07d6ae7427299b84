/**
 * Worker entry: wiring only — HTTP, the JOBS queue consumer and Cron Triggers.
 */
import { createApp } from "./app.ts";
import { handleScheduled } from "./cron/index.ts";
import type { Env } from "./env.ts";
import { handleQueue } from "./jobs/index.ts";
import type { JobMessage } from "./jobs/messages.ts";

const app = createApp();

export default {
  fetch: app.fetch,
  queue: (batch, env) => handleQueue(batch, env),
  scheduled: async (controller, env, ctx) => {
    ctx.waitUntil(handleScheduled(controller, env));
  },
} satisfies ExportedHandler<Env, JobMessage>;
