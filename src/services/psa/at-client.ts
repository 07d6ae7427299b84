/**
 * Autotask PSA REST client (psa-and-vendor-apis.md §3): zone lookup, the
 * ApiIntegrationCode / UserName / Secret headers, `POST /{Entity}/query`
 * with filter JSON and `pageDetails.nextPageUrl` paging (500 per page),
 * `{"item"}` single reads, `{"itemId"}` creates. Every call passes through
 * `before`, which enforces the tenant's hourly request budget.
 */
import { z } from "zod";
import { assertSameOrigin } from "../../core/psa/listing-guard.ts";
import { atCreatedSchema, atFieldsSchema, atQueryPageSchema, atThresholdSchema, atZoneSchema, type AtFields } from "../../core/psa/at-records.ts";
import { type BeforeCall, PsaHttpError, sendRead, sendWrite } from "./http.ts";

export interface AtCredentials {
  username: string;
  secret: string;
  integrationCode: string;
}

export type AtFilter = Record<string, unknown>;

const atCountSchema = z.object({ queryCount: z.number().int().nonnegative() });

/** `GET {lookup}/atservicesrest/v1.0/zoneInformation?user=…` (no credentials). */
export async function lookupAutotaskZone(lookupOrigin: string, username: string, before: BeforeCall) {
  const url = `${lookupOrigin}/atservicesrest/v1.0/zoneInformation?user=${encodeURIComponent(username)}`;
  const res = await sendRead({ method: "GET", url, headers: { accept: "application/json" } }, before);
  const zone = atZoneSchema.safeParse(res.json);
  if (!zone.success) throw new PsaHttpError(404, res.json, null, `Autotask has no zone for user "${username}"`);
  return zone.data;
}

export type AtClient = ReturnType<typeof createAtClient>;

export function createAtClient(apiBaseUrl: string, creds: AtCredentials, before: BeforeCall) {
  const headers = { ApiIntegrationCode: creds.integrationCode, UserName: creds.username, Secret: creds.secret, accept: "application/json" };
  // Autotask limits per tracking identifier (and endpoint) and per database: one bucket per zone and integration (http.ts).
  const pace = { key: `at|${apiBaseUrl}|${creds.integrationCode}|${creds.username}`, psa: "autotask" as const };

  /** Every page of a query: the records that parsed, and how many the PSA returned in all. */
  async function queryAll<T>(entity: string, filter: AtFilter[], schema: z.ZodType<T>): Promise<{ items: T[]; read: number }> {
    const items: T[] = [];
    let read = 0;
    let res = await sendRead({ method: "POST", url: `${apiBaseUrl}/${entity}/query`, headers, body: { filter }, pace }, before);
    for (;;) {
      const page = atQueryPageSchema.safeParse(res.json);
      if (!page.success) throw new PsaHttpError(502, res.json, null, `Autotask answered ${entity}/query with an unexpected shape`);
      read += page.data.items.length;
      for (const item of page.data.items) {
        const parsed = schema.safeParse(item);
        if (parsed.success) items.push(parsed.data);
      }
      const next = page.data.pageDetails.nextPageUrl;
      if (!next) return { items, read };
      // Only on the zone we were talking to: a link elsewhere is an error, not the end of the listing.
      res = await sendRead({ method: "GET", url: assertSameOrigin("Autotask", next, apiBaseUrl), headers, pace }, before);
    }
  }

  const query = async <T>(entity: string, filter: AtFilter[], schema: z.ZodType<T>): Promise<T[]> => (await queryAll(entity, filter, schema)).items;

  /** `POST /{Entity}/query/count` with the same filter → `{"queryCount": n}`. */
  async function count(entity: string, filter: AtFilter[]): Promise<number> {
    const res = await sendRead({ method: "POST", url: `${apiBaseUrl}/${entity}/query/count`, headers, body: { filter }, pace }, before);
    const parsed = atCountSchema.safeParse(res.json);
    if (!parsed.success) throw new PsaHttpError(502, res.json, null, `Autotask answered ${entity}/query/count with an unexpected shape`);
    return parsed.data.queryCount;
  }

  async function create(path: string, body: unknown): Promise<number> {
    const res = await sendWrite({ method: "POST", url: `${apiBaseUrl}/${path}`, headers, body, pace }, before);
    const created = atCreatedSchema.safeParse(res.json);
    if (!created.success) throw new PsaHttpError(502, res.json, null, `Autotask did not return an itemId for ${path}`);
    return created.data.itemId;
  }

  return {
    /** Cheap authenticated call that also reports the database's hourly usage. */
    async threshold() {
      const res = await sendRead({ method: "GET", url: `${apiBaseUrl}/ThresholdInformation`, headers, pace }, before);
      const parsed = atThresholdSchema.safeParse(res.json);
      if (!parsed.success) throw new PsaHttpError(502, res.json, null, "Autotask answered ThresholdInformation with an unexpected shape");
      return parsed.data;
    },
    query,
    queryAll,
    count,
    async fields(entity: string): Promise<AtFields> {
      const res = await sendRead({ method: "GET", url: `${apiBaseUrl}/${entity}/entityInformation/fields`, headers, pace }, before);
      const parsed = atFieldsSchema.safeParse(res.json);
      if (!parsed.success) throw new PsaHttpError(502, res.json, null, `Autotask answered ${entity}/entityInformation/fields with an unexpected shape`);
      return parsed.data;
    },
    create,
    remove: (path: string) => sendWrite({ method: "DELETE", url: `${apiBaseUrl}/${path}`, headers, pace }, before),
  };
}
