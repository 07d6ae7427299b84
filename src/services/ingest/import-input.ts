/** Inputs of the import endpoints (zod, parsed at the HTTP boundary): the query of POST /api/v1/imports and saved CSV profiles. */
import { z } from "zod";
import { DATE_FORMATS, isPeriod } from "../../core/usage/date-cell.ts";

export const IMPORT_PROFILES = ["partner-center-invoice", "partner-center-usage", "csv"] as const;
export type ImportProfileName = (typeof IMPORT_PROFILES)[number];

const dateOrder = z.enum(["MDY", "DMY", "YMD"], { error: "must be MDY, DMY or YMD" });

export const importQuerySchema = z.strictObject({
  profile: z.enum(IMPORT_PROFILES, { error: `must be one of ${IMPORT_PROFILES.join(", ")}` }),
  profileId: z.string().min(1).max(100).optional(),
  integrationId: z.string().min(1).max(100).optional(),
  period: z.string().refine(isPeriod, "must be YYYY-MM").optional(),
  groupBy: z.string().regex(/^(subscription|resourceGroup|tag:[^\s]{1,100})$/, "must be subscription, resourceGroup or tag:<name>").optional(),
  measure: z.enum(["cost", "quantity"]).optional(),
  dateOrder: dateOrder.optional(),
  /** The file is an arrears export: without a period of its own it covers the month before the import. */
  arrears: z.enum(["true", "false"], { error: "must be true or false" }).transform((v) => v === "true").optional(),
});
export type ImportQuery = z.infer<typeof importQuerySchema>;

const column = z.string().trim().min(1, "must not be empty").max(200);

export const importProfileSchema = z.strictObject({
  name: z.string().trim().min(1, "must not be empty").max(200),
  integrationId: z.string().min(1).max(100).optional(),
  columns: z.strictObject({
    accountId: column,
    accountName: column.optional(),
    serviceId: column.optional(),
    serviceName: column,
    quantity: column,
    cost: column.optional(),
    currency: column.optional(),
    period: column.optional(),
    date: column.optional(),
  }),
  category: z.enum(["seat", "consumption"]).default("seat"),
  unit: z.string().trim().min(1).max(50).optional(),
  currency: z.string().regex(/^[A-Za-z]{3}$/, "must be an ISO 4217 code").optional(),
  aggregate: z.boolean().default(false),
  /** An arrears export (e.g. a monthly licence report for last month): without a period column it covers the month before the import. */
  arrears: z.boolean().default(false),
  /** Never guessed: how the file writes dates (required with a date or period column) and decimals. */
  dateFormat: z.enum(DATE_FORMATS, { error: `must be one of ${DATE_FORMATS.join(", ")}` }).optional(),
  decimalSeparator: z.enum([".", ","], { error: 'required: "." or ","' }),
  delimiter: z.enum([",", ";", "\t", "|"]).optional(),
}).superRefine((profile, ctx) => {
  if ((profile.columns.date !== undefined || profile.columns.period !== undefined) && profile.dateFormat === undefined) {
    ctx.addIssue({ code: "custom", path: ["dateFormat"], message: `required with a date or period column: one of ${DATE_FORMATS.join(", ")}` });
  }
  if (profile.decimalSeparator === "," && profile.delimiter === ",") {
    ctx.addIssue({ code: "custom", path: ["delimiter"], message: 'must not be "," when the decimal separator is ","' });
  }
});
export type ImportProfileInput = z.infer<typeof importProfileSchema>;
