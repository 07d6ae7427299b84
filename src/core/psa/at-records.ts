/**
 * zod shapes of the Autotask REST records Trueup reads (psa-and-vendor-apis.md
 * §3.1–§3.3): zoneInformation, query pages, Contracts, Companies, Services,
 * ContractServices, ContractServiceUnits and picklist metadata. Only used
 * fields are required. Pure.
 */
import { z } from "zod";

/** Contract.contractType of a Recurring Service contract (§3.3). */
export const AT_CONTRACT_TYPE_RECURRING = 7;
/** Contract.status Active. */
export const AT_CONTRACT_STATUS_ACTIVE = 1;
/** Autotask returns at most 500 records per query page (§3.2). */
export const AT_MAX_PAGE_SIZE = 500;

const id = z.number().int();
const amount = z.union([z.number(), z.string()]).nullish();

export const atZoneSchema = z.looseObject({ url: z.string().min(1), webUrl: z.string().nullish(), zoneName: z.string().nullish() });

export const atQueryPageSchema = z.looseObject({
  items: z.array(z.unknown()),
  pageDetails: z.looseObject({ count: z.number().int().optional(), nextPageUrl: z.string().nullish() }),
});

export const atContractSchema = z.looseObject({
  id,
  companyID: id,
  contractName: z.string(),
  contractType: id,
  status: id,
  startDate: z.string().nullish(),
  endDate: z.string().nullish(),
  contractPeriodType: z.union([id, z.string()]).nullish(),
});
export type AtContract = z.infer<typeof atContractSchema>;

export const atCompanySchema = z.looseObject({ id, companyName: z.string(), companyNumber: z.string().nullish() });
export type AtCompany = z.infer<typeof atCompanySchema>;

export const atServiceSchema = z.looseObject({ id, name: z.string() });
export type AtService = z.infer<typeof atServiceSchema>;

export const atContractServiceSchema = z.looseObject({
  id,
  contractID: id,
  serviceID: id,
  unitPrice: amount,
  unitCost: amount,
  adjustedPrice: amount,
  invoiceDescription: z.string().nullish(),
});
export type AtContractService = z.infer<typeof atContractServiceSchema>;

export const atContractServiceUnitSchema = z.looseObject({
  id,
  contractID: id,
  contractServiceID: id.nullish(),
  serviceID: id,
  startDate: z.string(),
  endDate: z.string(),
  units: z.union([z.number(), z.string()]),
});
export type AtContractServiceUnit = z.infer<typeof atContractServiceUnitSchema>;

/** `GET /{Entity}/entityInformation/fields`: picklist values are per database, resolved by label. */
export const atFieldsSchema = z.looseObject({
  fields: z.array(
    z.looseObject({
      name: z.string(),
      picklistValues: z.array(z.looseObject({ value: z.string(), label: z.string() })).nullish(),
    }),
  ),
});
export type AtFields = z.infer<typeof atFieldsSchema>;

/** `POST` create answers `{"itemId": n}`. */
export const atCreatedSchema = z.looseObject({ itemId: id });

export const atThresholdSchema = z.looseObject({
  externalRequestThreshold: z.number().int(),
  requestThresholdTimeframe: z.number().int().optional(),
  currentTimeframeRequestCount: z.number().int(),
});

/** The label of a picklist value of `field`, or null. */
export function picklistLabel(fields: AtFields, field: string, value: string | number | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  const entry = fields.fields.find((f) => f.name === field);
  return entry?.picklistValues?.find((v) => v.value === String(value))?.label ?? null;
}

/** The value of the picklist entry labelled `label` (case-insensitive), or null. */
export function picklistValue(fields: AtFields, field: string, label: string): string | null {
  const entry = fields.fields.find((f) => f.name === field);
  return entry?.picklistValues?.find((v) => v.label.toLowerCase() === label.toLowerCase())?.value ?? null;
}
