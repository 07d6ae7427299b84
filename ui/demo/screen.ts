/**
 * Rendering of the demo's ConnectWise-like agreement screen: the agreement
 * header fields and the Additions grid, from the simulator's records (the
 * shapes of test/sim/connectwise/state.ts, i.e. ConnectWise's own). A
 * quantity that changed since the last read is highlighted with its old
 * value, so a write-back from the pod is visible at a glance.
 */

import { pickerLabel } from "./protocol.ts";

export interface SimAgreement {
  id: number;
  name: string;
  type: { name: string };
  company: { id: number; identifier: string; name: string };
  agreementStatus: string;
  cancelledFlag: boolean;
  billingCycle: { name: string };
  startDate: string;
  prorateFlag: boolean;
  currency: { currencyCode: string };
}

export interface SimAddition {
  id: number;
  product: { identifier: string; description: string };
  quantity: number;
  lessIncluded: number;
  unitPrice: number;
  billCustomer: string;
  effectiveDate: string;
  cancelledDate: string | null;
  description: string;
}

/** Must match the breakpoint in host.css where `.wide-only` columns are hidden. */
const NARROW = "(max-width: 560px)";
const BILLING: Record<string, string> = { Billable: "Billable", DoNotBill: "Do Not Bill", NoCharge: "No Charge" };

function el<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

const date = (iso: string | null) => (iso ? iso.slice(0, 10) : "");

export function money(currency: string): (n: number) => string {
  const format = new Intl.NumberFormat("en-US", { style: "currency", currency });
  return (n) => format.format(n);
}

export function renderAgreement(agreement: SimAgreement): void {
  document.getElementById("agr-title")!.textContent = agreement.name;
  document.getElementById("crumb")!.textContent = agreement.name;
  document.title = `${agreement.name} · Agreement · ConnectWise PSA (Trueup demo host)`;
  const fields: Array<[string, string]> = [
    ["Company", `${agreement.company.name} (${agreement.company.identifier})`],
    ["Type", agreement.type.name],
    ["Status", agreement.agreementStatus],
    ["Billing cycle", agreement.billingCycle.name],
    ["Start date", date(agreement.startDate)],
    ["Prorate", agreement.prorateFlag ? "Yes" : "No"],
    ["Agreement ID", String(agreement.id)],
  ];
  const dl = document.getElementById("fields")!;
  dl.replaceChildren(...fields.map(([k, v]) => {
    const div = el("div");
    div.append(el("dt", k), el("dd", v));
    return div;
  }));
}

function additionRow(a: SimAddition, fmt: (n: number) => string, before: number | undefined): HTMLTableRowElement {
  const tr = el("tr");
  tr.dataset.additionId = String(a.id);
  const qty = el("td", String(a.quantity), "n qty");
  if (before !== undefined && before !== a.quantity) {
    qty.classList.add("changed");
    qty.title = `Changed from ${before}`;
    qty.append(el("span", ` (was ${before})`, "was"));
  }
  tr.append(
    el("td", a.product.identifier, "mono"),
    el("td", a.description || a.product.description, "desc"),
    qty,
    el("td", String(a.lessIncluded), "n wide-only"),
    el("td", fmt(a.unitPrice), "n wide-only"),
    el("td", fmt((a.quantity - a.lessIncluded) * a.unitPrice), "n"),
    el("td", BILLING[a.billCustomer] ?? a.billCustomer, "wide-only"),
    el("td", date(a.effectiveDate), "wide-only"),
  );
  return tr;
}

/** Renders the grid; `previous` maps addition id → the quantity shown before (highlighting changes). */
export function renderAdditions(additions: SimAddition[], currency: string, previous: Map<number, number>): void {
  const fmt = money(currency);
  const body = document.querySelector("#additions tbody")!;
  const rows = additions.filter((a) => !a.cancelledDate).map((a) => additionRow(a, fmt, previous.get(a.id)));
  if (rows.length === 0) {
    const td = el("td", "No additions on this agreement.", "cw-empty");
    td.colSpan = 8;
    const tr = el("tr");
    tr.append(td);
    rows.push(tr);
  }
  const total = additions.filter((a) => !a.cancelledDate && a.billCustomer === "Billable").reduce((sum, a) => sum + (a.quantity - a.lessIncluded) * a.unitPrice, 0);
  const foot = el("tr", undefined, "total");
  // Spans the columns before Ext. Price: 5 wide, 3 when the narrow layout hides Less Included and Unit Price.
  const label = el("td", "Billable additions per cycle");
  label.colSpan = window.matchMedia(NARROW).matches ? 3 : 5;
  foot.append(label, el("td", fmt(total), "n"), el("td", undefined, "wide-only"), el("td", undefined, "wide-only"));
  body.replaceChildren(...rows, foot);
}

export function renderPicker(agreements: Array<{ id: number; name: string; cancelledFlag: boolean }>, current: number): void {
  const picker = document.getElementById("picker") as HTMLSelectElement;
  picker.replaceChildren(...agreements.map((a) => {
    const option = el("option", pickerLabel(a));
    option.value = String(a.id);
    option.selected = a.id === current;
    return option;
  }));
  picker.disabled = false;
  picker.addEventListener("change", () => {
    location.search = `?agreement=${encodeURIComponent(picker.value)}`;
  });
}
