/**
 * Connecting a tenant to ConnectWise PSA (psa-and-vendor-apis.md §2.1, §2.5):
 * validate the site origin, discover the codebase from /login/companyinfo,
 * check the API member keys with a cheap authenticated call, register an
 * Agreement callback (level Owner) at /webhooks/connectwise/:integrationId,
 * store the keys sealed, and start a full sync. A callback registered for a
 * connection that then fails to be stored is removed again.
 */
import { connectWiseWebOrigins, parseSiteOrigin } from "../../core/psa/origins.ts";
import type { Db } from "../../db/client.ts";
import { findConnectedIntegration } from "../../db/repos/psa-integrations.ts";
import { allowsInsecureOrigins, type Env, type TenantPrincipal } from "../../env.ts";
import { AppError } from "../../errors.ts";
import { encryptSecret, newId } from "../secrets.ts";
import { toAppError } from "./api-errors.ts";
import { countCalls } from "./connection.ts";
import { createCwClient, discoverCwApiBase } from "./cw-client.ts";
import { storeConnection } from "./store-connection.ts";

export interface ConnectCwInput {
  site: string;
  companyId: string;
  publicKey: string;
  privateKey: string;
  clientId: string;
}

export async function connectConnectWise(env: Env, db: Db, who: TenantPrincipal, input: ConnectCwInput, publicOrigin: string, now: Date) {
  const site = parseSiteOrigin(input.site, allowsInsecureOrigins(env));
  if (!site.ok) throw new AppError("validation_failed", `body.site: ${site.error}`);
  if (await findConnectedIntegration(db, who.tenantId, "connectwise")) {
    throw new AppError("conflict", "A ConnectWise integration is already connected; disconnect it first");
  }
  const { before } = countCalls();
  const apiBaseUrl = await discoverCwApiBase(site.value, input.companyId, before).catch((e: unknown) => {
    throw toAppError(e, "ConnectWise", "body.companyId");
  });
  const client = createCwClient(apiBaseUrl, input, before);
  await client.checkCredentials().catch((e: unknown) => {
    throw toAppError(e, "ConnectWise", "body.publicKey");
  });
  const id = newId("psa");
  const callbackUrl = `${publicOrigin}/webhooks/connectwise/${id}?recordId=`;
  const hookId = await client.createCallback(callbackUrl, "Trueup agreement sync").catch((e: unknown) => {
    throw toAppError(e, "ConnectWise", "body.publicKey");
  });
  const sealed = await encryptSecret(env.ENCRYPTION_KEY, JSON.stringify({ publicKey: input.publicKey, privateKey: input.privateKey }), who.tenantId);
  const row = {
    id,
    tenantId: who.tenantId,
    kind: "connectwise",
    status: "active",
    apiBaseUrl,
    siteOrigin: site.value,
    webOrigins: JSON.stringify(connectWiseWebOrigins(site.value)),
    loginCompanyId: input.companyId,
    clientId: input.clientId,
    credentials: sealed,
    remoteHookId: String(hookId),
  };
  const details = { kind: "connectwise", site: site.value, companyId: input.companyId, callbackId: hookId };
  const syncRunId = await storeConnection(env, db, who, row, details, () => client.deleteCallback(String(hookId)), now);
  return { integrationId: id, callbackUrl, syncRunId };
}
