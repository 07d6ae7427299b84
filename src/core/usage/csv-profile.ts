/**
 * The contract between the streaming import pipeline and a file profile
 * (Partner Center invoice, Partner Center daily usage, saved generic CSV).
 * A profile binds the header (a missing column is an error naming it), judges
 * every row — accepted, rejected with a reason, or skipped with a reason (e.g.
 * Azure plan lines in an invoice file belong to the usage profile) — and at
 * the end yields one draft per account × service × period. Nothing is ever
 * dropped silently: every row is counted in exactly one of the three.
 */
import type { Result } from "../shared/result.ts";
import type { CountDraft } from "./count-draft.ts";

export type RowOutcome = { kind: "accepted" } | { kind: "rejected"; reason: string } | { kind: "skipped"; reason: string };

/** Shared constant: the hot path allocates nothing for a good row. */
export const ACCEPTED: RowOutcome = { kind: "accepted" };

export function rejected(reason: string): RowOutcome {
  return { kind: "rejected", reason };
}

/** A count from a file, before the import gives it an observedAt and a source_ref. */
export interface ImportDraft extends Omit<CountDraft, "observedAt" | "sourceRef" | "lineCount"> {
  firstLine: number;
  lastLine: number;
  lineCount: number;
}

export interface CsvProfileRun {
  bindHeader(header: readonly string[]): Result<void, string>;
  acceptRow(cells: readonly string[], line: number): RowOutcome;
  finish(): Result<ImportDraft[], string>;
}

/** Header lookup: case-insensitive, blanks and a stray BOM ignored. */
export function bindColumns<K extends string>(
  header: readonly string[],
  required: Record<K, string>,
  optional: Record<string, string> = {},
): Result<Record<K, number> & Record<string, number>, string> {
  const positions = new Map<string, number>();
  header.forEach((name, i) => {
    const key = normalizeHeader(name);
    if (!positions.has(key)) positions.set(key, i);
  });
  const bound: Record<string, number> = {};
  const missing: string[] = [];
  for (const [key, column] of Object.entries<string>(required)) {
    const at = positions.get(normalizeHeader(column));
    if (at === undefined) missing.push(column);
    else bound[key] = at;
  }
  for (const [key, column] of Object.entries(optional)) {
    const at = positions.get(normalizeHeader(column));
    if (at !== undefined) bound[key] = at;
  }
  if (missing.length > 0) return { ok: false, error: `CSV header is missing column(s): ${missing.join(", ")}` };
  return { ok: true, value: bound as Record<K, number> & Record<string, number> };
}

function normalizeHeader(name: string): string {
  return name.replace(/^\uFEFF/, "").trim().toLowerCase();
}

/** A text cell that must be present; U+FFFD means the file was not UTF-8 (Excel's ANSI "CSV"). */
export function textCell(cells: readonly string[], at: number, column: string): { value: string } | { error: string } {
  const value = (cells[at] ?? "").trim();
  if (value === "") return { error: `${column} is empty` };
  if (value.includes("\uFFFD")) return { error: `${column} is not valid UTF-8 (save the file as "CSV UTF-8" or "Unicode text")` };
  return { value };
}
