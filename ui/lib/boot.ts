/**
 * The boot data the Worker puts in `<div id="app" data-boot="…">` (see
 * src/core/pod/page.ts): which view to start and whom to trust. Anything
 * malformed boots nothing.
 */

export type Boot =
  | { mode: "connectwise"; integrationId: string; origins: string[]; cwId: string | null; screen: string | null }
  | { mode: "standalone"; tenantId: string; contractId: string | null; companyId: string | null };

const str = (v: unknown): v is string => typeof v === "string" && v.length > 0;
const optStr = (v: unknown): string | null => (str(v) ? v : null);

export function parseBoot(raw: string | undefined | null): Boot | null {
  if (!raw) return null;
  let v: Record<string, unknown>;
  try {
    v = JSON.parse(raw) as Record<string, unknown>;
  } catch {
    return null;
  }
  if (typeof v !== "object" || v === null) return null;
  if (v.mode === "connectwise" && str(v.integrationId) && Array.isArray(v.origins) && v.origins.every(str)) {
    return { mode: "connectwise", integrationId: v.integrationId, origins: v.origins, cwId: optStr(v.cwId), screen: optStr(v.screen) };
  }
  if (v.mode === "standalone" && str(v.tenantId)) {
    return { mode: "standalone", tenantId: v.tenantId, contractId: optStr(v.contractId), companyId: optStr(v.companyId) };
  }
  return null;
}

/** ConnectWise leaves `[cw_id]` as is when it has nothing to substitute. */
export function isSubstituted(token: string | null): token is string {
  return token !== null && !/^\[cw_.*\]$/.test(token);
}
