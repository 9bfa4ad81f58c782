/**
 * Local development only (DEV_AUTH=1 and no Stripe key): the simulated card
 * network and its controls. An action moves the simulated payment intent as
 * Stripe would (the fan's card is authorized or declined; someone captures,
 * cancels or refunds it out of band; an outage) and the provider writes the event
 * Stripe would send into its outbox. `deliver=now` (the default) delivers
 * the intent's new events, signed by the stripe library, through the real
 * webhook endpoint, and then the events that delivery caused (a capture's
 * `succeeded`), as Stripe would; `deliver=later` leaves them in the outbox,
 * to be delivered late, twice or out of order with `/events/{id}/deliver`.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { PaymentError } from "../../../src/payments/provider";
import { SimulatedProvider } from "../../../src/payments/simulated-provider";
import { ID_PATTERN } from "../../../src/shared/ids";
import type { AppEnv } from "../env";
import { createApp } from "../openapi-app";
import { signEvent } from "../payments/webhook-events";
import { Problem, problemResponses } from "../problem";

const simulatedPaymentsOnly = createMiddleware<AppEnv>(async (c, next) => {
  if (c.env.DEV_AUTH !== "1" || c.env.STRIPE_SECRET_KEY) throw new Problem(404, `no route ${c.req.method} ${c.req.path}`);
  await next();
});

const IntentId = z.string().regex(/^pi_sim_[A-Za-z0-9]{20}$/, "must be a simulated payment intent id");
const ACTIONS = ["authorize", "succeed", "fail", "capture", "cancel", "refund"] as const;
/** How many rounds of follow-up events one `deliver=now` delivers (a capture's `succeeded`, say). */
const MAX_ROUNDS = 4;

const Delivery = z.object({ stripeEventId: z.string(), type: z.string(), webhookStatus: z.number().int(), webhook: z.unknown() }).openapi("SimulatedDelivery");
const ActionResult = z
  .object({ paymentIntentId: z.string(), status: z.string(), events: z.array(z.object({ stripeEventId: z.string(), type: z.string() })), delivered: z.array(Delivery) })
  .openapi("SimulatedPaymentAction");

/** Signs an outbox event now and posts it to the webhook endpoint, exactly as Stripe would deliver it. */
async function deliver(c: Context<AppEnv>, provider: SimulatedProvider, event: { id: string; type: string; payload: string }) {
  const { app } = await import("../app");
  const response = await app.fetch(
    new Request(new URL("/api/webhooks/stripe", c.req.url), {
      method: "POST",
      headers: { "content-type": "application/json", "stripe-signature": await signEvent(c.env, event.payload) },
      body: event.payload,
    }),
    c.env,
    c.executionCtx,
  );
  await provider.noteDelivery(event.id);
  return { stripeEventId: event.id, type: event.type, webhookStatus: response.status, webhook: (await response.json()) as unknown };
}

