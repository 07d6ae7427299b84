/**
 * Auto-mapping of vendor accounts to PSA companies (and suggestions of PSA
 * products for vendor services) by normalised name and domain, with a 0–100
 * confidence. Pure: callers decide what to do with a score.
 *
 * Scores (first that applies):
 * - 100 the account's domain equals the company's domain;
 * -  95 normalised names are equal ("Contoso, Inc." = "contoso");
 * -  90 the account's name or tenant label equals the company identifier
 *       ("ContosoLtd" = "Contoso Ltd"), or its `*.onmicrosoft.com` label equals
 *       the company domain's first label;
 * - else 85 × the Dice coefficient of the names' character bigrams (so a fuzzy
 *   match can never reach the auto-apply threshold on its own).
 * Normalising: Unicode NFKD without diacritics, lower case, "&" → "and",
 * punctuation → space, legal suffixes (inc, llc, ltd, gmbh, …) and "the" dropped.
 */

export const AUTO_APPLY_CONFIDENCE = 90;
export const SUGGEST_CONFIDENCE = 50;
/** A best match this close to the runner-up is ambiguous (e.g. duplicate PSA companies): suggest, don't apply. */
export const AMBIGUITY_MARGIN = 5;

const LEGAL_WORDS = new Set([
  "inc", "incorporated", "llc", "llp", "lp", "ltd", "limited", "corp", "corporation", "co", "company", "plc", "gmbh", "ag", "bv", "nv",
  "sa", "sas", "sarl", "srl", "spa", "pty", "pte", "oy", "ab", "as", "aps", "kg", "the",
]);
const SYNONYMS: Record<string, string> = { m365: "microsoft 365", o365: "office 365", ms: "microsoft" };
const DOMAIN_PATTERN = /\b((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24})\b/;

export interface MatchCandidate {
  id: string;
  name: string;
  domain?: string | null | undefined;
  identifier?: string | null | undefined;
}

export interface MatchSubject {
  name: string;
  /** Free text that may hold a domain (vendor account description or external id). */
  hints: readonly (string | null | undefined)[];
}

export interface ScoredMatch {
  id: string;
  confidence: number;
  reason: "domain" | "name" | "identifier" | "similar-name";
}

export function normalizeName(name: string): string {
  const words = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/['’]/g, "")
    .replace(/[^a-z0-9]+/g, " ")
    .split(" ")
    .filter((w) => w.length > 0)
    .map((w) => SYNONYMS[w] ?? w);
  const kept = words.filter((w) => !LEGAL_WORDS.has(w));
  return (kept.length > 0 ? kept : words).join(" ");
}

/** The first domain in the text, lower-cased, without "www.". */
export function domainIn(text: string | null | undefined): string | null {
  const match = text ? DOMAIN_PATTERN.exec(text.toLowerCase()) : null;
  return match?.[1]?.replace(/^www\./, "") ?? null;
}

/** Dice coefficient of character bigrams (0–1), spaces ignored. */
export function similarity(a: string, b: string): number {
  const x = a.replace(/ /g, "");
  const y = b.replace(/ /g, "");
  if (x === y) return 1;
  if (x.length < 2 || y.length < 2) return 0;
  const bigrams = new Map<string, number>();
  for (let i = 0; i < x.length - 1; i++) {
    const gram = x.slice(i, i + 2);
    bigrams.set(gram, (bigrams.get(gram) ?? 0) + 1);
  }
  let shared = 0;
  for (let i = 0; i < y.length - 1; i++) {
    const gram = y.slice(i, i + 2);
    const count = bigrams.get(gram) ?? 0;
    if (count > 0) {
      bigrams.set(gram, count - 1);
      shared += 1;
    }
  }
  return (2 * shared) / (x.length - 1 + (y.length - 1));
}

/** A candidate with its normalised forms computed once (matching is accounts × companies). */
export interface PreparedCandidate {
  id: string;
  name: string;
  domain: string | null;
  identifier: string;
}

export function prepareCandidates(candidates: readonly MatchCandidate[]): PreparedCandidate[] {
  return candidates.map((c) => ({
    id: c.id,
    name: normalizeName(c.name),
    domain: domainIn(c.domain),
    identifier: c.identifier?.toLowerCase().replace(/[^a-z0-9]/g, "") ?? "",
  }));
}

interface PreparedSubject {
  name: string;
  compact: string;
  rawCompact: string;
  domains: string[];
  tenantLabels: string[];
}

function prepareSubject(subject: MatchSubject): PreparedSubject {
  const name = normalizeName(subject.name);
  const domains = subject.hints.map(domainIn).filter((d): d is string => d !== null);
  return {
    name,
    compact: name.replace(/ /g, ""),
    rawCompact: subject.name.toLowerCase().replace(/[^a-z0-9]/g, ""),
    domains,
    tenantLabels: domains.filter((d) => d.endsWith(".onmicrosoft.com")).map((d) => d.split(".")[0] ?? ""),
  };
}

function scorePrepared(s: PreparedSubject, c: PreparedCandidate): ScoredMatch {
  if (c.domain && s.domains.includes(c.domain)) return { id: c.id, confidence: 100, reason: "domain" };
  if (s.name.length > 0 && s.name === c.name) return { id: c.id, confidence: 95, reason: "name" };
  const id = c.identifier;
  if (id && (id === s.compact || id === s.rawCompact || s.tenantLabels.includes(id))) return { id: c.id, confidence: 90, reason: "identifier" };
  if (c.domain && s.tenantLabels.includes(c.domain.split(".")[0] ?? "")) return { id: c.id, confidence: 90, reason: "identifier" };
  return { id: c.id, confidence: Math.round(85 * similarity(s.name, c.name)), reason: "similar-name" };
}

export function scoreMatch(subject: MatchSubject, candidate: MatchCandidate): ScoredMatch {
  return scorePrepared(prepareSubject(subject), prepareCandidates([candidate])[0] as PreparedCandidate);
}

export interface MatchDecision {
  /** Set when the best match is confident and unambiguous. */
  apply: ScoredMatch | null;
  /** Best matches at or above SUGGEST_CONFIDENCE, best first (at most `limit`). */
  suggestions: ScoredMatch[];
}

export function rankMatches(subject: MatchSubject, candidates: readonly PreparedCandidate[], limit = 3): MatchDecision {
  const prepared = prepareSubject(subject);
  const scored = candidates
    .map((candidate) => scorePrepared(prepared, candidate))
    .filter((m) => m.confidence >= SUGGEST_CONFIDENCE)
    .sort((a, b) => b.confidence - a.confidence || a.id.localeCompare(b.id));
  const [best, runnerUp] = scored;
  const clear = best && best.confidence >= AUTO_APPLY_CONFIDENCE && (!runnerUp || best.confidence - runnerUp.confidence > AMBIGUITY_MARGIN);
  return { apply: clear ? best : null, suggestions: scored.slice(0, limit) };
}
