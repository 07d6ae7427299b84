/**
 * A CSV body that is never built whole: a pull-based ReadableStream that asks
 * for the next page of rows only when the reader wants more bytes, so an
 * export's memory is one page however many rows the tenant has.
 */
import { BOM, csvHeader, csvLine, type Column } from "../../core/workspace/csv.ts";

export interface Page<T, C> {
  rows: readonly T[];
  next: C | null;
}

export function streamCsv<T, C>(columns: readonly Column<T>[], readPage: (cursor: C | null) => Promise<Page<T, C>>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: C | null = null;
  let started = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (!started) {
          started = true;
          controller.enqueue(encoder.encode(BOM + csvHeader(columns)));
          return;
        }
        const page = await readPage(cursor);
        if (page.rows.length > 0) controller.enqueue(encoder.encode(page.rows.map((row) => csvLine(columns, row)).join("")));
        if (page.next === null) controller.close();
        else cursor = page.next;
      },
    },
    { highWaterMark: 0 },
  );
}
