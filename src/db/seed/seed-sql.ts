/**
 * Turns seed rows into idempotent SQL upserts (`INSERT … ON CONFLICT(id) DO
 * UPDATE`), so running the seed again refreshes the demo instead of
 * duplicating it. Used by `scripts/seed-demo.ts` (wrangler d1 execute) and by
 * the integration tests (D1 batch), so both seed exactly the same data.
 */
export type SqlValue = string | number | boolean | null;
export type SeedRow = Record<string, SqlValue>;

export interface SeedTable {
  table: string;
  rows: SeedRow[];
}

export function quoteSql(value: SqlValue): string {
  if (value === null) return "NULL";
  if (typeof value === "boolean") return value ? "1" : "0";
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new Error(`seed value ${value} is not a safe integer`);
    return String(value);
  }
  return `'${value.replaceAll("'", "''")}'`;
}

export function upsertStatement(table: string, row: SeedRow): string {
  const columns = Object.keys(row);
  const values = columns.map((column) => quoteSql(row[column] ?? null));
  const updates = columns.filter((column) => column !== "id").map((column) => `${column} = excluded.${column}`);
  const onConflict = updates.length > 0 ? `DO UPDATE SET ${updates.join(", ")}` : "DO NOTHING";
  return `INSERT INTO ${table} (${columns.join(", ")}) VALUES (${values.join(", ")}) ON CONFLICT(id) ${onConflict};`;
}

/** Statements in foreign-key order (tables are given parents first). */
export function seedStatements(tables: readonly SeedTable[]): string[] {
  return tables.flatMap(({ table, rows }) => rows.map((row) => upsertStatement(table, row)));
}
