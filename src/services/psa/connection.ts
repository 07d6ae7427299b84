/**
 * Opens a stored PSA connection: decrypts its credentials (sealed with the
 * tenant id as context) and builds the client, counting every call and — for
 * Autotask — taking each call from the tenant's hourly request budget.
 */
import { z } from "zod";
import type { Db } from "../../db/client.ts";
import { reserveRequest } from "../../db/repos/psa-budget.ts";
import type { PsaIntegration } from "../../db/repos/psa-integrations.ts";
import type { Env } from "../../env.ts";
import { decryptSecret } from "../secrets.ts";
import { type AtClient, createAtClient } from "./at-client.ts";
import { createCwClient, type CwClient } from "./cw-client.ts";
import { type BeforeCall, PsaHttpError } from "./http.ts";

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
    const counter = countCalls();
    const creds = { companyId: integration.loginCompanyId ?? "", publicKey: s.publicKey, privateKey: s.privateKey, clientId: integration.clientId ?? "" };
    return { kind: "connectwise", integration, client: createCwClient(integration.apiBaseUrl, creds, counter.before), calls: counter.count };
  }
  const s = atSecretsSchema.parse(secrets);
  const counter = countCalls(autotaskBudget(db, integration.tenantId, integration.id));
  const creds = { username: s.username, secret: s.secret, integrationCode: integration.clientId ?? "" };
  return { kind: "autotask", integration, client: createAtClient(integration.apiBaseUrl, creds, counter.before), calls: counter.count };
}
