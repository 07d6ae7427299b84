/** Vendor and vendor-service resources of the Gradient-compatible API (reference §1.3). */
import { Hono } from "hono";
import type { AppEnv } from "../../../env.ts";
import { recordCount, scopeOf, updateVendor, vendorData } from "../../../services/ingest/vendor-api.ts";
import { createVendorService, getService, updateService } from "../../../services/ingest/vendor-api-resources.ts";
import { toSku } from "../../../services/ingest/vendor-api.ts";
import { requireGradientToken } from "./auth.ts";
import { countSchema, idParam, readBody, servicePatchSchema, serviceSchema, vendorPatchSchema } from "./schemas.ts";

export const vendorResourceRoutes = new Hono<AppEnv>()
  .get("/", requireGradientToken(), async (c) => {
    return c.json({ status: 200, data: await vendorData(c.get("db"), scopeOf(c.get("tenant"))), message: "Success - Retrieved Vendor" });
  })
  .patch("/", requireGradientToken(), async (c) => {
    const { data } = await readBody(c, vendorPatchSchema, { form: true });
    return c.json({ status: 200, data: await updateVendor(c.get("db"), scopeOf(c.get("tenant")), data), message: "Success - Updated Vendor" });
  })
  .post("/service", requireGradientToken(), async (c) => {
    const { data } = await readBody(c, serviceSchema);
    const { sku, skus } = await createVendorService(c.get("db"), scopeOf(c.get("tenant")), data, new Date());
    // Existing clients (e.g. CIPP) read the new service's id from the top-level `skus` array.
    return c.json({ status: 201, data: sku, skus, message: "Success - Created Service" }, 201);
  })
  .get("/service/:serviceId", requireGradientToken(), async (c) => {
    const row = await getService(c.get("db"), scopeOf(c.get("tenant")), idParam(c, "serviceId"));
    return c.json({ status: 200, data: toSku(row), message: "Success - Retrieved Service" });
  })
  .patch("/service/:serviceId", requireGradientToken(), async (c) => {
    const { data } = await readBody(c, servicePatchSchema, { form: true });
    const row = await updateService(c.get("db"), scopeOf(c.get("tenant")), idParam(c, "serviceId"), data, new Date());
    return c.json({ status: 200, data: toSku(row), message: "Success - Updated Service" });
  })
  .post("/service/:serviceId/count", requireGradientToken(), async (c) => {
    // `no_build` only defers Gradient's billing view refresh; reconciliation here is computed on read.
    const { data, raw } = await readBody(c, countSchema);
    const result = await recordCount(c.get("db"), c.get("tenant"), idParam(c, "serviceId"), data, raw, new Date());
    return c.json({ status: 201, data: result, message: "Success - Unit count received" }, 201);
  });
