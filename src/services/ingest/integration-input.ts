/** Input of POST /api/v1/integrations (zod, parsed at the HTTP boundary): one branch per integration kind. */
import { z } from "zod";

const name = z.string().trim().min(1, "must not be empty").max(200, "at most 200 characters");
const syncDay = z.number().int().min(1, "must be 1–28").max(28, "must be 1–28").optional();
const secret = z.string().trim().min(1, "must not be empty").max(500);

export const createIntegrationSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("vendor-api"), name }),
  z.strictObject({ kind: z.literal("batch"), name }),
  z.strictObject({ kind: z.literal("csv"), name }),
  z.strictObject({
    kind: z.literal("pax8"),
    name,
    clientId: secret,
    clientSecret: secret,
    syncDay,
    baseUrl: z.string().max(300).optional(),
    tokenUrl: z.string().max(300).optional(),
    audience: z.string().max(100).optional(),
    usageProductPattern: z.string().max(200).optional(),
  }),
  z.strictObject({
    kind: z.literal("liongard"),
    name,
    instance: z.string().regex(/^[a-z0-9-]{1,63}$/, "must be your Liongard instance name (e.g. us1)").optional(),
    baseUrl: z.string().max(300).optional(),
    accessKeyId: secret,
    accessKeySecret: secret,
    syncDay,
    metrics: z
      .array(
        z.strictObject({
          metric: z.string().trim().min(1).max(100),
          serviceName: z.string().trim().min(1).max(200),
          category: z.enum(["seat", "consumption"]).default("seat"),
        }),
      )
      .min(1, "map at least one metric to a service")
      .max(100),
  }),
], { error: "body.kind: must be one of vendor-api, batch, csv, pax8, liongard" });

export type CreateIntegrationInput = z.infer<typeof createIntegrationSchema>;

export const updateIntegrationSchema = z
  .strictObject({ name: name.optional(), syncDay: z.number().int().min(1, "must be 1–28").max(28, "must be 1–28").optional() })
  .refine((b) => b.name !== undefined || b.syncDay !== undefined, "give name and/or syncDay");
export type UpdateIntegrationInput = z.infer<typeof updateIntegrationSchema>;
