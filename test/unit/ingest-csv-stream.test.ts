import { Buffer } from "node:buffer";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { CsvFormatError, readCsvRecords, sniffDelimiter } from "../../src/services/ingest/csv-stream.ts";

function streamOf(bytes: Uint8Array, chunk: number): ReadableStream<Uint8Array> {
  let at = 0;
  return new ReadableStream({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.slice(at, at + chunk));
      at += chunk;
    },
  });
}

async function readAll(bytes: Uint8Array, chunk: number, delimiter?: string) {
  const stats = { bytesRead: 0 };
  const records: Array<[number, string[]]> = [];
  for await (const batch of readCsvRecords(streamOf(bytes, chunk), stats, delimiter)) {
    batch.records.forEach((r, i) => records.push([batch.lines[i] as number, r]));
  }
  return { records, stats };
}

const CSV = '\uFEFFId,Name,Qty\r\n1,"Contoso, Ltd.",3\r\n\r\n2,"Multi\r\nline ""quoted""",4\r\n3,Ünïcødé 🎉,5';

describe("readCsvRecords", () => {
  it.each([1, 2, 3, 7, 1024])("parses RFC 4180 with BOM, CRLF, quoted commas/newlines and blank lines in %i-byte chunks", async (chunk) => {
    const { records, stats } = await readAll(new TextEncoder().encode(CSV), chunk);
    expect(records).toEqual([
      [1, ["Id", "Name", "Qty"]],
      [2, ["1", "Contoso, Ltd.", "3"]],
      [4, ["2", 'Multi\r\nline "quoted"', "4"]],
      [6, ["3", "Ünïcødé 🎉", "5"]],
    ]);
    expect(stats.bytesRead).toBe(new TextEncoder().encode(CSV).length);
  });

  it.each([1, 3, 5])("reads Excel 'Unicode text' (UTF-16LE + BOM, tabs) in %i-byte chunks, surrogate pairs included", async (chunk) => {
    const bytes = Buffer.from(CSV.replace(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/g, "\t"), "utf16le");
    const { records } = await readAll(bytes, chunk);
    expect(records.map((r) => r[1])).toEqual([["Id", "Name", "Qty"], ["1", "Contoso, Ltd.", "3"], ["2", 'Multi\r\nline "quoted"', "4"], ["3", "Ünïcødé 🎉", "5"]]);
  });

  it("reads multi-member gzip", async () => {
    const bytes = new Uint8Array(Buffer.concat([gzipSync("a,b\r\n1,2\r\n"), gzipSync("3,4\r\n")]));
    const { records, stats } = await readAll(bytes, 5);
    expect(records.map((r) => r[1])).toEqual([["a", "b"], ["1", "2"], ["3", "4"]]);
    expect(stats.bytesRead).toBe(bytes.length);
  });

  it("reports an unclosed quote as a format error naming its line", async () => {
    const error = await readAll(new TextEncoder().encode('a,b\n1,"open\n'), 4).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CsvFormatError);
    expect((error as Error).message).toMatch(/^record starting on line 2: CSV Quote Not Closed/);
  });

  it("reports a corrupt gzip file", async () => {
    const error = await readAll(new Uint8Array([0x1f, 0x8b, 8, 0, 1, 2, 3]), 10).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CsvFormatError);
    expect((error as Error).message).toContain("not a valid gzip file");
  });
});

describe("sniffDelimiter", () => {
  it.each([
    ["a,b,c\n1,2,3", ","],
    ["a;b;c\n1;2;3", ";"],
    ["a\tb\tc", "\t"],
    ["single", ","],
  ])("%j → %j", (text, expected) => {
    expect(sniffDelimiter(new TextEncoder().encode(text))).toBe(expected);
  });
});
