/**
 * Deterministic orderings for the engine: id tie-breaks ("smallest id") and
 * the output order of rows. Ids are opaque strings but PSA ids are usually
 * numeric, so all-digit ids compare as numbers ("9" < "10"); anything else
 * compares by code point. No locale is involved, so every host agrees.
 * These run inside sorts of ~20k rows, so they avoid allocating.
 */

export function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  if (isAllDigits(a) && isAllDigits(b)) {
    const order = compareDigitStrings(a, b);
    if (order !== 0) return order;
  }
  return a < b ? -1 : 1;
}

function isAllDigits(text: string): boolean {
  if (text.length === 0) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}

/** Numeric order of two digit strings of any length, ignoring leading zeros. */
function compareDigitStrings(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length - 1 && a.charCodeAt(i) === 48) i++;
  while (j < b.length - 1 && b.charCodeAt(j) === 48) j++;
  const lengthA = a.length - i;
  const lengthB = b.length - j;
  if (lengthA !== lengthB) return lengthA < lengthB ? -1 : 1;
  for (; i < a.length; i++, j++) {
    const diff = a.charCodeAt(i) - b.charCodeAt(j);
    if (diff !== 0) return diff < 0 ? -1 : 1;
  }
  return 0;
}

/** Code-point order (for keys and pre-folded sort keys). */
export function compareStrings(a: string, b: string): number {
  return a === b ? 0 : a < b ? -1 : 1;
}

/**
 * Sort key for names: case-folded first (what a person expects), then the
 * exact text so names differing only in case still order stably. Nulls sort
 * after every value.
 */
export function nameSortKey(name: string | null): string {
  return name === null ? "\uffff" : `${name.toLowerCase()}\u0000${name}`;
}

/** Mapped rows (0) come before the usage of unmapped accounts (1). */
export type SortGroup = 0 | 1;

/**
 * The engine's output order as one comparable string per row, so a store can
 * page through rows in exactly the order `reconcile` returns them: company,
 * agreement, product (name or key), key — each folded with nameSortKey and
 * joined by U+0000, which sorts below every character a name holds; unmapped
 * rows (group 1) by key. Compared by code point (SQLite's BINARY collation).
 */
export function rowSortKey(row: {
  status: string;
  key: string;
  companyName: string | null;
  agreementName: string | null;
  productName: string | null;
  productKey: string | null;
}): { group: SortGroup; key: string } {
  if (row.status === "unmapped-account" || row.status === "unmapped-service") return { group: 1, key: row.key };
  const parts = [nameSortKey(row.companyName), nameSortKey(row.agreementName), nameSortKey(row.productName ?? row.productKey), row.key];
  return { group: 0, key: parts.join("\u0000") };
}

type SortableRow = { key: string; companyName: string | null; agreementName: string | null; productName: string | null; productKey: string | null };

/**
 * Mapped rows in the engine's order (company, agreement, product, key; names
 * folded with nameSortKey). Decorate once, then sort: each row gets its three
 * name ids as it is added (the engine adds a row as it builds it, while it is
 * still in cache), each distinct name is folded and ranked once, and the
 * comparator compares one composite number per row — it only reaches a key
 * string when all three names tie.
 */
export class RowOrder<Row extends SortableRow> {
  readonly #rows: Row[] = [];
  readonly #names = [new NameIds(), new NameIds(), new NameIds()] as const;
  readonly #ids: [Int32Array, Int32Array, Int32Array];

  constructor(capacity: number) {
    this.#ids = [new Int32Array(capacity), new Int32Array(capacity), new Int32Array(capacity)];
  }

  add(row: Row): void {
    const i = this.#rows.length;
    if (i === this.#ids[0].length) throw new Error("RowOrder: more rows than its capacity");
    this.#rows.push(row);
    this.#ids[0][i] = this.#names[0].idOf(row.companyName);
    this.#ids[1][i] = this.#names[1].idOf(row.agreementName);
    this.#ids[2][i] = this.#names[2].idOf(row.productName ?? row.productKey);
  }

  sorted(): Row[] {
    const rows = this.#rows;
    const n = rows.length;
    const [c, g, p] = this.#ids;
    const [cr, gr, pr] = [this.#names[0].ranks(), this.#names[1].ranks(), this.#names[2].ranks()];
    // One number per row when the three ranks fit a double exactly (always, short of ~200,000 distinct names each).
    const [gn, pn] = [gr.length + 1, pr.length + 1];
    const composite = (cr.length + 1) * gn * pn <= Number.MAX_SAFE_INTEGER;
    const rank = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      rank[i] = composite ? ((cr[c[i] as number] as number) * gn + (gr[g[i] as number] as number)) * pn + (pr[p[i] as number] as number) : (cr[c[i] as number] as number);
    }
    const byKey = (x: number, y: number) => compareStrings((rows[x] as Row).key, (rows[y] as Row).key) || x - y;
    const rankOf = (ranks: Int32Array, ids: Int32Array, i: number) => ranks[ids[i] as number] as number;
    // A plain array: Array sort (TimSort) keeps runs already in order, which rows mostly arrive in; a typed array's doesn't.
    const order: number[] = new Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort(
      composite
        ? (x, y) => (rank[x] as number) - (rank[y] as number) || byKey(x, y)
        : (x, y) => (rank[x] as number) - (rank[y] as number) || rankOf(gr, g, x) - rankOf(gr, g, y) || rankOf(pr, p, x) - rankOf(pr, p, y) || byKey(x, y),
    );
    const sorted: Row[] = new Array(n);
    for (let i = 0; i < n; i++) sorted[i] = rows[order[i] as number] as Row;
    return sorted;
  }
}

/** Distinct names in the order met, each with a small id; a repeat of the last name (rows of one company come together) needs no lookup. */
class NameIds {
  readonly #ids = new Map<string | null, number>();
  readonly #names: (string | null)[] = [];
  #last: string | null | undefined = undefined;
  #lastId = -1;

  idOf(name: string | null): number {
    if (name === this.#last) return this.#lastId;
    let id = this.#ids.get(name);
    if (id === undefined) {
      id = this.#names.length;
      this.#ids.set(name, id);
      this.#names.push(name);
    }
    this.#last = name;
    this.#lastId = id;
    return id;
  }

  /** Each id's rank in nameSortKey order; names with equal keys share a rank. */
  ranks(): Int32Array {
    const keys = this.#names.map(nameSortKey);
    const order = keys.map((_, i) => i).sort((a, b) => compareStrings(keys[a] as string, keys[b] as string));
    const ranks = new Int32Array(keys.length);
    let rank = 0;
    for (let k = 0; k < order.length; k++) {
      if (k > 0 && keys[order[k] as number] !== keys[order[k - 1] as number]) rank += 1;
      ranks[order[k] as number] = rank;
    }
    return ranks;
  }
}
