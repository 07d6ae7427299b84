/**
 * Reads a webhook's exact request bytes with a size cap: signatures are
 * computed over these bytes, so nothing may parse or re-encode them first.
 */
import type { Context } from "hono";
import type { Bytes } from "../../core/psa/signatures.ts";
import type { AppEnv } from "../../env.ts";
import { AppError } from "../../errors.ts";

/** PSA notifications are small; ConnectWise embeds the record as a JSON string. */
export const MAX_WEBHOOK_BYTES = 256 * 1024;

export async function readRawBody(c: Context<AppEnv>, max = MAX_WEBHOOK_BYTES): Promise<Bytes> {
  const declared = Number(c.req.header("content-length") ?? "0");
  if (declared > max) throw new AppError("payload_too_large", `body: larger than ${max} bytes`);
  const body = new Uint8Array(await c.req.arrayBuffer()) as Bytes;
  if (body.byteLength > max) throw new AppError("payload_too_large", `body: larger than ${max} bytes`);
  return body;
}
