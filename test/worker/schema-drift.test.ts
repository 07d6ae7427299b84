import { env } from "cloudflare:workers";
import { getTableConfig, SQLiteTable } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import * as schema from "../../src/db/schema.ts";

// The migrations are hand-written SQL; src/db/schema.ts is their typed mirror.
// This fails when a table, column, NOT NULL or index differs between the two.
const tables: SQLiteTable[] = Object.values(schema as Record<string, unknown>).filter(
  (value): value is SQLiteTable => value instanceof SQLiteTable,
);

interface ColumnInfo {
  name: string;
  notnull: number;
}

describe("schema drift", () => {
  it("covers every migrated table", async () => {
    const migrated = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations'",
    ).all<{ name: string }>();
    expect(tables.map((t) => getTableConfig(t).name).sort()).toEqual(migrated.results.map((r) => r.name).sort());
  });

  it.each(tables.map((t) => [getTableConfig(t).name, t] as const))("%s matches the migrations", async (name, table) => {
    const config = getTableConfig(table);
    const info = await env.DB.prepare(`PRAGMA table_info(${name})`).all<ColumnInfo>();
    const actual = Object.fromEntries(info.results.map((c) => [c.name, c.notnull === 1]));
    const expected = Object.fromEntries(config.columns.map((c) => [c.name, c.notNull || c.primary]));
    expect(actual).toEqual(expected);
    const indexes = await env.DB.prepare(`PRAGMA index_list(${name})`).all<{ name: string; unique: number; origin: string }>();
    const actualIndexes = indexes.results.filter((i) => i.origin === "c").map((i) => `${i.name}:${i.unique}`).sort();
    const expectedIndexes = config.indexes.map((i) => `${i.config.name}:${i.config.unique ? 1 : 0}`).sort();
    expect(actualIndexes).toEqual(expectedIndexes);
  });
});
