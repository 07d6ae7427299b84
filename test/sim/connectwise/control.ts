/**
 * `/_sim/*`: the simulator's control surface (not part of ConnectWise). Seed
 * data, edit a quantity "in the PSA" (which sends the signed callback),
 * inject faults, read the request log, list and re-send deliveries.
 *
 *   curl -X POST http://127.0.0.1:8788/_sim/agreements/4101/additions/88010 \
 *        -H 'content-type: application/json' -d '{"quantity": 45}'
 */
import { Hono } from "hono";
import { type CallbackContext, keyUrl, notifyAgreement, send } from "./callbacks.ts";
import { type CwDataset, seedBench, seedDemo, seedScale } from "./datasets.ts";
import type { Fault, SimControl } from "./faults.ts";

export function createControl(ctx: CallbackContext & { demoData?: (now: Date) => CwDataset }, control: SimControl) {
  const { state } = ctx;
  return new Hono()
    .post("/reset", (c) => {
      state.reset();
      control.clear();
      return c.json({ ok: true });
    })
    .post("/seed/demo", (c) => (ctx.demoData ? c.json(seedDemo(state, ctx.demoData(state.now()))) : c.json({ error: "no demo dataset was given to this simulator" }, 404)))
    .post("/seed/bench", async (c) => {
      const body = (await c.req.json().catch(() => ({}))) as { companies?: number; agreementsPerCompany?: number; linesPerAgreement?: number };
      return c.json(seedBench(state, body.companies ?? 200, body.agreementsPerCompany ?? 5, body.linesPerAgreement ?? 6));
    })
    .post("/seed/scale", async (c) => {
      const body = (await c.req.json().catch(() => ({}))) as { companies?: number; agreements?: number; linesPerCompany?: number };
      return c.json(seedScale(state, body.companies ?? 1000, body.agreements ?? 1250, body.linesPerCompany ?? 20));
    })
    // The demo host page's agreement picker (scripts/demo-host.ts).
    .get("/agreements", (c) =>
      c.json({ agreements: [...state.agreements.values()].sort((a, b) => a.id - b.id).map((a) => ({ id: a.id, name: a.name, company: a.company, agreementStatus: a.agreementStatus, cancelledFlag: a.cancelledFlag })) }),
    )
    .get("/agreements/:id", (c) => {
      const id = Number(c.req.param("id"));
      const agreement = state.agreements.get(id);
      return agreement ? c.json({ agreement, additions: state.additionsOf(id) }) : c.json({ error: "no such agreement" }, 404);
    })
    .post("/agreements/:id/additions/:addId", async (c) => {
      const agreementId = Number(c.req.param("id"));
      const addition = state.findAddition(agreementId, Number(c.req.param("addId")));
      if (!addition) return c.json({ error: "no such addition" }, 404);
      const body = (await c.req.json().catch(() => ({}))) as { quantity?: number; billCustomer?: "Billable" | "DoNotBill" | "NoCharge"; notify?: boolean };
      if (body.quantity !== undefined) addition.quantity = Number(body.quantity);
      if (body.billCustomer) addition.billCustomer = body.billCustomer;
      addition._info.lastUpdated = state.stamp();
      const deliveries = body.notify === false ? [] : await notifyAgreement(ctx, agreementId, "updated", "admin");
      return c.json({ addition, deliveries: deliveries.map((d) => ({ url: d.url, status: d.status, messageId: d.messageId })) });
    })
    .post("/agreements/:id/notify", async (c) => {
      const body = (await c.req.json().catch(() => ({}))) as { action?: string };
      const deliveries = await notifyAgreement(ctx, Number(c.req.param("id")), body.action ?? "updated", "admin");
      return c.json({ deliveries: deliveries.map((d) => ({ url: d.url, status: d.status, messageId: d.messageId })) });
    })
    .get("/callbacks", (c) => c.json([...state.callbacks.values()].map((cb) => ({ ...cb, keyUrl: keyUrl(ctx, cb) }))))
    .get("/deliveries", (c) => c.json(state.deliveries))
    .post("/deliveries/:index/resend", async (c) => {
      const original = state.deliveries[Number(c.req.param("index"))];
      if (!original) return c.json({ error: "no such delivery" }, 404);
      const { status: _s, ...again } = original;
      return c.json(await send(ctx, again));
    })
    .post("/faults", async (c) => {
      const body = (await c.req.json()) as Fault | Fault[];
      for (const fault of Array.isArray(body) ? body : [body]) control.addFault(fault);
      return c.json({ faults: control.faults.length });
    })
    .delete("/faults", (c) => {
      control.faults = [];
      return c.json({ ok: true });
    })
    .get("/log", (c) => c.json(control.log))
    .delete("/log", (c) => {
      control.log = [];
      return c.json({ ok: true });
    });
}
