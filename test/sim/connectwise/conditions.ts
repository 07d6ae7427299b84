/**
 * A small evaluator for ConnectWise `conditions` (psa-and-vendor-apis.md
 * §2.2): `field op value` joined by AND/OR with parentheses; strings in
 * double quotes, numbers bare, True/False, null, datetimes in [brackets];
 * operators = != < <= > >= like contains in not in; `a/b` paths, and
 * `lastUpdated` reads `_info/lastUpdated`. Unknown syntax throws (→ 400).
 */
type Value = string | number | boolean | null | { date: number } | Value[];
type Node = { and: Node[] } | { or: Node[] } | { field: string; op: string; value: Value };

const TOKEN = /\s*(\(|\)|,|!=|<=|>=|=|<|>|"(?:[^"\\]|\\.)*"|\[[^\]]*\]|[A-Za-z_][\w/.]*|-?\d+(?:\.\d+)?)/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    if (/^\s*$/.test(text.slice(TOKEN.lastIndex))) break;
    const match = TOKEN.exec(text);
    if (!match?.[1]) throw new Error(`conditions: cannot parse near "${text.slice(TOKEN.lastIndex, TOKEN.lastIndex + 20)}"`);
    tokens.push(match[1]);
  }
  return tokens;
}

function parseValue(token: string | undefined): Value {
  if (token === undefined) throw new Error("conditions: missing value");
  if (token.startsWith('"')) return token.slice(1, -1).replace(/\\(.)/g, "$1");
  if (token.startsWith("[")) return { date: Date.parse(token.slice(1, -1)) };
  if (/^true$/i.test(token)) return true;
  if (/^false$/i.test(token)) return false;
  if (/^null$/i.test(token)) return null;
  if (/^-?\d/.test(token)) return Number(token);
  throw new Error(`conditions: bad value ${token}`);
}

export function parseConditions(text: string): Node {
  const tokens = tokenize(text);
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++];
  function expr(): Node {
    const parts = [term()];
    while (peek()?.toLowerCase() === "or") (next(), parts.push(term()));
    return parts.length === 1 ? (parts[0] as Node) : { or: parts };
  }
  function term(): Node {
    const parts = [factor()];
    while (peek()?.toLowerCase() === "and") (next(), parts.push(factor()));
    return parts.length === 1 ? (parts[0] as Node) : { and: parts };
  }
  function factor(): Node {
    if (peek() === "(") {
      next();
      const inner = expr();
      if (next() !== ")") throw new Error("conditions: missing )");
      return inner;
    }
    const field = next() ?? "";
    let op = (next() ?? "").toLowerCase();
    if (op === "not") op = `not ${(next() ?? "").toLowerCase()}`;
    if (op === "in" || op === "not in") {
      if (next() !== "(") throw new Error("conditions: in needs (");
      const list: Value[] = [];
      while (peek() !== ")") {
        list.push(parseValue(next()));
        if (peek() === ",") next();
      }
      next();
      return { field, op, value: list };
    }
    if (!["=", "!=", "<", "<=", ">", ">=", "like", "contains"].includes(op)) throw new Error(`conditions: unknown operator ${op}`);
    return { field, op, value: parseValue(next()) };
  }
  const node = expr();
  if (i !== tokens.length) throw new Error(`conditions: unexpected ${tokens[i]}`);
  return node;
}

function resolve(record: Record<string, unknown>, field: string): unknown {
  const path = field === "lastUpdated" ? ["_info", "lastUpdated"] : field.split("/");
  let value: unknown = record;
  for (const part of path) value = value && typeof value === "object" ? (value as Record<string, unknown>)[part] : undefined;
  return value;
}

function compare(actual: unknown, op: string, expected: Value): boolean {
  if (expected === null) return op === "=" ? actual == null : op === "!=" ? actual != null : false;
  if (Array.isArray(expected)) {
    const found = expected.some((v) => compare(actual, "=", v));
    return op === "in" ? found : !found;
  }
  if (typeof expected === "object") {
    const a = typeof actual === "string" ? Date.parse(actual) : Number.NaN;
    return Number.isNaN(a) ? false : ordered(a, op, expected.date);
  }
  if (typeof expected === "string") {
    const a = String(actual ?? "").toLowerCase();
    const e = expected.toLowerCase();
    if (op === "like") return new RegExp(`^${e.replace(/[.+?^${}()|\\]/g, "\\$&").replace(/\*/g, ".*")}$`).test(a);
    if (op === "contains") return a.includes(e);
    return ordered(a, op, e);
  }
  return ordered(actual as number | boolean, op, expected);
}

function ordered<T>(a: T, op: string, b: T): boolean {
  switch (op) {
    case "=":
      return a === b;
    case "!=":
      return a !== b;
    case "<":
      return a < b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    case ">=":
      return a >= b;
    default:
      return false;
  }
}

export function matches(node: Node, record: Record<string, unknown>): boolean {
  if ("and" in node) return node.and.every((n) => matches(n, record));
  if ("or" in node) return node.or.some((n) => matches(n, record));
  return compare(resolve(record, node.field), node.op, node.value);
}

/** The fields a parsed condition names (their first path segment). */
export function conditionFields(node: Node): string[] {
  if ("and" in node) return node.and.flatMap(conditionFields);
  if ("or" in node) return node.or.flatMap(conditionFields);
  return [node.field.split("/")[0] ?? node.field];
}
