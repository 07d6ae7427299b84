import { describe, expect, it } from "vitest";
import { csvCell, csvHeader, csvLine, formatMinorAmount, type Column } from "../../src/core/workspace/csv.ts";

describe("csvCell (RFC 4180 + formula safety)", () => {
  it.each([
    ["plain", "plain"],
    ["a,b", '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ["two\nlines", '"two\nlines"'],
    ["=HYPERLINK(\"http://evil\")", `"'=HYPERLINK(""http://evil"")"`],
    ["+1+2", "'+1+2"],
    ["-2+3", "'-2+3"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tcmd", "'\tcmd"],
    ["\rcmd", `"'\rcmd"`],
    ["Ünïcødé — ok", "Ünïcødé — ok"],
  ])("%j → %j", (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it("leaves our own numbers alone but still guards a numeric column's text", () => {
    expect(csvCell("-12.50", true)).toBe("-12.50");
    expect(csvCell(-3)).toBe("-3");
    expect(csvCell("-1+1", true)).toBe("'-1+1");
    expect([csvCell(null), csvCell(undefined)]).toEqual(["", ""]);
  });

  it("ends every line with CRLF", () => {
    const cols: Column<{ a: string }>[] = [{ header: "A, quoted", value: (r) => r.a }, { header: "B", value: () => null }];
    expect(csvHeader(cols) + csvLine(cols, { a: "x" })).toBe('"A, quoted",B\r\nx,\r\n');
  });
});

describe("formatMinorAmount", () => {
  it.each([
    [123450, 2, "1234.50"],
    [-5, 2, "-0.05"],
    [0, 2, "0.00"],
    [1234, 0, "1234"],
    [1, 3, "0.001"],
    [Number.MAX_SAFE_INTEGER, 2, "90071992547409.91"],
  ])("%i with %i digits → %s", (minor, digits, text) => {
    expect(formatMinorAmount(minor, digits)).toBe(text);
  });
});