export const devPaymentRoutes = createApp()
  .openapi(
    createRoute({
      method: "post",
      path: "/dev/payments/{paymentIntentId}/{action}",
      operationId: "simulatePaymentAction",
      security: [],
      summary: "Local development only: the simulated card network acts on a payment",
      description:
        "authorize (alias succeed): the card is authorized. fail: declined. capture / cancel / refund: someone captures, cancels or refunds it out of band (Stripe's dashboard, an expired authorization). The events Stripe would send are delivered to POST /api/webhooks/stripe now, or left in the outbox with deliver=later.",
      middleware: [simulatedPaymentsOnly],
      request: {
        params: z.object({
          paymentIntentId: IntentId.openapi({ param: { name: "paymentIntentId", in: "path" } }),
          action: z.enum(ACTIONS).openapi({ param: { name: "action", in: "path" } }),
        }),
        query: z.object({ deliver: z.enum(["now", "later"]).default("now") }),
      },
      responses: {
        200: { description: "the intent, its new events and their deliveries", content: { "application/json": { schema: ActionResult } } },
        ...problemResponses(400, 404, 409),
      },
    }),
    async (c) => {
      const { paymentIntentId, action } = c.req.valid("param");
      const { deliver: when } = c.req.valid("query");
      const provider = new SimulatedProvider(c.var.db);
      const before = new Set((await provider.events([paymentIntentId])).map((e) => e.id));
      let intent;
      try {
        if (action === "authorize" || action === "succeed") intent = await provider.authorize(paymentIntentId);
        else if (action === "fail") intent = await provider.decline(paymentIntentId);
        else if (action === "capture") intent = await provider.capture(paymentIntentId);
        else if (action === "refund") intent = await provider.refund(paymentIntentId);
        else intent = await provider.cancel(paymentIntentId);
      } catch (error) {
        if (error instanceof PaymentError) throw new Problem(error.message.startsWith("no payment intent") ? 404 : 409, error.message);
        throw error;
      }
      const created = (await provider.events([paymentIntentId])).filter((e) => !before.has(e.id));
      const delivered = [];
      if (when === "now") {
        for (let round = 0; round < MAX_ROUNDS; round++) {
          const pending = (await provider.events([paymentIntentId])).filter((e) => e.deliveries === 0);
          if (pending.length === 0) break;
          for (const event of pending) delivered.push(await deliver(c, provider, event));
        }
      }
      return c.json(
        { paymentIntentId, status: intent.status, events: created.map((e) => ({ stripeEventId: e.id, type: e.type })), delivered },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/dev/payments/{paymentIntentId}/events",
      operationId: "listSimulatedPaymentEvents",
      security: [],
      summary: "Local development only: the events the simulated provider would have sent for a payment",
      middleware: [simulatedPaymentsOnly],
      request: { params: z.object({ paymentIntentId: IntentId.openapi({ param: { name: "paymentIntentId", in: "path" } }) }) },
      responses: {
        200: {
          description: "the outbox, oldest first",
          content: { "application/json": { schema: z.object({ events: z.array(z.object({ stripeEventId: z.string(), type: z.string(), deliveries: z.number().int() })) }) } },
        },
        ...problemResponses(400, 404),
      },
    }),
    async (c) => {
      const { paymentIntentId } = c.req.valid("param");
      const events = await new SimulatedProvider(c.var.db).events([paymentIntentId]);
      return c.json({ events: events.map((e) => ({ stripeEventId: e.id, type: e.type, deliveries: e.deliveries })) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/dev/payments/events/{stripeEventId}/deliver",
      operationId: "deliverSimulatedPaymentEvent",
      security: [],
      summary: "Local development only: deliver an outbox event (again) to the webhook",
      middleware: [simulatedPaymentsOnly],
      request: { params: z.object({ stripeEventId: z.string().regex(/^evt_sim_[0-9a-f]{32}$/, "must be a simulated event id").openapi({ param: { name: "stripeEventId", in: "path" } }) }) },
      responses: { 200: { description: "the delivery", content: { "application/json": { schema: Delivery } } }, ...problemResponses(400, 404) },
    }),
    async (c) => {
      const provider = new SimulatedProvider(c.var.db);
      const event = await provider.event(c.req.valid("param").stripeEventId);
      if (!event) throw new Problem(404, "no such event in the simulated provider's outbox");
      return c.json(await deliver(c, provider, event), 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/dev/payments/outage",
      operationId: "simulatePaymentOutage",
      security: [],
      summary: "Local development only: the simulated provider fails every call about an event's payments (or all) for a while (0 ends the outage)",
      middleware: [simulatedPaymentsOnly],
      request: {
        body: {
          content: {
            "application/json": {
              schema: z.object({ seconds: z.number().int().min(0).max(86_400), eventId: z.string().regex(ID_PATTERN, "must be an event id").optional() }).strict(),
            },
          },
          required: true,
        },
      },
      responses: { 200: { description: "set", content: { "application/json": { schema: z.object({ unavailableUntil: z.string().nullable() }) } } }, ...problemResponses(400, 404) },
    }),
    async (c) => {
      const { seconds, eventId } = c.req.valid("json");
      const until = seconds > 0 ? new Date(Date.now() + seconds * 1000) : null;
      await new SimulatedProvider(c.var.db).setOutage(eventId ?? "*", until);
      return c.json({ unavailableUntil: until ? until.toISOString() : null }, 200);
    },
  );
