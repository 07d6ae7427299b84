/** Vendor integration keys (`ti_…`), issued per usage integration. Not implemented yet. */
import type { Context } from "hono";
import type { AppEnv, TenantPrincipal } from "../../env.ts";

export async function resolveIntegrationKey(_c: Context<AppEnv>, _token: string): Promise<TenantPrincipal | null> {
  return null;
}
