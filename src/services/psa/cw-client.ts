/**
 * ConnectWise PSA REST client (psa-and-vendor-apis.md §2): API-member Basic
 * auth `companyId+publicKey:privateKey`, the `clientId` header, the version
 * pinned in Accept, conditions with pageSize 1000 and `Link` rel="next"
 * paging, JSON Patch on additions, callbacks under /system/callbacks.
 */
import { z } from "zod";
import { andConditions, cwString, listPath, nextPageUrl } from "../../core/psa/cw-query.ts";
import { type CwAddition, type CwAgreement, type CwCatalogItem, cwAdditionSchema, cwAgreementSchema, cwCallbackEntrySchema, cwCatalogItemSchema, cwCompanyInfoSchema } from "../../core/psa/cw-records.ts";
import type { JsonPatchOp } from "../../core/psa/writeback-plan.ts";
import { basicAuth, type BeforeCall, PsaHttpError, sendRead, sendWrite } from "./http.ts";

export const CW_ACCEPT = "application/vnd.connectwise.com+json; version=2025.8";

export interface CwCredentials {
  companyId: string;
  publicKey: string;
  privateKey: string;
  clientId: string;
}

export interface Parsed<T> {
  items: T[];
  invalid: number;
}

function parseItems<T>(schema: z.ZodType<T>, value: unknown): Parsed<T> {
  const out: Parsed<T> = { items: [], invalid: 0 };
  for (const item of Array.isArray(value) ? value : []) {
    const parsed = schema.safeParse(item);
    if (parsed.success) out.items.push(parsed.data);
    else out.invalid += 1;
  }
  return out;
}

const cwCountSchema = z.object({ count: z.number().int().nonnegative() });

/** `GET {site}/login/companyinfo/{companyId}` (no auth) → the REST base `{site}/{codebase}apis/3.0`. */
export async function discoverCwApiBase(site: string, companyId: string, before: BeforeCall): Promise<string> {
  const call = { method: "GET", url: `${site}/login/companyinfo/${encodeURIComponent(companyId)}`, headers: { accept: "application/json" } };
  const res = await sendRead(call, before);
  const info = cwCompanyInfoSchema.safeParse(res.json);
  if (!info.success) throw new PsaHttpError(404, res.json, null, `ConnectWise has no company "${companyId}" on ${site}`);
  return `${site}/${info.data.Codebase}apis/3.0`;
}

export type CwClient = ReturnType<typeof createCwClient>;

export function createCwClient(apiBaseUrl: string, creds: CwCredentials, before: BeforeCall) {
  const headers = {
    authorization: basicAuth(`${creds.companyId}+${creds.publicKey}`, creds.privateKey),
    clientId: creds.clientId,
    accept: CW_ACCEPT,
  };
  // ConnectWise throttles per API member: one bucket per site and member (http.ts).
  const pace = { key: `cw|${apiBaseUrl}|${creds.companyId}+${creds.publicKey}`, psa: "connectwise" as const };
  const get = (pathOrUrl: string) => sendRead({ method: "GET", url: pathOrUrl.startsWith("http") ? pathOrUrl : `${apiBaseUrl}${pathOrUrl}`, headers, pace }, before);

  async function getAll<T>(path: string, schema: z.ZodType<T>): Promise<Parsed<T>> {
    const out: Parsed<T> = { items: [], invalid: 0 };
    let url: string | null = `${apiBaseUrl}${path}`;
    while (url) {
      const res = await get(url);
      const page = parseItems(schema, res.json);
      out.items.push(...page.items);
      out.invalid += page.invalid;
      url = nextPageUrl(res.headers.get("link"), url);
    }
    return out;
  }

  async function getOne<T>(path: string, schema: z.ZodType<T>): Promise<T | null> {
    try {
      const res = await get(path);
      const parsed = schema.safeParse(res.json);
      if (!parsed.success) throw new PsaHttpError(502, res.json, null, `ConnectWise answered ${path} with an unexpected shape`);
      return parsed.data;
    } catch (error) {
      if (error instanceof PsaHttpError && error.status === 404) return null;
      throw error;
    }
  }

  return {
    /** A cheap authenticated call to check the keys. */
    checkCredentials: () => get("/system/info"),
    listAgreements: (conditions: string | null) => getAll(listPath("/finance/agreements", conditions, { orderBy: "id asc" }), cwAgreementSchema),
    /** `GET /finance/agreements/count?conditions=…` → `{"count": n}` (schema `Count`). */
    async countAgreements(conditions: string | null): Promise<number> {
      const res = await get(conditions ? `/finance/agreements/count?conditions=${encodeURIComponent(conditions)}` : "/finance/agreements/count");
      const parsed = cwCountSchema.safeParse(res.json);
      if (!parsed.success) throw new PsaHttpError(502, res.json, null, "ConnectWise answered /finance/agreements/count with an unexpected shape");
      return parsed.data.count;
    },
    getAgreement: (id: string): Promise<CwAgreement | null> => getOne(`/finance/agreements/${encodeURIComponent(id)}`, cwAgreementSchema),
    listAdditions: (agreementId: string, conditions: string | null = null) =>
      getAll(listPath(`/finance/agreements/${encodeURIComponent(agreementId)}/additions`, conditions), cwAdditionSchema),
    getAddition: (agreementId: string, additionId: string): Promise<CwAddition | null> =>
      getOne(`/finance/agreements/${encodeURIComponent(agreementId)}/additions/${encodeURIComponent(additionId)}`, cwAdditionSchema),
    patchAddition: (agreementId: string, additionId: string, operations: JsonPatchOp[]) =>
      sendWrite(
        { method: "PATCH", url: `${apiBaseUrl}/finance/agreements/${encodeURIComponent(agreementId)}/additions/${encodeURIComponent(additionId)}`, headers, body: operations, pace },
        before,
      ),
    /** The active catalog item with this identifier (`GET /procurement/catalog?conditions=identifier="X"`), or null. */
    async findCatalogItem(identifier: string): Promise<CwCatalogItem | null> {
      const conditions = andConditions(`identifier=${cwString(identifier)}`, "inactiveFlag=false");
      const found = await getAll(listPath("/procurement/catalog", conditions), cwCatalogItemSchema);
      return found.items.find((i) => i.identifier.toLowerCase() === identifier.toLowerCase()) ?? null;
    },
    /** `POST /finance/agreements/{id}/additions` (Addition: product and billCustomer required) → the created addition. */
    async postAddition(agreementId: string, body: Record<string, unknown>) {
      return sendWrite({ method: "POST", url: `${apiBaseUrl}/finance/agreements/${encodeURIComponent(agreementId)}/additions`, headers, body, pace }, before);
    },
    async createCallback(url: string, description: string): Promise<number> {
      // objectId 1 with level Owner = every agreement (CW-DevGuide "Configuring the Callbacks").
      const body = { url, objectId: 1, type: "agreement", level: "owner", description, inactiveFlag: false, isSelfSuppressedFlag: true };
      const res = await sendWrite({ method: "POST", url: `${apiBaseUrl}/system/callbacks`, headers, body, pace }, before);
      const parsed = cwCallbackEntrySchema.safeParse(res.json);
      if (!parsed.success) throw new PsaHttpError(502, res.json, null, "ConnectWise did not return the callback id");
      return parsed.data.id;
    },
    deleteCallback: (id: string) => sendWrite({ method: "DELETE", url: `${apiBaseUrl}/system/callbacks/${encodeURIComponent(id)}`, headers, pace }, before),
  };
}
