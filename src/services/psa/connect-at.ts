/**
 * Connecting a tenant to Autotask PSA (psa-and-vendor-apis.md §3.1, §3.4):
 * look up the API user's zone, check the credentials with ThresholdInformation
 * (which also reports the database's hourly usage), register a Company
 * webhook with a generated SecretKey and a DeactivationUrl carrying a random
 * token (stored hashed), subscribe it to CompanyName, store everything sealed,
 * and start a full sync. Contracts have no webhooks, so they are polled.
 */
import { picklistValue } from "../../core/psa/at-records.ts";
import { parseAutotaskZoneUrl, parseZoneLookupOrigin } from "../../core/psa/origins.ts";
import type { Db } from "../../db/client.ts";
import { findConnectedIntegration } from "../../db/repos/psa-integrations.ts";
import { allowsInsecureOrigins, type Env, type TenantPrincipal } from "../../env.ts";
import { AppError } from "../../errors.ts";
import { encryptSecret, newId, randomToken, sha256Hex } from "../secrets.ts";
import { toAppError } from "./api-errors.ts";
import { type AtClient, createAtClient, lookupAutotaskZone } from "./at-client.ts";
import { autotaskBudget, countCalls } from "./connection.ts";
import { storeConnection } from "./store-connection.ts";

export interface ConnectAtInput {
  username: string;
  secret: string;
  integrationCode: string;
  /** Development only: where zoneInformation is asked (the local simulator). */
  zoneLookupOrigin?: string;
}

interface Hook {
  webhookId: number;
  subscribed: boolean;
}

async function registerCompanyWebhook(client: AtClient, webhookUrl: string, deactivationUrl: string, secretKey: string): Promise<Hook> {
  const webhookId = await client.create("CompanyWebhooks", {
    IsActive: true,
    Name: "Trueup",
    WebhookUrl: webhookUrl,
    DeactivationUrl: deactivationUrl,
    SecretKey: secretKey,
    IsSubscribedToCreateEvents: true,
    IsSubscribedToUpdateEvents: true,
    IsSubscribedToDeleteEvents: true,
    SendThresholdExceededNotification: false,
  });
  // A webhook needs one subscribed field before it is ready; field ids are picklist values (§3.4).
  const fields = await client.fields("CompanyWebhookFields");
  const fieldId = picklistValue(fields, "fieldID", "CompanyName");
  if (fieldId === null) return { webhookId, subscribed: false };
  await client.create(`CompanyWebhooks/${webhookId}/Fields`, { WebhookID: webhookId, FieldID: Number(fieldId), IsSubscribedField: true, IsDisplayAlwaysField: true });
  return { webhookId, subscribed: true };
}

export async function connectAutotask(env: Env, db: Db, who: TenantPrincipal, input: ConnectAtInput, publicOrigin: string, now: Date) {
  const insecure = allowsInsecureOrigins(env);
  const lookup = parseZoneLookupOrigin(input.zoneLookupOrigin, insecure);
  if (!lookup.ok) throw new AppError("validation_failed", `body.zoneLookupOrigin: ${lookup.error}`);
  if (await findConnectedIntegration(db, who.tenantId, "autotask")) {
    throw new AppError("conflict", "An Autotask integration is already connected; disconnect it first");
  }
  const zone = await lookupAutotaskZone(lookup.value, input.username, countCalls().before).catch((e: unknown) => {
    throw toAppError(e, "Autotask", "body.username");
  });
  const zoneUrl = parseAutotaskZoneUrl(zone.url, insecure);
  if (!zoneUrl.ok) throw new AppError("service_unavailable", `Autotask zone lookup: ${zoneUrl.error}`);
  const id = newId("psa");
  const client = createAtClient(zoneUrl.value.apiBaseUrl, input, autotaskBudget(db, who.tenantId, id));
  await client.threshold().catch((e: unknown) => {
    throw toAppError(e, "Autotask", "body.secret");
  });
  const secretKey = randomToken(48);
  const token = randomToken(32);
  const webhookUrl = `${publicOrigin}/webhooks/autotask/${id}`;
  const hook = await registerCompanyWebhook(client, webhookUrl, `${webhookUrl}/deactivated?token=${token}`, secretKey).catch((e: unknown) => {
    throw toAppError(e, "Autotask", "body.username");
  });
  const row = {
    id,
    tenantId: who.tenantId,
    kind: "autotask",
    status: "active",
    apiBaseUrl: zoneUrl.value.apiBaseUrl,
    siteOrigin: zoneUrl.value.origin,
    webOrigins: JSON.stringify(zone.webUrl ? [new URL(zone.webUrl).origin] : []),
    clientId: input.integrationCode,
    credentials: await encryptSecret(env.ENCRYPTION_KEY, JSON.stringify({ username: input.username, secret: input.secret }), who.tenantId),
    webhookSecret: await encryptSecret(env.ENCRYPTION_KEY, secretKey, who.tenantId),
    remoteHookId: String(hook.webhookId),
    deactivationTokenHash: await sha256Hex(token),
    pollingOnly: !hook.subscribed,
  };
  const details = { kind: "autotask", zone: zoneUrl.value.origin, webhookId: hook.webhookId, webhookSubscribed: hook.subscribed };
  const syncRunId = await storeConnection(env, db, who, row, details, () => client.remove(`CompanyWebhooks/${hook.webhookId}`), now);
  return { integrationId: id, webhookUrl, syncRunId };
}
