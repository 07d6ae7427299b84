/**
 * Shapes of inbound PSA notifications and their delivery identities. Pure.
 *
 * - ConnectWise callback (psa-and-vendor-apis.md §2.5): MessageId, CompanyId,
 *   Action, Type, ID, Entity (a JSON string), Metadata.key_url,
 *   CallbackObjectRecId. Deduped on MessageId.
 * - Autotask webhook (§3.4): Action, Guid, EntityType, Id, Fields, EventTime,
 *   SequenceNumber, PersonID. Deduped on Guid + Id + SequenceNumber.
 */
import { z } from "zod";

const intLike = z.union([z.number().int(), z.string().regex(/^\d+$/)]);

export const cwCallbackSchema = z.looseObject({
  MessageId: z.string().min(1).max(200),
  FromUrl: z.string().nullish(),
  CompanyId: z.string().min(1).max(100),
  MemberId: z.string().nullish(),
  Action: z.string().min(1).max(50),
  Type: z.string().min(1).max(50),
  ID: intLike,
  Entity: z.string().nullish(),
  Metadata: z.looseObject({ key_url: z.string().min(1).max(2000) }),
  CallbackObjectRecId: intLike.nullish(),
});
export type CwCallback = z.infer<typeof cwCallbackSchema>;

export const atWebhookSchema = z.looseObject({
  Action: z.string().min(1).max(50),
  Guid: z.string().min(1).max(100),
  EntityType: z.string().min(1).max(100),
  Id: intLike,
  Fields: z.unknown().optional(),
  EventTime: z.string().nullish(),
  SequenceNumber: intLike,
  PersonID: intLike.nullish(),
});
export type AtWebhook = z.infer<typeof atWebhookSchema>;

export function cwDedupeKey(callback: CwCallback): string {
  return `cw:${callback.MessageId}`;
}

export function atDedupeKey(event: AtWebhook): string {
  return `at:${event.Guid}:${String(event.Id)}:${String(event.SequenceNumber)}`;
}

/** Parses JSON without throwing. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}
