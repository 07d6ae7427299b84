/**
 * Streams an uploaded file into CSV records without ever holding the file:
 * bytes → (gunzip, when the first bytes are the gzip magic; node:zlib because
 * it reads multi-member .csv.gz, which DecompressionStream rejects) → csv-parse
 * fed chunk by chunk → batches of records with the file line each starts on.
 *
 * Encodings as Excel writes them: a UTF-8 BOM is dropped; a UTF-16LE BOM
 * (Excel's "Unicode text") switches csv-parse to utf16le and the delimiter to
 * tab. Otherwise the delimiter is sniffed from the header line (tab, ";" or
 * ","), unless the profile fixes it. Quoted commas and newlines and CRLF are
 * csv-parse's RFC 4180 handling. csv-parse's core parser is used through its
 * Parser's `api` (the same transform its stream and sync wrappers drive), so a
 * chunk is parsed synchronously with no per-record promise.
 */
import { Buffer } from "node:buffer";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { Parser } from "csv-parse";

/** The upload is not a readable CSV (unclosed quote, corrupt gzip…): a client error, reported with its line. */
export class CsvFormatError extends Error {}

export interface CsvBatch {
  records: string[][];
  /** File line on which each record starts (1-based; the header is line 1). */
  lines: number[];
}

export interface StreamStats {
  bytesRead: number;
}

interface ParserApi {
  parse(buf: Buffer | undefined, end: boolean, push: (record: string[]) => void, close: () => void): Error | undefined;
  info: { lines: number; empty_lines: number };
}

/** Bytes gathered before sniffing the delimiter: a Partner Center header line is under 1 KB. */
const SNIFF_BYTES = 16 * 1024;

async function* countBytes(body: ReadableStream<Uint8Array>, stats: StreamStats): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    stats.bytesRead += value.byteLength;
    yield value;
  }
}

/** Re-chunks the start of a stream so the first chunk holds at least `min` bytes (or everything, if shorter). */
async function* withHead(chunks: AsyncGenerator<Uint8Array>, min: number): AsyncGenerator<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  while (size < min) {
    const next = await chunks.next();
    if (next.done) break;
    parts.push(next.value);
    size += next.value.byteLength;
  }
  if (size > 0) yield parts.length === 1 ? (parts[0] as Uint8Array) : new Uint8Array(Buffer.concat(parts));
  yield* chunks;
}

async function* gunzipIfNeeded(source: AsyncGenerator<Uint8Array>): AsyncGenerator<Uint8Array> {
  const chunks = withHead(source, 2);
  const first = await chunks.next();
  if (first.done) return;
  const head = first.value;
  async function* all(): AsyncGenerator<Uint8Array> {
    yield head;
    yield* chunks;
  }
  if (head[0] !== 0x1f || head[1] !== 0x8b) {
    yield* all();
    return;
  }
  const gunzip = createGunzip();
  const readable = Readable.from(all());
  readable.on("error", (error) => gunzip.destroy(error));
  readable.pipe(gunzip);
  try {
    for await (const chunk of gunzip) yield chunk as Uint8Array;
  } catch (error) {
    throw new CsvFormatError(`body: not a valid gzip file (${error instanceof Error ? error.message : String(error)})`);
  }
}

/** Tab, semicolon or comma: whichever occurs most in the header line. */
export function sniffDelimiter(head: Uint8Array): string {
  const utf16 = head[0] === 0xff && head[1] === 0xfe;
  if (utf16) return "\t";
  const text = new TextDecoder().decode(head.subarray(0, Math.min(head.length, SNIFF_BYTES)));
  const firstLine = text.split(/\r?\n/, 1)[0] ?? "";
  const count = (ch: string) => firstLine.split(ch).length - 1;
  const candidates: Array<[string, number]> = [["\t", count("\t")], [";", count(";")], [",", count(",")]];
  candidates.sort((a, b) => b[1] - a[1]);
  const best = candidates[0] as [string, number];
  return best[1] > 0 ? best[0] : ",";
}

/**
 * Line bookkeeping. csv-parse's `info.lines` at push time is the line a
 * record ends on, but it counts a CRLF inside a quoted field as two lines; so
 * a record's start is derived from the previous one's start plus the line
 * breaks really inside it (counted only when csv-parse saw it span lines)
 * plus the blank lines skipped before it.
 */
class LineTracker {
  private next = 1;
  private seenLines = 0;
  private seenEmpty = 0;

  /** Where the record being parsed now starts (for errors in it), blank lines aside. */
  pending(): number {
    return this.next;
  }

  startOf(record: readonly string[], info: ParserApi["info"]): number {
    const skipped = info.empty_lines - this.seenEmpty;
    const start = this.next + skipped;
    const spanned = info.lines - this.seenLines - skipped > 1;
    this.next = start + 1 + (spanned ? countLineBreaks(record) : 0);
    this.seenLines = info.lines;
    this.seenEmpty = info.empty_lines;
    return start;
  }
}

function countLineBreaks(record: readonly string[]): number {
  let breaks = 0;
  for (const field of record) breaks += field.match(/\r\n|\r|\n/g)?.length ?? 0;
  return breaks;
}

export async function* readCsvRecords(body: ReadableStream<Uint8Array>, stats: StreamStats, delimiter?: string): AsyncGenerator<CsvBatch> {
  const chunks = withHead(gunzipIfNeeded(countBytes(body, stats)), SNIFF_BYTES);
  const lines = new LineTracker();
  let api: ParserApi | null = null;
  let batch: CsvBatch = { records: [], lines: [] };
  const push = (record: string[]) => {
    batch.records.push(record);
    batch.lines.push(lines.startOf(record, (api as ParserApi).info));
  };
  const run = (buf: Buffer | undefined, end: boolean) => {
    const error = (api as ParserApi).parse(buf, end, push, () => undefined);
    if (error) throw new CsvFormatError(`record starting on line ${lines.pending()}: CSV ${error.message}`);
  };
  for await (const chunk of chunks) {
    api ??= createParser(delimiter ?? sniffDelimiter(chunk));
    run(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength), false);
    if (batch.records.length > 0) {
      yield batch;
      batch = { records: [], lines: [] };
    }
  }
  if (!api) return;
  run(undefined, true);
  if (batch.records.length > 0) yield batch;
}

function createParser(delimiter: string): ParserApi {
  const parser = new Parser({ bom: true, delimiter, relax_column_count: true, relax_quotes: true, skip_empty_lines: true });
  return (parser as unknown as { api: ParserApi }).api;
}
