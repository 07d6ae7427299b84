/**
 * Signed Agreement callbacks, as ConnectWise sends them (psa-and-vendor-apis.md
 * §2.5): a JSON body with MessageId, CompanyId, Action, Type, ID, the record
 * as an escaped JSON string in Entity, Metadata.key_url, CallbackObjectRecId;
 * header `x-content-signature` = Base64(HMAC-SHA256(SHA-256(signing_key),
 * body)); the record id appended to the registered URL. Callbacks created
 * with isSelfSuppressedFlag skip changes made by their own member.
 */
import { connectWiseSignature } from "../signing.ts";
import type { CwSimState, Delivery, SimCallback } from "./state.ts";

export type Deliver = (url: string, init: { method: "POST"; headers: Record<string, string>; body: string }) => Promise<Response>;

export interface CallbackContext {
  state: CwSimState;
  origin: string;
  codebase: string;
  companyId: string;
  deliver: Deliver;
}

export function keyUrl(ctx: CallbackContext, callback: SimCallback): string {
  return `${ctx.origin}/${ctx.codebase}system/callbackkey/index.rails?id=${callback.keyId}`;
}

export async function buildCallback(ctx: CallbackContext, callback: SimCallback, agreementId: number, action: string, byMember: string) {
  const entity = ctx.state.agreements.get(agreementId) ?? { id: agreementId };
  const payload = {
    MessageId: crypto.randomUUID(),
    FromUrl: new URL(ctx.origin).host,
    CompanyId: ctx.companyId,
    MemberId: byMember,
    Action: action,
    Type: "agreement",
    ID: agreementId,
    ProductInstanceId: null,
    PartnerId: null,
    Entity: JSON.stringify(entity),
    Metadata: { key_url: keyUrl(ctx, callback) },
    CallbackObjectRecId: callback.id,
  };
  const body = JSON.stringify(payload);
  const headers = { "content-type": "application/json", "x-content-signature": await connectWiseSignature(callback.signingKey, body) };
  return { messageId: payload.MessageId, url: `${callback.url}${agreementId}`, body, headers };
}

/** Sends one delivery and records it (status 0 when the target was unreachable). */
export async function send(ctx: CallbackContext, d: Omit<Delivery, "status">): Promise<Delivery> {
  let status = 0;
  try {
    const res = await ctx.deliver(d.url, { method: "POST", headers: d.headers, body: d.body });
    status = res.status;
    await res.body?.cancel();
  } catch {
    status = 0;
  }
  const delivery = { ...d, status };
  ctx.state.deliveries.push(delivery);
  return delivery;
}

export async function notifyAgreement(ctx: CallbackContext, agreementId: number, action: string, byMember: string): Promise<Delivery[]> {
  const out: Delivery[] = [];
  for (const callback of ctx.state.callbacks.values()) {
    if (callback.inactiveFlag || callback.type.toLowerCase() !== "agreement" || callback.level.toLowerCase() !== "owner") continue;
    if (callback.isSelfSuppressedFlag && callback.memberIdentifier === byMember) continue;
    out.push(await send(ctx, await buildCallback(ctx, callback, agreementId, action, byMember)));
  }
  return out;
}
