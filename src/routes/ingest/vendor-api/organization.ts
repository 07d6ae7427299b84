/** Organization (partner) resources of the Gradient-compatible API: integration status, clients, accounts, organization services. */
import { Hono } from "hono";
import type { AppEnv } from "../../../env.ts";
import { organization, scopeOf, setStatus } from "../../../services/ingest/vendor-api.ts";
import {
  clients,
  createAccounts,
  createOrgServices,
  listOrgServices,
  listVendorAccounts,
  toOrgService,
  updateAccount,
  updateService,
} from "../../../services/ingest/vendor-api-resources.ts";
import { requireGradientToken } from "./auth.ts";
import { accountListSchema, accountPatchSchema, idParam, readBody, readIdList } from "./schemas.ts";

const isTrue = (value: string | undefined) => value === "true" || value === "1";

export const organizationRoutes = new Hono<AppEnv>()
  .get("/", requireGradientToken(), async (c) => c.json(await organization(c.get("db"), scopeOf(c.get("tenant")))))
  .patch("/status/:status", requireGradientToken(), async (c) => {
    const data = await setStatus(c.get("db"), scopeOf(c.get("tenant")), c.req.param("status"));
    return c.json({ status: 200, data, message: "Success - Updated Integration Status" });
  })
  .get("/clients", requireGradientToken(), async (c) => {
    return c.json(await clients(c.get("db"), c.get("tenant").tenantId, c.req.query("search"), c.req.query("previousId")));
  })
  .get("/accounts", requireGradientToken(), async (c) => {
    const accounts = await listVendorAccounts(c.get("db"), scopeOf(c.get("tenant")), readIdList(c, "accountIds"), isTrue(c.req.query("returnUnmapped")));
    return c.json(accounts);
  })
  .post("/accounts", requireGradientToken(), async (c) => {
    const { data } = await readBody(c, accountListSchema);
    return c.json(await createAccounts(c.get("db"), scopeOf(c.get("tenant")), data, new Date()), 201);
  })
  .patch("/accounts/:accountId", requireGradientToken(), async (c) => {
    const { data } = await readBody(c, accountPatchSchema, { form: true });
    return c.json(await updateAccount(c.get("db"), scopeOf(c.get("tenant")), idParam(c, "accountId"), data, new Date()));
  })
  .get("/services", requireGradientToken(), async (c) => {
    const services = await listOrgServices(c.get("db"), scopeOf(c.get("tenant")), readIdList(c, "serviceIds"), isTrue(c.req.query("returnUnmapped")));
    return c.json(services);
  })
  .post("/services", requireGradientToken(), async (c) => {
    const { data } = await readBody(c, accountListSchema);
    return c.json(await createOrgServices(c.get("db"), scopeOf(c.get("tenant")), data, new Date()), 201);
  })
  .patch("/services/:serviceId", requireGradientToken(), async (c) => {
    const { data } = await readBody(c, accountPatchSchema, { form: true });
    const row = await updateService(c.get("db"), scopeOf(c.get("tenant")), idParam(c, "serviceId"), { name: data.name, description: data.description ?? undefined }, new Date());
    return c.json(toOrgService(row));
  });
