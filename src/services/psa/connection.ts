/**
 * Opens a stored PSA connection: decrypts its credentials (sealed with the
 * tenant id as context) and builds the client, counting every call and
 * taking it from the integration's D1 request budget — ConnectWise 900 a
 * sliding minute, Autotask 8,000 a rolling hour — the cap across isolates
 * behind http.ts's per-isolate pacing.
 */
import { z } from "zod";
import type { Db } from "../../db/client.ts";
import { reserveMinuteRequest, reserveRequest } from "../../db/repos/psa-budget.ts";
import type { PsaIntegration } from "../../db/repos/psa-integrations.ts";
import type { Env } from "../../env.ts";
import { decryptSecret } from "../secrets.ts";
import { type AtClient, createAtClient } from "./at-client.ts";
import { createCwClient, type CwClient } from "./cw-client.ts";
import { type BeforeCall, PacedError, PsaHttpError } from "./http.ts";

/** Autotask allows 10,000 requests per rolling hour per database, shared by all integrations (§3.1). */
export const AUTOTASK_HOURLY_LIMIT = 10_000;
/** Our share: stop well short, leaving room for the MSP's other integrations. */
export const AUTOTASK_BUDGET_CAP = 8_000;

const cwSecretsSchema = z.object({ publicKey: z.string(), privateKey: z.string() });
const atSecretsSchema = z.object({ username: z.string(), secret: z.string() });

export interface CallCounter {
  before: BeforeCall;
  count: () => number;
}

export function countCalls(next?: BeforeCall): CallCounter {
  let calls = 0;
  return {
    before: async (call) => {
      if (next) await next(call);
      calls += 1;
    },
    count: () => calls,
  };
}

/** ConnectWise throttles above ~1,000 requests a minute (CW-DevGuide "Rate Limiting"): our cap across isolates. */
export const CONNECTWISE_MINUTE_CAP = 900;

/** Defers a ConnectWise call (PacedError, nothing sent) once the integration's sliding minute is at the cap. */
export function connectWiseBudget(db: Db, tenantId: string, integrationId: string, cap = CONNECTWISE_MINUTE_CAP): BeforeCall {
  return async () => {
    const now = new Date();
    if (!(await reserveMinuteRequest(db, tenantId, integrationId, now, cap))) {
      throw new PacedError(429, null, Math.max(1, Math.ceil((60_000 - (now.getTime() % 60_000)) / 1000)), `ConnectWise request budget reached (${cap} requests a minute)`);
    }
  };
}

/** Refuses an Autotask call (as a 429 to retry later) once the rolling hour is at the cap. */
export function autotaskBudget(db: Db, tenantId: string, integrationId: string, cap = AUTOTASK_BUDGET_CAP): BeforeCall {
  return async () => {
    if (!(await reserveRequest(db, tenantId, integrationId, new Date(), cap))) {
      throw new PsaHttpError(429, null, 600, `Autotask request budget reached (${cap} requests in the last hour)`);
    }
  };
}

export type PsaConnection =
  | { kind: "connectwise"; integration: PsaIntegration; client: CwClient; calls: () => number }
  | { kind: "autotask"; integration: PsaIntegration; client: AtClient; calls: () => number };

export async function openConnection(env: Env, db: Db, integration: PsaIntegration): Promise<PsaConnection> {
  const secrets = JSON.parse(await decryptSecret(env.ENCRYPTION_KEY, integration.credentials, integration.tenantId)) as unknown;
  if (integration.kind === "connectwise") {
    const s = cwSecretsSchema.parse(secrets);
    const counter = countCalls(connectWiseBudget(db, integration.tenantId, integration.id));
    const creds = { companyId: integration.loginCompanyId ?? "", publicKey: s.publicKey, privateKey: s.privateKey, clientId: integration.clientId ?? "" };
    return { kind: "connectwise", integration, client: createCwClient(integration.apiBaseUrl, creds, counter.before), calls: counter.count };
  }
  const s = atSecretsSchema.parse(secrets);
  const counter = countCalls(autotaskBudget(db, integration.tenantId, integration.id));
  const creds = { username: s.username, secret: s.secret, integrationCode: integration.clientId ?? "" };
  return { kind: "autotask", integration, client: createAtClient(integration.apiBaseUrl, creds, counter.before), calls: counter.count };
}
