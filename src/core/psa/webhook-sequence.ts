/**
 * Autotask webhook SequenceNumbers: telling a lost or reordered event from
 * the next one. Pure.
 *
 * Autotask's own pages do not define `SequenceNumber`; the payload lists it
 * beside Guid (the webhook) and Id (psa-and-vendor-apis.md §3.4, from Nango's
 * Autotask webhook guide and n8n-nodes-autotask's IAutotaskRawWebhookPayload,
 * "incremental counter for webhook events"). What Autotask does document
 * (Webhooks error handling, https://ww6.autotask.net/help/DeveloperHelp/Content/APIs/Webhooks/Webhooks_Error_Handling.htm):
 * events of one callout are queued and delivered in the order they were
 * triggered, and a payload that fails 5 attempts within 2 minutes is
 * dropped. So, per webhook, a number more than one above the highest seen
 * means events were dropped (a gap), and one at or below it means delivery
 * out of order (or a counter that is not per webhook). Either way the
 * integration is polled at once; every event stays only a hint and its
 * entity is re-read. Were the counter per entity instead, this would poll
 * more often than needed (at most once per GAP_POLL_WINDOW_MS), never less.
 */

export type SequenceVerdict = "first" | "next" | "gap" | "out-of-order";

/** At most one poll per integration per window, however many gaps arrive in it. */
export const GAP_POLL_WINDOW_MS = 5 * 60_000;

/** The SequenceNumber as a safe integer, or null (not tracked) when it is not one. */
export function sequenceOf(value: number | string): number | null {
  const n = typeof value === "number" ? value : Number(value);
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

/** How `current` relates to the highest number seen before it (null: none yet). */
export function judgeSequence(previous: number | null, current: number): SequenceVerdict {
  if (previous === null) return "first";
  if (current === previous + 1) return "next";
  return current > previous ? "gap" : "out-of-order";
}

/** Whether the verdict calls for an immediate poll of the integration. */
export function needsPoll(verdict: SequenceVerdict): boolean {
  return verdict === "gap" || verdict === "out-of-order";
}

/** The start of the window `now` falls in (ISO): the gap poll's idempotency key part. */
export function gapPollWindow(now: Date): string {
  return new Date(Math.floor(now.getTime() / GAP_POLL_WINDOW_MS) * GAP_POLL_WINDOW_MS).toISOString();
}

/** The window after `window`. */
export function nextGapPollWindow(window: string): string {
  return new Date(Date.parse(window) + GAP_POLL_WINDOW_MS).toISOString();
}

/**
 * A window's poll, claimed at `claimedAt`, covers a gap seen at `gapAt` only
 * if it was claimed after it (its listing comes later still); otherwise the
 * gap may be newer than that poll's listing and waits for the next window's.
 */
export function pollCoversGap(claimedAt: string | null, gapAt: string): boolean {
  return claimedAt !== null && Date.parse(claimedAt) >= Date.parse(gapAt);
}
