/**
 * The ConnectWise Hosted API `getMemberAuthentication` answer, as relayed by
 * the pod. It is client-supplied data: schema-checked here, then verified
 * with ConnectWise before anything is issued (reference: psa-and-vendor-apis.md
 * §2.6; reliability-and-security.md §2.2). The values end up in a Cookie
 * header, so they are restricted to printable ASCII without ";" (no header or
 * cookie injection). Pure.
 */
import { z } from "zod";

/** Printable ASCII except ";" and space: safe inside `name=value; …` of a Cookie header. */
const COOKIE_SAFE = /^[\x21-\x3a\x3c-\x7e]+$/;
const cookieValue = (max: number) =>
  z.string().min(1, "must not be empty").max(max, `at most ${max} characters`).regex(COOKIE_SAFE, "must be printable ASCII without ';'");

/** Fields ConnectWise sends (`site`, `codeBase`, SSO tokens…) beyond these are ignored, never forwarded. */
export const memberAuthSchema = z.object({
  companyid: cookieValue(100),
  memberid: cookieValue(100),
  memberHash: cookieValue(4096),
  memberContext: cookieValue(4096).optional(),
  memberEmail: z.string().max(320).optional(),
});
export type MemberAuth = z.infer<typeof memberAuthSchema>;

/**
 * The Cookie header of the verification call. `companyName` is OUR configured
 * login company id, never the client's claim (the claim is only compared).
 */
export function memberCookieHeader(loginCompanyId: string, auth: MemberAuth): string {
  if (!COOKIE_SAFE.test(loginCompanyId)) throw new Error("loginCompanyId is not cookie-safe");
  const parts = [`companyName=${loginCompanyId}`, `memberId=${auth.memberid}`, `memberHash=${auth.memberHash}`];
  if (auth.memberContext !== undefined) parts.push(`memberContext=${auth.memberContext}`);
  return parts.join("; ");
}

/** ConnectWise company and member identifiers are case-insensitive. */
export function sameIdentifier(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Which of our views a ConnectWise screen maps to (`[cw_screen]` token), or null when unsupported. */
export function screenKind(screen: string): "agreement" | "company" | null {
  const normalized = screen.trim().toLowerCase();
  if (normalized.includes("agreement")) return "agreement";
  if (normalized.includes("company")) return "company";
  return null;
}
