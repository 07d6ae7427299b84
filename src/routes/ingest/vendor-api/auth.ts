/**
 * Gradient's authentication (reference §1.2): one header `GRADIENT-TOKEN`
 * (any case; the SDK spells it Gradient-Token) = Base64("<VendorApiKey>:
 * <PartnerApiKey>"). The partner key's SHA-256 finds the integration, the
 * vendor key's SHA-256 is compared in constant time. The per-integration rate
 * limit (Gradient's is 100 requests/second) is checked on the token's hash
 * before any database lookup, so a flood costs no D1 reads.
 */
import type { MiddlewareHandler } from "hono";
import { findInDatabases } from "../../../db/tenant-db.ts";
import { findActiveKeyByHash } from "../../../db/repos/ingest-integrations.ts";
import type { AppEnv } from "../../../env.ts";
import { AppError } from "../../../errors.ts";
import { secretsEqual, sha256Hex } from "../../../services/secrets.ts";
import { checkRateLimit } from "./rate-limit.ts";

const UNAUTHORIZED = "Unauthorized: invalid GRADIENT-TOKEN";

function decodeToken(header: string): { vendorKey: string; partnerKey: string } | null {
  let decoded: string;
  try {
    decoded = atob(header.trim());
  } catch {
    return null;
  }
  const colon = decoded.indexOf(":");
  if (colon <= 0 || colon === decoded.length - 1) return null;
  return { vendorKey: decoded.slice(0, colon), partnerKey: decoded.slice(colon + 1) };
}

export function requireGradientToken(): MiddlewareHandler<AppEnv> {
  return async function requireGradientToken(c, next) {
    const header = c.req.header("gradient-token");
    if (!header) throw new AppError("unauthorized", "Unauthorized: missing GRADIENT-TOKEN header");
    const tokenHash = await sha256Hex(header.trim());
    await checkRateLimit(c.env, tokenHash);
    const keys = decodeToken(header);
    const partnerKeyHash = keys ? await sha256Hex(keys.partnerKey) : null;
    const hit = partnerKeyHash ? await findInDatabases(c.env, (db) => findActiveKeyByHash(db, "gradient", partnerKeyHash), c.get("d1Meter")) : null;
    const key = hit?.found ?? null;
    if (!keys || !key?.vendorKeyHash || !(await secretsEqual(await sha256Hex(keys.vendorKey), key.vendorKeyHash))) {
      throw new AppError("unauthorized", UNAUTHORIZED);
    }
    if (hit) c.set("db", hit.db);
    c.set("tenant", { tenantId: key.tenantId, via: "integration-key", actor: `vendor-api:${key.keyPrefix}`, integrationId: key.integrationId, role: null });
    await next();
  };
}
