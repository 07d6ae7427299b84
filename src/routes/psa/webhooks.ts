/**
 * PSA webhook intake: POST /webhooks/connectwise/:integrationId,
 * /webhooks/autotask/:integrationId and its DeactivationUrl. No tenant auth:
 * the PSA's signature is the authentication, checked by the services before
 * any tenant work. Answers fast (verify, dedupe, record) — the queue send
 * finishes after the answer and the re-read from the PSA happens in the
 * queue consumer.
 */
import { type Context, Hono } from "hono";
import { parseAutotaskSignature, parseConnectWiseSignature } from "../../core/psa/signatures.ts";
import type { AppEnv } from "../../env.ts";
import { AppError } from "../../errors.ts";
import { useDbOfPsaIntegration } from "../../middleware/tenant-db.ts";
import { receiveAutotaskDeactivation, receiveAutotaskWebhook } from "../../services/psa/intake-at.ts";
import { receiveConnectWiseCallback } from "../../services/psa/intake-cw.ts";
import type { Defer } from "../../services/psa/jobs.ts";
import { readRawBody } from "./raw-body.ts";

/** Work that may finish after the response (the queue send once the inbox row is stored). */
function deferTo(c: Context<AppEnv>): Defer {
  return (work) => c.executionCtx.waitUntil(work);
}

export const psaWebhookRoutes = new Hono<AppEnv>()
  .post("/webhooks/connectwise/:integrationId", async (c) => {
    const signature = c.req.header("x-content-signature");
    // Unsigned junk is refused before it costs a database look-up (the service checks again).
    if (!parseConnectWiseSignature(signature)) throw new AppError("unauthorized", "Missing or malformed x-content-signature");
    const body = await readRawBody(c);
    const db = await useDbOfPsaIntegration(c, c.req.param("integrationId"), "connectwise");
    const status = await receiveConnectWiseCallback(c.env, db, c.req.param("integrationId"), signature, body, new Date(), deferTo(c));
    return c.json({ status });
  })
  .post("/webhooks/autotask/:integrationId", async (c) => {
    const signature = c.req.header("x-hook-signature");
    if (!parseAutotaskSignature(signature)) throw new AppError("unauthorized", "Missing or malformed X-Hook-Signature");
    const body = await readRawBody(c);
    const db = await useDbOfPsaIntegration(c, c.req.param("integrationId"), "autotask");
    const status = await receiveAutotaskWebhook(c.env, db, c.req.param("integrationId"), signature, body, new Date(), deferTo(c));
    return c.json({ status });
  })
  .post("/webhooks/autotask/:integrationId/deactivated", async (c) => {
    const body = await readRawBody(c);
    await receiveAutotaskDeactivation(c.env, await useDbOfPsaIntegration(c, c.req.param("integrationId"), "autotask"), c.req.param("integrationId"), c.req.query("token"), c.req.header("x-hook-signature"), body, new Date());
    return c.json({ status: "deactivated" });
  });
