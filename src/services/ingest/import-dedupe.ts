/**
 * Recognising a CSV re-upload (issue 10 #6): the file's SHA-256 is computed
 * while it streams (a tee into Workers' DigestStream, so the file is still
 * never buffered), and combined with the import's canonical options — target
 * integration, profile, saved profile, period, grouping, date order, arrears —
 * into a dedupe key. One live import per tenant and key (a partial UNIQUE
 * index): the same bytes with the same options answer with the first import.
 */
import type { ImportQuery } from "./import-input.ts";
import { sha256Hex } from "../secrets.ts";

export interface HashedBody {
  body: ReadableStream<Uint8Array>;
  /** Resolves once the whole body has been read through `body`. */
  contentHash(): Promise<string>;
}

export function hashWhileStreaming(body: ReadableStream<Uint8Array>): HashedBody {
  const [forRead, forHash] = body.tee();
  const digest = new crypto.DigestStream("SHA-256");
  const piped = forHash.pipeTo(digest);
  // Awaited by contentHash(); an import that fails before then must not leave an unhandled rejection.
  piped.catch(() => undefined);
  return {
    body: forRead,
    async contentHash() {
      await piped;
      return [...new Uint8Array(await digest.digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
    },
  };
}

/** SHA-256 of the content hash and the options that change what the file means, in a fixed key order. */
export function dedupeKeyOf(contentHash: string, integrationId: string, query: ImportQuery): Promise<string> {
  const options = [query.profile, query.profileId ?? null, query.period ?? null, query.groupBy ?? null, query.measure ?? null, query.dateOrder ?? null, query.arrears ?? null];
  return sha256Hex(JSON.stringify([contentHash, integrationId, ...options]));
}
