/** Audit details as one readable line for the Activity page ("M365-BP: 40 → 44 from 2026-12-01 · note: …"). */

// Ids and raw PSA payloads: the drawer and the decision itself carry them; the line stays readable.
const HIDDEN = new Set(["agreementId", "lineId", "request", "response", "psaResponse", "evidence", "integrationId", "expiresAt"]);

/** A readable change from the common audit detail shapes: "M365-BP: 40 → 44 from 2026-12-01", else "key: value · …". */
export function describeDetails(details: unknown): string {
  if (details === null || details === undefined) return "";
  if (typeof details !== "object") return String(details);
  const d = details as Record<string, unknown>;
  const pairs: Array<[string, string]> = [
    ["old", "new"],
    ["from", "to"],
    ["before", "after"],
    ["oldQuantity", "newQuantity"],
  ];
  const pair = pairs.find(([a, b]) => a in d || b in d);
  const parts: string[] = [];
  if (pair) {
    const head = typeof d.productKey === "string" ? `${d.productKey}: ` : "";
    parts.push(`${head}${short(d[pair[0]])} → ${short(d[pair[1]])}${typeof d.effectiveDate === "string" ? ` from ${d.effectiveDate}` : ""}`);
  }
  for (const [k, v] of Object.entries(d)) {
    if (HIDDEN.has(k) || (pair && (k === pair[0] || k === pair[1] || k === "productKey" || k === "effectiveDate")) || v === null || v === "") continue;
    parts.push(`${k}: ${short(v)}`);
  }
  return parts.join(" · ");
}

function short(v: unknown): string {
  if (v === null || v === undefined) return "—";
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}
