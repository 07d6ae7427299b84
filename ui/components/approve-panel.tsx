/**
 * Approve or adjust a row: the target quantity (editable when adjusting), the
 * effective date (default: the proposal's, the 1st of next month), and the
 * money: the monthly change, how the PSA takes it on that date (now,
 * scheduled, or with the date) and, only where the PSA prorates, the
 * proration in its own period (ui/lib/proration.ts podTiming).
 */
import { useState } from "preact/hooks";
import type { ReconRow } from "../../src/shared/api-types.ts";
import { divideRoundHalfAway, parseQuantityInput, subtractDecimals, toScaled } from "../lib/decimal.ts";
import { formatDay, formatMoney, formatQuantity, formatVariance } from "../lib/format.ts";
import { inferCycle, isIsoDate, podTiming, previewProration, todayUtc, type Cycle } from "../lib/proration.ts";
import { PanelButtons, usePanelFocus, type PanelProps } from "./panels.tsx";

const MONTHS: Record<Cycle, bigint> = { monthly: 1n, quarterly: 3n, semiannual: 6n, annual: 12n };

/**
 * What the PSA will do on the chosen date (issue 9: say "applies now" only when
 * it does; preview proration only where the PSA prorates, in its own period).
 */
export function describePreview(row: ReconRow, quantity: string | null, date: string, connectWise: boolean): string {
  const p = row.proposal;
  if (!p || quantity === null || !isIsoDate(date)) return "";
  const cycle = inferCycle(p.periodDays);
  const currency = row.currency ?? "USD";
  const price = row.lines.find((l) => l.lineId === p.targetLineId)?.unitPriceMinor ?? row.unitPriceMinor;
  const change = subtractDecimals(quantity, p.fromQuantity);
  const timing = podTiming(p, row.billingDate, date, cycle, connectWise);
  const billed = `first billed on the ${formatDay(timing.firstBilledOn)} invoice`;
  const when =
    timing.mode === "now"
      ? `Applies now in ConnectWise — ${billed}.`
      : timing.mode === "scheduled"
        ? `Scheduled for ${formatDay(date)} — written to ConnectWise that day, ${billed}; you can cancel until then.`
        : "";
  if (price === null) return `Change ${formatVariance(change)}; no unit price, so no money preview. ${when}`.trim();
  const scaled = toScaled(change);
  const monthly = Number(divideRoundHalfAway(scaled.units * BigInt(price), MONTHS[cycle] * 10n ** BigInt(scaled.scale)));
  const perMonth = `${formatVariance(change)} → ${formatMoney(monthly, currency, undefined, true)} per month`;
  if (!timing.prorates) return `${perMonth}. ${when}`;
  const preview = previewProration(date, cycle, change, price, timing.period);
  if (preview.prorationMinor === null) return `${perMonth}. From ${formatDay(date)}, the start of a billing period: no proration.`;
  const what = preview.prorationMinor >= 0 ? "prorated charge" : "prorated credit";
  return `${perMonth}. From ${formatDay(date)}: ${preview.remainingDays} of ${preview.periodDays} days left, ${what} ${formatMoney(preview.prorationMinor, currency, undefined, true)}.`;
}

export function ApprovePanel({ row, store, close, adjust }: PanelProps & { adjust: boolean }) {
  const p = row.proposal;
  const [qty, setQty] = useState(p?.toQuantity ?? "");
  const [date, setDate] = useState(p?.effectiveDate ?? "");
  const [note, setNote] = useState("");
  const focus = usePanelFocus(close);
  if (!p || row.agreementId === null || row.productKey === null) return null;
  const today = todayUtc(new Date());
  const quantity = parseQuantityInput(qty);
  const dateError = !isIsoDate(date) ? "Pick a date." : date < today ? "The date cannot be in the past." : null;
  const qtyError = quantity === null ? "Enter a quantity (0 or more, up to 6 decimals)." : null;
  const action = quantity !== null && quantity !== p.toQuantity ? "adjust" : "approve";
  const submit = (e: Event) => {
    e.preventDefault();
    if (quantity === null || dateError) return;
    close();
    void store.decide(row.key, {
      agreementId: row.agreementId as string,
      productKey: row.productKey as string,
      ...(p.targetLineId ? { lineId: p.targetLineId } : {}),
      action,
      effectiveDate: date,
      ...(action === "adjust" ? { quantity } : {}),
      ...(note.trim() ? { note: note.trim() } : {}),
    });
  };
  return (
    <form class="panel" ref={focus.ref} onKeyDown={focus.onKeyDown} onSubmit={submit} aria-label={`${adjust ? "Adjust" : "Approve"} ${row.productName ?? ""}`}>
      <div class="fields">
        {adjust ? (
          <label>
            New quantity (PSA line now {formatQuantity(p.fromQuantity)})
            <input value={qty} inputMode="decimal" size={10} onInput={(e) => setQty(e.currentTarget.value)} aria-invalid={qtyError !== null} />
          </label>
        ) : (
          <p>
            Set the PSA line from <b>{formatQuantity(p.fromQuantity)}</b> to <b>{formatQuantity(p.toQuantity)}</b>
            {p.targetLineId === null ? " (adds the line)" : ""}
          </p>
        )}
        <label>
          Effective date
          <input type="date" value={date} min={today} onInput={(e) => setDate(e.currentTarget.value)} aria-invalid={dateError !== null} />
        </label>
        <label>
          Note (optional)
          <input value={note} maxLength={500} size={24} onInput={(e) => setNote(e.currentTarget.value)} />
        </label>
      </div>
      <p class="preview" aria-live="polite">
        {qtyError ?? dateError ?? describePreview(row, quantity, date, store.psaAppliesAtOnce)}
      </p>
      <PanelButtons
        label={action === "adjust" ? `Set quantity to ${formatQuantity(quantity ?? "0")}` : "Approve change"}
        disabled={quantity === null || dateError !== null}
        close={close}
      />
    </form>
  );
}

