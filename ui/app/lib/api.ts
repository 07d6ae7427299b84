/**
 * The workspace's API client: same-origin JSON with the session cookie
 * (`__Host-trueup_app`, HttpOnly — the page never sees it) and, on every
 * state-changing request, the session's CSRF token in `X-CSRF-Token` (kept in
 * memory only). A 401 means the session ended: the shell shows the sign-in.
 */
import { ApiError, readError } from "../../state/api.ts";

export { ApiError };

let csrfToken = "";
let onSignedOut: () => void = () => undefined;

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

export function onUnauthorized(handler: () => void): void {
  onSignedOut = handler;
}

type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export async function request<T>(method: Method, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<T> {
  const init: RequestInit = { method, credentials: "same-origin", headers: { ...headers } };
  const h = init.headers as Record<string, string>;
  if (method !== "GET") h["x-csrf-token"] = csrfToken;
  if (body !== undefined) {
    h["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  if (res.status === 401 && !path.startsWith("/api/app/session")) onSignedOut();
  if (!res.ok) throw await readError(res);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

const prefetched = new Map<string, { at: number; answer: Promise<unknown> }>();
const PREFETCH_FRESH_MS = 10_000;

/** Starts a GET now; the first `get` of the same path within 10 s takes its answer (once; a failed one is asked again). */
export function prefetch(path: string): void {
  const answer = fetch(path, { credentials: "same-origin" }).then(async (res) => {
    if (!res.ok) throw await readError(res);
    return (await res.json()) as unknown;
  });
  answer.catch(() => undefined); // not signed in yet, say: the page's own request reports errors
  prefetched.set(path, { at: Date.now(), answer });
}

export function get<T>(path: string): Promise<T> {
  const early = prefetched.get(path);
  prefetched.delete(path);
  if (early && Date.now() - early.at < PREFETCH_FRESH_MS) return early.answer.catch(() => request<T>("GET", path)) as Promise<T>;
  return request<T>("GET", path);
}

export const post = <T>(path: string, body?: unknown, headers?: Record<string, string>) => request<T>("POST", path, body ?? {}, headers);
export const put = <T>(path: string, body: unknown) => request<T>("PUT", path, body);
export const patch = <T>(path: string, body: unknown) => request<T>("PATCH", path, body);
export const del = <T>(path: string) => request<T>("DELETE", path);

/** A query string from the set values (empty strings and undefined left out). */
export function query(params: Record<string, string | number | undefined | null>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : "";
}

/** The message to show for a failed call. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  if (error instanceof Error) return error.message === "Failed to fetch" ? "Trueup cannot be reached. Check your connection and try again." : error.message;
  return String(error);
}

/**
 * Uploads a file with XMLHttpRequest (fetch has no upload progress):
 * `onProgress(sent, total)` while sending; resolves with the JSON answer or
 * rejects with the API's error.
 */
export function upload<T>(path: string, file: Blob, contentType: string, onProgress: (sent: number, total: number) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", path);
    xhr.withCredentials = true;
    xhr.setRequestHeader("content-type", contentType);
    xhr.setRequestHeader("x-csrf-token", csrfToken);
    xhr.upload.onprogress = (e) => onProgress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onerror = () => reject(new Error("The upload failed: Trueup cannot be reached."));
    xhr.onload = () => {
      let body: { error?: { code?: string; message?: string } } | undefined;
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        body = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as T);
      else {
        if (xhr.status === 401) onSignedOut();
        reject(new ApiError(xhr.status, body?.error?.code ?? "http_error", body?.error?.message ?? `HTTP ${xhr.status}`));
      }
    };
    xhr.send(file);
  });
}
