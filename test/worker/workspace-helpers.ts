/** Helpers of the workspace tests: users with roles, a signed-in cookie session, calls with it. */
import { call, OPERATOR_TOKEN, postJson } from "./helpers/http.ts";

export const PASSWORD = "correct horse battery staple";
const operator = { authorization: `Bearer ${OPERATOR_TOKEN}` };

export async function createUser(tenantId: string, email: string, role: "admin" | "approver" | "viewer"): Promise<string> {
  const res = await postJson(`/api/admin/tenants/${tenantId}/users`, { email, password: PASSWORD, role }, operator);
  if (res.status !== 201) throw new Error(`createUser failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { userId: string }).userId;
}

export interface Session {
  cookie: string;
  csrf: string;
  /** Calls with the cookie; state-changing methods send the CSRF token unless `csrf: false`. */
  fetch(path: string, init?: RequestInit & { csrf?: boolean | string }): Promise<Response>;
  json(method: string, path: string, body?: unknown): Promise<Response>;
}

export function signIn(tenantId: string, email: string, password = PASSWORD, headers: Record<string, string> = {}): Promise<Response> {
  return postJson("/api/app/session", { tenantId, email, password }, headers);
}

export function cookieFrom(res: Response): string {
  const match = /__Host-trueup_app=(ta_[0-9A-Za-z]{40})/.exec(res.headers.get("set-cookie") ?? "");
  if (!match?.[1]) throw new Error(`no session cookie in ${res.headers.get("set-cookie")}`);
  return `__Host-trueup_app=${match[1]}`;
}

export async function session(tenantId: string, email: string): Promise<Session> {
  const res = await signIn(tenantId, email);
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  const cookie = cookieFrom(res);
  const { csrfToken } = (await res.json()) as { csrfToken: string };
  const fetch = (path: string, init: RequestInit & { csrf?: boolean | string } = {}) => {
    const { csrf = true, ...rest } = init;
    const headers: Record<string, string> = { ...(rest.headers as Record<string, string> | undefined), cookie };
    if (csrf !== false) headers["x-csrf-token"] = typeof csrf === "string" ? csrf : csrfToken;
    return call(path, { ...rest, headers });
  };
  const json = (method: string, path: string, body?: unknown) =>
    fetch(path, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
  return { cookie, csrf: csrfToken, fetch, json };
}
