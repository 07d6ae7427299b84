import { describe, expect, it } from "vitest";
import { domainIn, normalizeName, prepareCandidates, rankMatches, scoreMatch, similarity } from "../../src/core/usage/name-match.ts";

describe("normalizeName", () => {
  it.each([
    ["Contoso, Inc.", "contoso"],
    ["The Contoso Company LLC", "contoso"],
    ["Müller & Söhne GmbH", "muller and sohne"],
    ["O'Brien Ltd", "obrien"],
    ["M365 Business Premium", "microsoft 365 business premium"],
    ["Inc.", "inc"],
  ])("%s → %s", (name, expected) => {
    expect(normalizeName(name)).toBe(expected);
  });
});

describe("domainIn", () => {
  it.each([
    ["contoso.onmicrosoft.com", "contoso.onmicrosoft.com"],
    ["https://www.Fabrikam.com/about", "fabrikam.com"],
    ["admin@litware.io", "litware.io"],
    ["Contoso Ltd", null],
    [null, null],
  ])("%s → %s", (text, expected) => {
    expect(domainIn(text)).toBe(expected);
  });
});

describe("scoreMatch", () => {
  const company = { id: "c1", name: "Contoso Ltd", domain: "contoso.com", identifier: "ContosoLtd" };
  it.each([
    ["same domain", { name: "Anything", hints: ["https://contoso.com"] }, 100, "domain"],
    ["same normalised name", { name: "CONTOSO, LTD.", hints: [] }, 95, "name"],
    ["identifier", { name: "Contoso-Ltd", hints: [] }, 95, "name"],
    ["tenant label = identifier", { name: "Tenant", hints: ["contosoltd.onmicrosoft.com"] }, 90, "identifier"],
    ["tenant label = domain label", { name: "Tenant", hints: ["contoso.onmicrosoft.com"] }, 90, "identifier"],
  ])("%s", (_label, subject, confidence, reason) => {
    expect(scoreMatch(subject, company)).toEqual({ id: "c1", confidence, reason });
  });

  it("caps fuzzy matches below the auto-apply threshold", () => {
    const fuzzy = scoreMatch({ name: "Contoso Pharma", hints: [] }, { id: "c2", name: "Contoso Pharmaceuticals" });
    expect(fuzzy.reason).toBe("similar-name");
    expect(fuzzy.confidence).toBeGreaterThanOrEqual(50);
    expect(fuzzy.confidence).toBeLessThan(90);
    expect(similarity("abc", "xyz")).toBe(0);
  });
});

describe("rankMatches", () => {
  const companies = prepareCandidates([
    { id: "a", name: "Alpha Co" },
    { id: "b", name: "Alpha Company" },
    { id: "c", name: "Beta Inc", domain: "beta.com" },
    { id: "d", name: "Gamma" },
  ]);

  it("applies a clear best match", () => {
    expect(rankMatches({ name: "Beta", hints: ["beta.com"] }, companies).apply).toEqual({ id: "c", confidence: 100, reason: "domain" });
  });

  it("only suggests when two companies tie", () => {
    const decision = rankMatches({ name: "Alpha", hints: [] }, companies);
    expect(decision.apply).toBeNull();
    expect(decision.suggestions.map((s) => [s.id, s.confidence])).toEqual([["a", 95], ["b", 95]]);
  });

  it("suggests nothing below 50", () => {
    expect(rankMatches({ name: "Zeta Holdings", hints: [] }, companies)).toEqual({ apply: null, suggestions: [] });
  });
});
