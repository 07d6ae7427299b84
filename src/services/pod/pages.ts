/**
 * Pod pages: the built UI (dist/ui/index.html via the ASSETS binding) with the
 * boot data injected and per-tenant security headers — frame-ancestors of
 * the tenant's PSA web origins for the ConnectWise pod, 'none' for the
 * standalone view (it is opened from an Autotask LiveLink, never framed).
 */
import { podPageHeaders } from "../../core/pod/csp.ts";
import { parseWebOrigins, type OriginPolicy } from "../../core/pod/origins.ts";
import { injectBoot, type PodBoot } from "../../core/pod/page.ts";
import type { Db } from "../../db/client.ts";
import { findPsaIntegrationForPod } from "../../db/repos/pod-context.ts";
import { findTenant } from "../../db/repos/tenants.ts";
import { AppError } from "../../errors.ts";

async function loadShell(assets: Fetcher, requestUrl: string): Promise<string> {
  // "/" rather than "/index.html": the assets router redirects the latter to the former.
  const res = await assets.fetch(new Request(new URL("/", requestUrl)));
  if (!res.ok) throw new AppError("service_unavailable", "The pod UI is not built (run npm run build:ui)");
  return res.text();
}

function page(html: string, boot: PodBoot, frameAncestors: readonly string[]): Response {
  return new Response(injectBoot(html, boot), { status: 200, headers: podPageHeaders(frameAncestors) });
}

export interface ConnectWisePageInput {
  integrationId: string;
  cwId: string | null;
  screen: string | null;
}

export async function renderConnectWisePod(db: Db, assets: Fetcher, requestUrl: string, policy: OriginPolicy, input: ConnectWisePageInput): Promise<Response> {
  const integration = await findPsaIntegrationForPod(db, input.integrationId);
  if (!integration || integration.kind !== "connectwise" || integration.status === "disconnected") {
    throw new AppError("not_found", "No active ConnectWise integration with this id");
  }
  const { origins, rejected } = parseWebOrigins(integration.webOrigins, policy);
  if (rejected.length > 0) console.warn("POD_WEB_ORIGINS_REJECTED", integration.id, rejected);
  const boot: PodBoot = { mode: "connectwise", integrationId: integration.id, origins, cwId: input.cwId, screen: input.screen };
  return page(await loadShell(assets, requestUrl), boot, origins);
}

export interface StandalonePageInput {
  tenantId: string;
  contractId: string | null;
  companyId: string | null;
}

export async function renderStandalonePod(db: Db, assets: Fetcher, requestUrl: string, input: StandalonePageInput): Promise<Response> {
  if (!(await findTenant(db, input.tenantId))) throw new AppError("not_found", "Unknown tenant");
  const boot: PodBoot = { mode: "standalone", tenantId: input.tenantId, contractId: input.contractId, companyId: input.companyId };
  return page(await loadShell(assets, requestUrl), boot, []);
}
