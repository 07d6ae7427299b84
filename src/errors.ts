/**
 * The one error shape of the HTTP API:
 * `{"error":{"code","message","requestId"}}` with a closed code list.
 * Routes and services throw `AppError`; `handleError` (app.onError) turns
 * AppError, Hono's HTTPException and anything unknown into that shape. Only
 * 5xx are logged at error level; their message never leaks internals.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { z } from "zod";
import type { AppEnv } from "./env.ts";

export const ERROR_CODES = [
  "bad_request",
  "validation_failed",
  "unauthorized",
  "forbidden",
  "not_found",
  "method_not_allowed",
  "conflict",
  "payload_too_large",
  "unsupported_media_type",
  "rate_limited",
  "internal_error",
  "service_unavailable",
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export function statusForCode(code: ErrorCode): ContentfulStatusCode {
  switch (code) {
    case "bad_request":
    case "validation_failed":
      return 400;
    case "unauthorized":
      return 401;
    case "forbidden":
      return 403;
    case "not_found":
      return 404;
    case "method_not_allowed":
      return 405;
    case "conflict":
      return 409;
    case "payload_too_large":
      return 413;
    case "unsupported_media_type":
      return 415;
    case "rate_limited":
      return 429;
    case "internal_error":
      return 500;
    case "service_unavailable":
      return 503;
  }
}

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly headers: Record<string, string>;
  constructor(code: ErrorCode, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.code = code;
    this.headers = headers;
  }
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; requestId: string };
}

export function errorResponse(c: Context<AppEnv>, code: ErrorCode, message: string, headers: Record<string, string> = {}) {
  const body: ErrorBody = { error: { code, message, requestId: c.get("requestId") ?? "unknown" } };
  return c.json(body, statusForCode(code), headers);
}

/** Formats zod issues as "body.lines[2].quantity: expected a decimal" — the failing path first. */
export function describeZodError(error: z.ZodError, root: string): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => `${formatPath(root, issue.path)}: ${issue.message}`)
    .join("; ");
}

function formatPath(root: string, path: readonly PropertyKey[]): string {
  let out = root;
  for (const part of path) {
    out += typeof part === "number" ? `[${part}]` : `.${String(part)}`;
  }
  return out;
}

function codeForHttpStatus(status: number): ErrorCode {
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 404) return "not_found";
  if (status === 405) return "method_not_allowed";
  if (status === 409) return "conflict";
  if (status === 413) return "payload_too_large";
  if (status === 415) return "unsupported_media_type";
  if (status === 429) return "rate_limited";
  if (status >= 500) return "internal_error";
  return "bad_request";
}

export function handleError(error: Error, c: Context<AppEnv>) {
  if (error instanceof AppError) {
    if (statusForCode(error.code) >= 500) console.error(c.get("requestId"), error);
    return errorResponse(c, error.code, error.message, error.headers);
  }
  if (error instanceof HTTPException) {
    const code = codeForHttpStatus(error.status);
    if (error.status >= 500) console.error(c.get("requestId"), error);
    return errorResponse(c, code, error.status >= 500 ? "Internal error" : error.message || code);
  }
  console.error(c.get("requestId"), error);
  return errorResponse(c, "internal_error", "Internal error");
}
