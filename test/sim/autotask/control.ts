/**
 * `/_sim/*` of the Autotask simulator (not part of Autotask): rename a
 * company (sends the signed Company webhook), set a contract service's
 * units, deactivate a webhook (calls its DeactivationUrl), re-send a
 * delivery, list adjustments, inject faults, read the request log.
 */
import { Hono } from "hono";
import type { Fault, SimControl } from "../connectwise/faults.ts";
import type { AtDelivery, Deliver } from "./app.ts";
import type { AtSimState, AtWebhook } from "./state.ts";

export interface AtControlContext {
  state: AtSimState;
  control: SimControl;
  deliveries: AtDelivery[];
  deliver: Deliver;
  post: (url: string, hook: AtWebhook, payload: unknown) => Promise<AtDelivery>;
  companyChanged: (companyId: number, action: string) => Promise<AtDelivery[]>;
}

export function createAtControl(ctx: AtControlContext) {
  const { state, control, deliveries, deliver, post, companyChanged } = ctx;
  return new Hono()
    .post("/reset", (c) => {
      state.reset();
      control.clear();
      deliveries.length = 0;
      return c.json({ ok: true });
    })
    .post("/companies/:id", async (c) => {
      const company = state.companies.get(Number(c.req.param("id")));
      if (!company) return c.json({ error: "no such company" }, 404);
      const b = (await c.req.json()) as { companyName?: string };
      if (b.companyName) company.companyName = b.companyName;
      return c.json({ deliveries: await companyChanged(company.id, "Update") });
    })
    .post("/contract-services/:id/units", async (c) => {
      const b = (await c.req.json()) as { units: number };
      state.setUnits(Number(c.req.param("id")), b.units);
      return c.json({ ok: true });
    })
    .post("/webhooks/:id/deactivate", async (c) => {
      const hook = state.webhooks.get(Number(c.req.param("id")));
      if (!hook) return c.json({ error: "no such webhook" }, 404);
      hook.isActive = false;
      return c.json(await post(hook.deactivationUrl, hook, { Action: "Deactivated", Guid: hook.guid, EntityType: "Company", Id: 0, SequenceNumber: ++state.sequence }));
    })
    .get("/deliveries", (c) => c.json(deliveries))
    .post("/deliveries/:i/resend", async (c) => {
      const d = deliveries[Number(c.req.param("i"))];
      if (!d) return c.json({ error: "no such delivery" }, 404);
      const res = await deliver(d.url, { method: "POST", headers: d.headers, body: d.body });
      return c.json({ status: res.status });
    })
    .get("/adjustments", (c) => c.json(state.adjustments))
    .post("/faults", async (c) => {
      const body = (await c.req.json()) as Fault | Fault[];
      for (const f of Array.isArray(body) ? body : [body]) control.addFault(f);
      return c.json({ faults: control.faults.length });
    })
    .get("/log", (c) => c.json(control.log))
    .delete("/log", (c) => {
      control.log = [];
      return c.json({ ok: true });
    });
}
