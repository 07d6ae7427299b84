import { describe, expect, it } from "vitest";
import { gapPollWindow, judgeSequence, needsPoll, nextGapPollWindow, pollCoversGap, sequenceOf } from "../../src/core/psa/webhook-sequence.ts";

describe("Autotask SequenceNumber verdicts", () => {
  it.each([
    [null, 7, "first", false],
    [7, 8, "next", false],
    [7, 9, "gap", true],
    [7, 100, "gap", true],
    [7, 7, "out-of-order", true],
    [7, 3, "out-of-order", true],
  ] as const)("after %s, %s is %s (poll: %s)", (previous, current, verdict, poll) => {
    expect(judgeSequence(previous, current)).toBe(verdict);
    expect(needsPoll(judgeSequence(previous, current))).toBe(poll);
  });

  it("tracks only safe non-negative integers (numbers or digit strings)", () => {
    expect([sequenceOf(12), sequenceOf("12"), sequenceOf("9007199254740993"), sequenceOf(-1)]).toEqual([12, 12, null, null]);
  });

  it("windows are 5 minutes; a window's poll covers a gap only if claimed at or after it", () => {
    expect(gapPollWindow(new Date("2026-11-30T15:04:59.999Z"))).toBe("2026-11-30T15:00:00.000Z");
    expect(nextGapPollWindow("2026-11-30T15:00:00.000Z")).toBe("2026-11-30T15:05:00.000Z");
    expect(pollCoversGap("2026-11-30T15:01:00.000Z", "2026-11-30T15:00:30.000Z")).toBe(true);
    expect(pollCoversGap("2026-11-30T15:00:10.000Z", "2026-11-30T15:00:30.000Z")).toBe(false);
    expect(pollCoversGap(null, "2026-11-30T15:00:30.000Z")).toBe(false);
  });
});
