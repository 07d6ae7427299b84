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
