import { describe, expect, it } from "vitest";
import { agreementConditions, cwString, formatCwDateTime, listPath, nextPageUrl, parseLinkHeader } from "../../src/core/psa/cw-query.ts";

describe("ConnectWise conditions", () => {
  it("formats datetimes in brackets without a fraction", () => {
    expect(formatCwDateTime(new Date("2026-08-20T18:04:26.123Z"))).toBe("[2026-08-20T18:04:26Z]");
  });

  it("lists every non-cancelled agreement for a full sync and changes since the cursor for an incremental one", () => {
    expect(agreementConditions(null)).toBe("cancelledFlag = false");
    expect(agreementConditions(new Date("2026-01-02T03:04:05Z"))).toBe("lastUpdated > [2026-01-02T03:04:05Z]");
  });

  it("quotes strings", () => {
    expect(cwString('Acme "East"')).toBe('"Acme \\"East\\""');
  });

  it("asks for 1000 per page and encodes spaces as %20", () => {
    expect(listPath("/finance/agreements", "cancelledFlag = false", { orderBy: "id asc" })).toBe("/finance/agreements?conditions=cancelledFlag%20%3D%20false&pageSize=1000&orderBy=id%20asc");
    expect(listPath("/finance/agreements/1/additions", null)).toBe("/finance/agreements/1/additions?pageSize=1000");
  });
});

describe("Link paging", () => {
  const base = "https://api-na.myconnectwise.net/v4_6_release/apis/3.0/finance/agreements?pageSize=1000";

  it.each([
    [`<${base}&page=1>; rel="first", <${base}&page=2>; rel="next", <${base}&page=3>; rel="last"`, { first: `${base}&page=1`, next: `${base}&page=2`, last: `${base}&page=3` }],
    [`<${base}&page=2>;rel=next`, { next: `${base}&page=2` }],
    [`<${base}&page=1>; rel="first"`, { first: `${base}&page=1` }],
    ["", {}],
    ["garbage", {}],
  ])("parses %j", (header, expected) => {
    expect(parseLinkHeader(header)).toEqual(expected);
  });

  it("follows next only on the same origin; a link to another host is an error, not a silent end", () => {
    expect(nextPageUrl(`<${base}&page=2>; rel="next"`, base)).toBe(`${base}&page=2`);
    expect(() => nextPageUrl('<https://evil.test/page2>; rel="next"', base)).toThrow(/another host \(evil\.test\)/);
    expect(nextPageUrl('</v4_6_release/apis/3.0/finance/agreements?page=2>; rel="next"', base)).toBe("https://api-na.myconnectwise.net/v4_6_release/apis/3.0/finance/agreements?page=2");
    expect(nextPageUrl(null, base)).toBeNull();
  });
});
