/**
 * Which mapping suggestion a picker starts on. Only a near-exact match is
 * preselected: confidence ≥ PRESELECT_CONFIDENCE (90 — equal domain, equal
 * normalised name, or the company identifier; see core/usage/name-match.ts).
 * Anything weaker is listed but the picker starts empty, so one click can
 * never map usage to a look-alike and bill it (issue 9 §3).
 */
import { PRESELECT_CONFIDENCE } from "../../src/shared/api-types.ts";

export function preselected<T extends { confidence: number }>(suggestions: readonly T[]): T | null {
  const best = suggestions.reduce<T | null>((top, s) => (top === null || s.confidence > top.confidence ? s : top), null);
  return best !== null && best.confidence >= PRESELECT_CONFIDENCE ? best : null;
}
