/**
 * PSA webhook intake: POST /webhooks/connectwise/:integrationId,
 * /webhooks/autotask/:integrationId and its DeactivationUrl. No tenant auth:
 * the PSA's signature is the authentication, checked by the services before
 * any tenant work. Answers fast (verify, dedupe, record, enqueue) — the
 * re-read from the PSA happens in the queue consumer.
 */
import { Hono } from "hono";
import type { AppEnv } from "../../env.ts";
import { useDbOfPsaIntegration } from "../../middleware/tenant-db.ts";
import { receiveAutotaskDeactivation, receiveAutotaskWebhook } from "../../services/psa/intake-at.ts";
import { receiveConnectWiseCallback } from "../../services/psa/intake-cw.ts";
import { readRawBody } from "./raw-body.ts";

export const psaWebhookRoutes = new Hono<AppEnv>()
  .post("/webhooks/connectwise/:integrationId", async (c) => {
    const signature = c.req.header("x-content-signature");
    const body = await readRawBody(c);
    const status = await receiveConnectWiseCallback(c.env, await useDbOfPsaIntegration(c, c.req.param("integrationId"), "connectwise"), c.req.param("integrationId"), signature, body, new Date());
    return c.json({ status });
  })
  .post("/webhooks/autotask/:integrationId", async (c) => {
    const signature = c.req.header("x-hook-signature");
    const body = await readRawBody(c);
    const status = await receiveAutotaskWebhook(c.env, await useDbOfPsaIntegration(c, c.req.param("integrationId"), "autotask"), c.req.param("integrationId"), signature, body, new Date());
    return c.json({ status });
  })
  .post("/webhooks/autotask/:integrationId/deactivated", async (c) => {
    const body = await readRawBody(c);
    await receiveAutotaskDeactivation(c.env, await useDbOfPsaIntegration(c, c.req.param("integrationId"), "autotask"), c.req.param("integrationId"), c.req.query("token"), c.req.header("x-hook-signature"), body, new Date());
    return c.json({ status: "deactivated" });
  });
