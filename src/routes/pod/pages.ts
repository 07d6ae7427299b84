/**
 * Pod pages (HTML). `/pod/connectwise/:integrationId?id=[cw_id]&screen=[cw_screen]`
 * is the URL registered in ConnectWise's Manage Hosted API setup: the
 * integration id in the path only selects whose configuration (web origins,
 * API base, login company) applies — it grants nothing; data needs a member
 * verified with ConnectWise. `/pod/standalone/:tenantId?contractId=…` is the
 * Autotask LiveLink target, behind a tenant user sign-in.
 */
import { Hono } from "hono";
import { z } from "zod";
import { allowsInsecureOrigins, type AppEnv } from "../../env.ts";
import { AppError } from "../../errors.ts";
import { useDbOfPsaIntegration, useTenantDb } from "../../middleware/tenant-db.ts";
import { renderConnectWisePod, renderStandalonePod } from "../../services/pod/pages.ts";
import { readQuery } from "../parse.ts";

const idParam = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, "must be 1–100 letters, digits, _ or -");
const psaIdParam = z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, "must be 1–64 letters, digits, _, . or -");

// ConnectWise substitutes [cw_id] and [cw_screen]; an unsubstituted token is passed on as-is and answered by the UI.
const connectWiseQuerySchema = z.object({
  id: z.union([psaIdParam, z.literal("[cw_id]")]).optional(),
  screen: z.string().regex(/^[A-Za-z_ [\]-]{1,40}$/, "must be a ConnectWise screen name").optional(),
});

const standaloneQuerySchema = z.object({
  contractId: psaIdParam.optional(),
  companyId: idParam.optional(),
});

function pathParam(value: string | undefined, name: string): string {
  const parsed = idParam.safeParse(value);
  if (!parsed.success) throw new AppError("validation_failed", `path.${name}: ${parsed.error.issues[0]?.message ?? "invalid"}`);
  return parsed.data;
}

export const podPageRoutes = new Hono<AppEnv>()
  .get("/pod/connectwise", () => {
    throw new AppError("bad_request", "path: the pod URL is /pod/connectwise/<integrationId>?id=[cw_id]&screen=[cw_screen]");
  })
  .get("/pod/connectwise/:integrationId", async (c) => {
    const integrationId = pathParam(c.req.param("integrationId"), "integrationId");
    const query = readQuery(c, connectWiseQuerySchema);
    const policy = { allowInsecureLoopback: allowsInsecureOrigins(c.env) };
    return renderConnectWisePod(await useDbOfPsaIntegration(c, integrationId, "connectwise"), c.env.ASSETS, c.req.url, policy, {
      integrationId,
      cwId: query.id ?? null,
      screen: query.screen ?? null,
    });
  })
  .get("/pod/standalone", () => {
    throw new AppError("bad_request", "path: the standalone URL is /pod/standalone/<tenantId>?contractId=<Autotask contract id>");
  })
  .get("/pod/standalone/:tenantId", async (c) => {
    const tenantId = pathParam(c.req.param("tenantId"), "tenantId");
    const query = readQuery(c, standaloneQuerySchema);
    return renderStandalonePod(useTenantDb(c, tenantId), c.env.ASSETS, c.req.url, {
      tenantId,
      contractId: query.contractId ?? null,
      companyId: query.companyId ?? null,
    });
  });
