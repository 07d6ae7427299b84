/** Pod session tokens (`tp_…`), issued to a verified PSA member. Not implemented yet. */
import type { Context } from "hono";
import type { AppEnv, TenantPrincipal } from "../../env.ts";

export async function resolvePodSession(_c: Context<AppEnv>, _token: string): Promise<TenantPrincipal | null> {
  return null;
}
