/**
 * drizzle over a D1 binding; repositories take this `Db` as first argument.
 * Which binding a tenant's `Db` comes from is decided in tenant-db.ts only.
 *
 * Optional instrumentation (non-production, see middleware/tenant-db.ts): a
 * meter that sums D1 `meta.rows_read` and `meta.rows_written` over every
 * statement of a request. It wraps the binding, not drizzle, because drizzle
 * reads selects through `raw()`, and D1's `raw()` returns rows without `meta`
 * (workerd d1-api: the meta only goes to the tracing span). A metered `raw()`
 * of a SELECT therefore runs the statement once more through `run()`, whose
 * result has the meta — which is why metering is opt-in per request and never
 * on in production. Writes with RETURNING also read through `raw()`; they are
 * not run twice, so they go uncounted.
 */
import { drizzle } from "drizzle-orm/d1";
import * as schema from "./schema.ts";

export interface D1Meter {
  rowsRead: number;
  rowsWritten: number;
}

function buildDb(d1: D1Database) {
  return drizzle(d1, { schema });
}

export type Db = ReturnType<typeof buildDb>;

/**
 * drizzle() derives the relational config from the whole schema on every
 * call (a CPU profile of the webhooks bench showed it in every request: the
 * home db per request, one per database for each credential look-up). A
 * drizzle instance holds nothing per request, so the isolate keeps one per
 * binding; a metered db wraps the binding per request and is built fresh.
 */
const unmetered = new WeakMap<D1Database, Db>();

export function createDb(d1: D1Database, meter?: D1Meter): Db {
  if (meter) return buildDb(meterD1(d1, meter));
  let db = unmetered.get(d1);
  if (!db) {
    db = buildDb(d1);
    unmetered.set(d1, db);
  }
  return db;
}

type Meta = { meta?: { rows_read?: number; rows_written?: number } } | null | undefined;

function count(meter: D1Meter, result: Meta): void {
  meter.rowsRead += result?.meta?.rows_read ?? 0;
  meter.rowsWritten += result?.meta?.rows_written ?? 0;
}

const SELECT = /^\s*(select|with|values)\b/i;

class MeteredStatement {
  readonly inner: D1PreparedStatement;
  private readonly sql: string;
  private readonly meter: D1Meter;

  constructor(inner: D1PreparedStatement, sql: string, meter: D1Meter) {
    this.inner = inner;
    this.sql = sql;
    this.meter = meter;
  }

  bind(...values: unknown[]): MeteredStatement {
    return new MeteredStatement(this.inner.bind(...values), this.sql, this.meter);
  }

  async run<T>(): Promise<D1Result<T>> {
    const result = await this.inner.run<T>();
    count(this.meter, result);
    return result;
  }

  async all<T>(): Promise<D1Result<T>> {
    const result = await this.inner.all<T>();
    count(this.meter, result);
    return result;
  }

  // D1's first() is all() then the first row (or one column of it).
  async first<T>(colName?: string): Promise<T | null> {
    const { results } = await this.all<Record<string, unknown>>();
    const row = results[0];
    if (!row) return null;
    return (colName === undefined ? row : (row[colName] ?? null)) as T | null;
  }

  async raw<T>(options?: { columnNames?: boolean }): Promise<T[]> {
    // Only a read may run twice; writes with RETURNING come here too and stay uncounted.
    if (SELECT.test(this.sql)) count(this.meter, await this.inner.run());
    return (options?.columnNames ? this.inner.raw<T>({ columnNames: true }) : this.inner.raw<T>()) as Promise<T[]>;
  }
}

function meterD1(d1: D1Database, meter: D1Meter): D1Database {
  const metered = {
    prepare: (sql: string) => new MeteredStatement(d1.prepare(sql), sql, meter),
    batch: async <T>(statements: Array<D1PreparedStatement | MeteredStatement>) => {
      const results = await d1.batch<T>(statements.map((s) => (s instanceof MeteredStatement ? s.inner : s)));
      for (const result of results) count(meter, result);
      return results;
    },
    exec: (sql: string) => d1.exec(sql),
    dump: () => (d1 as unknown as { dump(): Promise<ArrayBuffer> }).dump(),
    withSession: (constraint?: string) => d1.withSession(constraint),
  };
  return metered as unknown as D1Database;
}
