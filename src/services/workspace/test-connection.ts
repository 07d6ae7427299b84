/**
 * "Test connection" before saving (issue 11, Connections page): the same
 * checks as connecting — ConnectWise: site origin, codebase discovery
 * (/login/companyinfo), an authenticated /system/info; Autotask: zone lookup
 * and ThresholdInformation — but nothing is registered or stored. The PSA's
 * refusal comes back in plain words as `{ok:false, message, field}`.
 */
import { parseAutotaskZoneUrl, parseSiteOrigin, parseZoneLookupOrigin } from "../../core/psa/origins.ts";
import { allowsInsecureOrigins, type Env } from "../../env.ts";
import { AppError } from "../../errors.ts";
import type { TestConnectionResponse } from "../../shared/workspace-types.ts";
import { toAppError } from "../psa/api-errors.ts";
import { createAtClient, lookupAutotaskZone } from "../psa/at-client.ts";
import type { ConnectAtInput } from "../psa/connect-at.ts";
import type { ConnectCwInput } from "../psa/connect-cw.ts";
import { countCalls } from "../psa/connection.ts";
import { createCwClient, discoverCwApiBase } from "../psa/cw-client.ts";

export type TestResult = TestConnectionResponse | { ok: false; message: string; field?: string };

/** A refusal as the form shows it: "ConnectWise rejected the credentials (HTTP 401)", and which field it is about. */
function refusal(error: unknown, what: string, field: string): TestResult {
  const app = toAppError(error, what, field);
  if (app.code === "internal_error") throw app;
  const match = /^body\.(\w+): (.*)$/.exec(app.message);
  return match?.[1] && match[2] ? { ok: false, message: match[2], field: match[1] } : { ok: false, message: app.message };
}

export async function testConnectWise(env: Env, input: ConnectCwInput): Promise<TestResult> {
  const site = parseSiteOrigin(input.site, allowsInsecureOrigins(env));
  if (!site.ok) return { ok: false, message: `The site ${site.error}`, field: "site" };
  const { before, count } = countCalls();
  let apiBaseUrl: string;
  try {
    apiBaseUrl = await discoverCwApiBase(site.value, input.companyId, before);
  } catch (error) {
    return refusal(error, "ConnectWise", "body.companyId");
  }
  try {
    await createCwClient(apiBaseUrl, input, before).checkCredentials();
  } catch (error) {
    return refusal(error, "ConnectWise", "body.publicKey");
  }
  return { ok: true, detail: `ConnectWise accepted the API keys for company ${input.companyId} at ${apiBaseUrl} (${count()} calls)` };
}

export async function testAutotask(env: Env, input: ConnectAtInput): Promise<TestResult> {
  const insecure = allowsInsecureOrigins(env);
  const lookup = parseZoneLookupOrigin(input.zoneLookupOrigin, insecure);
  if (!lookup.ok) throw new AppError("validation_failed", `body.zoneLookupOrigin: ${lookup.error}`);
  const { before, count } = countCalls();
  let zone: Awaited<ReturnType<typeof lookupAutotaskZone>>;
  try {
    zone = await lookupAutotaskZone(lookup.value, input.username, before);
  } catch (error) {
    return refusal(error, "Autotask", "body.username");
  }
  const zoneUrl = parseAutotaskZoneUrl(zone.url, insecure);
  if (!zoneUrl.ok) return { ok: false, message: `Autotask's zone lookup answered an unusable zone: ${zoneUrl.error}` };
  try {
    await createAtClient(zoneUrl.value.apiBaseUrl, input, before).threshold();
  } catch (error) {
    return refusal(error, "Autotask", "body.secret");
  }
  return { ok: true, detail: `Autotask accepted the API user ${input.username} in zone ${zoneUrl.value.origin} (${count()} calls)` };
}
