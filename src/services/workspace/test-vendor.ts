/**
 * "Test" for a saved Pax8 or Liongard integration (`POST /api/v1/integrations/:id/test`):
 * the same pull the nightly run makes, with the stored credentials, but the
 * counts are only counted — nothing is written, and a Pax8 token it obtains
 * is kept in memory only. Answers like the PSA tests: `{ok:true, detail}` or
 * `{ok:false, message}` with the vendor's refusal in plain words.
 */
import { periodOfInstant } from "../../core/usage/date-cell.ts";
import type { Db } from "../../db/client.ts";
import { findIntegration, findPullSecret } from "../../db/repos/ingest-integrations.ts";
import type { Env } from "../../env.ts";
import { AppError } from "../../errors.ts";
import type { TestConnectionResponse } from "../../shared/workspace-types.ts";
import { type LiongardCredentials, type Pax8Credentials, parsePullConfig } from "../ingest/integration-config.ts";
import { pullLiongard } from "../ingest/liongard-client.ts";
import { type PullContext, pullPax8, type TokenStore } from "../ingest/pax8-client.ts";
import { newBudget } from "../ingest/vendor-http.ts";
import { decryptSecret } from "../secrets.ts";

function memoryTokens(): TokenStore {
  let token: string | null = null;
  return {
    load: async () => token,
    save: async (value) => void (token = value),
    clear: async () => void (token = null),
  };
}

export async function testVendorPull(env: Env, db: Db, tenantId: string, integrationId: string, now: Date): Promise<TestConnectionResponse> {
  const integration = await findIntegration(db, tenantId, integrationId);
  if (!integration || integration.disconnectedAt) throw new AppError("not_found", "Integration not found");
  if (integration.kind !== "pax8" && integration.kind !== "liongard") {
    throw new AppError("bad_request", `path.integrationId: a ${integration.kind} integration is not pulled, so there is nothing to test`);
  }
  const config = parsePullConfig(integration.config);
  const secret = config ? await findPullSecret(db, tenantId, integrationId) : null;
  if (!config || !secret) {
    return { ok: false, message: `This ${integration.kind} integration is not pulled: no pull settings or credentials are stored; create it again with its API credentials` };
  }
  const credentials = JSON.parse(await decryptSecret(env.ENCRYPTION_KEY, secret.credentials, tenantId)) as object;
  const ctx: PullContext = { budget: newBudget(), now, period: periodOfInstant(now), sourceRef: "test", warnings: [] };
  try {
    const drafts =
      config.kind === "liongard" ? await pullLiongard(config, credentials as LiongardCredentials, ctx) : await pullPax8(config, credentials as Pax8Credentials, memoryTokens(), ctx);
    const warnings = ctx.warnings.length > 0 ? `; ${ctx.warnings.length} warning(s): ${ctx.warnings.slice(0, 3).join("; ")}` : "";
    return { ok: true, detail: `${integration.name} answered: ${drafts.length} counts readable in ${ctx.budget.requests} requests (nothing was saved)${warnings}` };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}
