/**
 * The pod's API client: same-origin JSON calls with the session's bearer token
 * (kept in memory only). A 401 renews the session once — the ConnectWise pod
 * re-verifies the member, the standalone view uses its refresh cookie — and
 * retries. Errors carry the API's `{error:{code,message}}`.
 */

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export interface TokenSource {
  current(): string | null;
  /** A fresh token, or a rejection when the user must sign in again. */
  renew(): Promise<string>;
}

export interface Api {
  get<T>(path: string): Promise<T>;
  send<T>(method: "POST" | "PUT" | "DELETE", path: string, body?: unknown, headers?: Record<string, string>): Promise<T>;
}

export async function readError(res: Response): Promise<ApiError> {
  let code = "http_error";
  let message = `HTTP ${res.status}`;
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string } };
    code = body.error?.code ?? code;
    message = body.error?.message ?? message;
  } catch {
    // not our error shape; keep the status
  }
  return new ApiError(res.status, code, message);
}

/** JSON fetch without a token (sign-in endpoints). */
export async function postJson<T>(path: string, body: unknown): Promise<T> {
  const res = await fetch(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), credentials: "same-origin" });
  if (!res.ok) throw await readError(res);
  return (await res.json()) as T;
}

export function createApi(tokens: TokenSource): Api {
  async function call<T>(method: string, path: string, body: unknown, headers: Record<string, string>, retried: boolean): Promise<T> {
    const token = tokens.current() ?? (await tokens.renew());
    const init: RequestInit = { method, headers: { ...headers, authorization: `Bearer ${token}` } };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      (init.headers as Record<string, string>)["content-type"] = "application/json";
    }
    const res = await fetch(path, init);
    if (res.status === 401 && !retried) {
      await tokens.renew();
      return call(method, path, body, headers, true);
    }
    if (!res.ok) throw await readError(res);
    return (res.status === 204 ? undefined : await res.json()) as T;
  }
  return {
    get: (path) => call("GET", path, undefined, {}, false),
    send: (method, path, body, headers = {}) => call(method, path, body, headers, false),
  };
}
