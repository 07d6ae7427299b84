/**
 * JSON with exact decimals. `JSON.parse` turns `0.1000000000000000000001` or
 * `12345678901234567890` into the nearest double and the original digits are
 * gone. For the keys that carry quantities and money, the reviver returns the
 * number's source text instead (TC39 "JSON.parse source text access", in V8
 * since 11.4, so in workerd and Node 22), which the decimal parser then
 * validates: exponent forms such as `1e3` are rejected there with a clear
 * message rather than silently expanded.
 */

interface ReviverContext {
  source?: string;
}

/** Parses JSON; numbers under the given keys come back as their exact source text. */
export function parseJsonWithDecimals(text: string, decimalKeys: ReadonlySet<string>): unknown {
  return JSON.parse(text, function revive(this: unknown, key: string, value: unknown, context?: ReviverContext) {
    if (typeof value !== "number" || !decimalKeys.has(key)) return value;
    // Without source access (older runtimes) fall back to the shortest round-trip form.
    return context?.source ?? String(value);
  } as (this: unknown, key: string, value: unknown) => unknown);
}
