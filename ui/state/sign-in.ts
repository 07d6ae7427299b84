/**
 * Getting a pod session: the ConnectWise pod relays the member's Hosted API
 * authentication to the Worker (which verifies it with ConnectWise); the
 * standalone view refreshes from its same-site cookie or signs in. Then the
 * context query says which agreement or company to open.
 */
import { isSubstituted, type Boot } from "../lib/boot.ts";
import type { PodSessionResponse } from "../../src/shared/pod-types.ts";
import { ApiError, postJson } from "./api.ts";
import type { HostBridge } from "./host-bridge.ts";

/** With `context` (the first sign-in: the context query), the answer also carries that context. */
export async function memberSession(bridge: HostBridge, integrationId: string, context?: string): Promise<PodSessionResponse> {
  const auth = await bridge.memberAuth();
  return postJson<PodSessionResponse>("/api/pod/sessions/connectwise", { integrationId, auth, context });
}

export function refreshSession(tenantId: string): Promise<PodSessionResponse> {
  return postJson<PodSessionResponse>("/api/pod/sessions/refresh", { tenantId });
}

export function login(tenantId: string, email: string, password: string): Promise<PodSessionResponse> {
  return postJson<PodSessionResponse>("/api/pod/sessions/login", { tenantId, email, password });
}

export async function logout(token: string): Promise<void> {
  await fetch("/api/pod/sessions/current", { method: "DELETE", headers: { authorization: `Bearer ${token}` }, credentials: "same-origin" });
}

/** The context query for the boot data, or an explanation of what is missing. */
export function contextQuery(boot: Boot): string | ApiError {
  if (boot.mode === "connectwise") {
    if (!isSubstituted(boot.cwId) || !isSubstituted(boot.screen)) {
      return new ApiError(400, "no_context", "Open this pod from an agreement or company screen in ConnectWise.");
    }
    return `integrationId=${encodeURIComponent(boot.integrationId)}&screen=${encodeURIComponent(boot.screen)}&id=${encodeURIComponent(boot.cwId)}`;
  }
  if (boot.contractId) return `contractId=${encodeURIComponent(boot.contractId)}`;
  if (boot.companyId) return `companyId=${encodeURIComponent(boot.companyId)}`;
  return new ApiError(400, "no_context", "Open this page from an Autotask contract LiveLink (?contractId=…).");
}
