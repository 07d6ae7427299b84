/**
 * Whether a missing line can be added in the PSA, asked before the decision
 * is recorded so a refusal is a plain 409, not a failed write-back later:
 * - ConnectWise: the product must be an active item of the product catalog
 *   (`GET /procurement/catalog?conditions=identifier="X"`); an addition
 *   names a catalog product (Addition.product is required).
 * - Autotask: the product key is a Service id; the Service must exist (the
 *   first ContractServiceAdjustment creates the contract service from it).
 * A PSA that cannot be reached is not a refusal: the write-back retries.
 */
import { z } from "zod";
import type { Db } from "../../db/client.ts";
import type { PsaIntegration } from "../../db/repos/psa-integrations.ts";
import type { Env } from "../../env.ts";
import { AppError } from "../../errors.ts";
import { openConnection } from "./connection.ts";
import { PsaHttpError } from "./http.ts";

const atServiceRef = z.looseObject({ id: z.number().int(), isActive: z.boolean().nullish() });

export async function assertLineCanBeAdded(env: Env, db: Db, integration: PsaIntegration, productKey: string): Promise<void> {
  const conn = await openConnection(env, db, integration);
  try {
    if (conn.kind === "connectwise") {
      const item = await conn.client.findCatalogItem(productKey);
      if (!item) throw new AppError("conflict", `ConnectWise's product catalog has no active product "${productKey}", so the line cannot be added: add the product to the catalog or map the usage to another product`);
      return;
    }
    const serviceId = Number(productKey);
    const found = Number.isInteger(serviceId) ? await conn.client.query("Services", [{ op: "eq", field: "id", value: serviceId }], atServiceRef) : [];
    if (found.length === 0 || found[0]?.isActive === false) throw new AppError("conflict", `Autotask has no active service ${productKey}, so the line cannot be added`);
  } catch (error) {
    if (error instanceof PsaHttpError) return;
    throw error;
  }
}
