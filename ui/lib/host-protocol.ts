/**
 * The pod side of the ConnectWise Hosted API postMessage protocol
 * (psa-and-vendor-apis.md §2.6): messages are JSON strings; the pod sends
 * {"message":"ready"}, keeps the MessageFrameID the host answers with, adds
 * "frameID" to everything it sends after, asks for getMemberAuthentication,
 * and acknowledges onLoad/beforeSave/beforeBack events (beforeSave MUST be
 * answered or the screen will not save). Origins are compared exactly — a
 * prefix test accepts https://na.myconnectwise.net.evil.com
 * (reliability-and-security.md §2.2) — and messages only ever go to an exact
 * allowed origin, never "*". Pure.
 */

export type FrameId = string | number;

export type HostMessage =
  | { type: "frame"; frameId: FrameId }
  | { type: "member-auth"; data: Record<string, unknown> }
  | { type: "event"; event: string; id: unknown }
  | { type: "other" };

export const ACKNOWLEDGED_EVENTS = ["onLoad", "beforeSave", "beforeBack"];

export function isAllowedOrigin(origin: string, allowed: readonly string[]): boolean {
  return origin !== "null" && allowed.includes(origin);
}

/** Parses a host message (a JSON string; an already-cloned object is accepted too); null when unreadable. */
export function parseHostMessage(raw: unknown): HostMessage | null {
  let value: unknown = raw;
  if (typeof raw === "string") {
    try {
      value = JSON.parse(raw);
    } catch {
      return null;
    }
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const m = value as Record<string, unknown>;
  const frameId = m.MessageFrameID;
  if (typeof frameId === "string" || typeof frameId === "number") return { type: "frame", frameId };
  if (typeof m.response === "string" && m.response.toLowerCase() === "getmemberauthentication") {
    return typeof m.data === "object" && m.data !== null ? { type: "member-auth", data: m.data as Record<string, unknown> } : null;
  }
  if (typeof m.event === "string") return { type: "event", event: m.event, id: m._id };
  return { type: "other" };
}

export const READY_MESSAGE = JSON.stringify({ message: "ready" });

export function memberAuthRequest(frameId: FrameId): string {
  return JSON.stringify({ hosted_request: "getMemberAuthentication", frameID: frameId });
}

export function eventAck(event: string, id: unknown, frameId: FrameId): string {
  return JSON.stringify({ event, _id: id, result: "success", frameID: frameId });
}

/** What the Worker needs of getMemberAuthentication (everything else, e.g. SSO tokens, stays in the browser). */
export interface MemberAuthPayload {
  companyid: string;
  memberid: string;
  memberHash: string;
  memberContext?: string;
  memberEmail?: string;
}

export function pickMemberAuth(data: Record<string, unknown>): MemberAuthPayload | null {
  const { companyid, memberid, memberHash, memberContext, memberEmail } = data;
  if (typeof companyid !== "string" || typeof memberid !== "string" || typeof memberHash !== "string") return null;
  const out: MemberAuthPayload = { companyid, memberid, memberHash };
  if (typeof memberContext === "string") out.memberContext = memberContext;
  if (typeof memberEmail === "string") out.memberEmail = memberEmail;
  return out;
}

export type FrameVerdict = "ok" | "not-framed" | "wrong-parent" | "unknown";

/**
 * Whether the pod sits in an allowed parent, from what the browser tells us:
 * `location.ancestorOrigins` (Chromium, Safari) or else the referrer's origin.
 * CSP frame-ancestors already stops other parents; this is the second lock.
 */
export function frameVerdict(isTop: boolean, ancestorOrigins: readonly string[] | null, referrerOrigin: string | null, allowed: readonly string[]): FrameVerdict {
  if (isTop) return "not-framed";
  if (ancestorOrigins && ancestorOrigins.length > 0) {
    return ancestorOrigins.every((o) => isAllowedOrigin(o, allowed)) ? "ok" : "wrong-parent";
  }
  if (referrerOrigin) return isAllowedOrigin(referrerOrigin, allowed) ? "ok" : "wrong-parent";
  return "unknown";
}
