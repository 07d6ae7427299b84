/**
 * zod shapes of the ConnectWise records Trueup reads (API version 2025.8,
 * psa-and-vendor-apis.md §2.4): Agreement and Addition. Only the fields used
 * are required; everything else passes through untouched. Pure.
 */
import { z } from "zod";

const reference = z.looseObject({ id: z.number().int(), name: z.string().optional(), identifier: z.string().optional() });
const info = z.looseObject({ lastUpdated: z.string().optional() }).optional();

export const cwAgreementSchema = z.looseObject({
  id: z.number().int(),
  name: z.string(),
  type: z.looseObject({ id: z.number().int().optional(), name: z.string() }),
  company: z.looseObject({ id: z.number().int(), identifier: z.string().optional(), name: z.string() }),
  agreementStatus: z.string().nullish(),
  cancelledFlag: z.boolean().nullish(),
  billingCycle: reference.nullish(),
  startDate: z.string().nullish(),
  endDate: z.string().nullish(),
  noEndingDateFlag: z.boolean().nullish(),
  prorateFlag: z.boolean().nullish(),
  currency: z.looseObject({ currencyCode: z.string().optional() }).nullish(),
  _info: info,
});
export type CwAgreement = z.infer<typeof cwAgreementSchema>;

export const CW_BILL_CUSTOMER = ["Billable", "DoNotBill", "NoCharge"] as const;

export const cwAdditionSchema = z.looseObject({
  id: z.number().int(),
  product: z.looseObject({ id: z.number().int().optional(), identifier: z.string().min(1), description: z.string().nullish() }),
  quantity: z.union([z.number(), z.string()]),
  lessIncluded: z.union([z.number(), z.string()]).nullish(),
  unitPrice: z.union([z.number(), z.string()]).nullish(),
  unitCost: z.union([z.number(), z.string()]).nullish(),
  billCustomer: z.enum(CW_BILL_CUSTOMER),
  effectiveDate: z.string().nullish(),
  cancelledDate: z.string().nullish(),
  description: z.string().nullish(),
  agreementId: z.number().int().nullish(),
  _info: info,
});
export type CwAddition = z.infer<typeof cwAdditionSchema>;

/** `GET /login/companyinfo/{companyId}` (§2.1). */
export const cwCompanyInfoSchema = z.looseObject({
  Codebase: z.string().regex(/^[A-Za-z0-9_.]+\/$/, "expected a codebase such as v4_6_release/"),
  CompanyID: z.string().optional(),
  IsCloud: z.union([z.boolean(), z.string()]).optional(),
});

/** `GET /procurement/catalog` item (CatalogItem, 2025.8): the product an addition names, with its default price and cost. */
export const cwCatalogItemSchema = z.looseObject({
  id: z.number().int(),
  identifier: z.string().min(1),
  description: z.string().nullish(),
  inactiveFlag: z.boolean().nullish(),
  price: z.number().nullish(),
  cost: z.number().nullish(),
});
export type CwCatalogItem = z.infer<typeof cwCatalogItemSchema>;

export const cwCallbackEntrySchema = z.looseObject({ id: z.number().int() });
