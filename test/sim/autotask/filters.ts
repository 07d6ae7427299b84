/**
 * Autotask query filters (psa-and-vendor-apis.md §3.2): `{op, field, value}`
 * with eq, noteq, gt, gte, lt, lte, beginsWith, endsWith, contains, exist,
 * notExist, in, notIn, and `{op: "and"|"or", items: [...]}` groups; the top
 * level is an AND. Field names are case-insensitive; ISO datetimes compare
 * as instants.
 */
export interface Filter {
  op: string;
  field?: string;
  value?: unknown;
  items?: Filter[];
}

function get(record: Record<string, unknown>, field: string): unknown {
  const key = Object.keys(record).find((k) => k.toLowerCase() === field.toLowerCase());
  return key === undefined ? undefined : record[key];
}

function norm(v: unknown): unknown {
  if (typeof v === "string" && /^\d{4}-\d{2}-\d{2}(T|$)/.test(v)) return Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v);
  if (typeof v === "string") return v.toLowerCase();
  return v;
}

export function evaluate(filter: Filter, record: Record<string, unknown>): boolean {
  const op = filter.op.toLowerCase();
  if (op === "and") return (filter.items ?? []).every((f) => evaluate(f, record));
  if (op === "or") return (filter.items ?? []).some((f) => evaluate(f, record));
  const actual = get(record, filter.field ?? "");
  const a = norm(actual);
  const b = norm(filter.value);
  switch (op) {
    case "eq":
      return a === b;
    case "noteq":
      return a !== b;
    case "gt":
      return (a as number) > (b as number);
    case "gte":
      return (a as number) >= (b as number);
    case "lt":
      return (a as number) < (b as number);
    case "lte":
      return (a as number) <= (b as number);
    case "beginswith":
      return String(a).startsWith(String(b));
    case "endswith":
      return String(a).endsWith(String(b));
    case "contains":
      return String(a).includes(String(b));
    case "exist":
      return actual !== null && actual !== undefined;
    case "notexist":
      return actual === null || actual === undefined;
    case "in":
      return Array.isArray(filter.value) && filter.value.map(norm).includes(a);
    case "notin":
      return Array.isArray(filter.value) && !filter.value.map(norm).includes(a);
    default:
      throw new Error(`unknown filter op ${filter.op}`);
  }
}

/** Autotask escapes & < > ' " ` + and non-ASCII inside JSON strings as \uXXXX (§3.4). */
export function autotaskJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\\"/g, "\\u0022")
    .replace(/[&<>'`+]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`)
    .replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}`);
}
