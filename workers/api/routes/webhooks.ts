/**
 * Stripe's webhook endpoint (and, in development, the simulated provider's).
 * The signature is verified over the raw body before anything else; the
 * effects are the booking lifecycle's (`src/lifecycle/`). A non-2xx answer
 * makes Stripe retry, so only a failure to settle is one: an event for a
 * payment this system does not know is a 200 `{ ignored: true }`.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { intentOf, onPaymentEvent } from "../../../src/lifecycle/payment-events";
import { HOLD_ID_PATTERN, eventOfHold } from "../../../src/shared/ids";
import { paymentProvider } from "../../../src/payments/provider";
import { mailer } from "../mail/outbox";
import { createApp } from "../openapi-app";
import { verifyEvent } from "../payments/webhook-events";
import { problemResponses, validationProblem } from "../problem";
import { noteIds } from "../request-log";
import { seatRoom } from "../rooms";

/** The shape every Stripe event has; a validly signed payload without it is refused, never a 5xx. */
const StripeEventShape = z.object({
  id: z.string().regex(/^evt_[A-Za-z0-9_]{1,250}$/, "must be a Stripe event id"),
  type: z.string().regex(/^[a-z_.]{1,100}$/, "must be a Stripe event type"),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

const Received = z
  .object({
    received: z.literal(true),
    outcome: z.string().openapi({ description: "settled, pending, anomaly, or ignored" }),
    ignored: z.literal(true).optional(),
    steps: z.array(z.string()).optional().openapi({ description: "the lifecycle steps this delivery took" }),
    state: z.object({ payment: z.string(), booking: z.string(), hold: z.string(), refund: z.string() }).optional(),
  })
  .openapi("WebhookReceived");

export const webhookRoutes = createApp().openapi(
  createRoute({
    method: "post",
    path: "/webhooks/stripe",
    operationId: "receiveStripeWebhook",
    security: [],
    summary: "Stripe webhook (signed with STRIPE_WEBHOOK_SECRET)",
    description: "Payment events: authorization, capture, cancellation, refunds. Verified with the Stripe-Signature header; each settles its payment from current state.",
    request: {
      headers: z.object({ "stripe-signature": z.string().optional() }),
      body: { content: { "application/json": { schema: z.object({}).passthrough().openapi({ description: "a Stripe event" }) } } },
    },
    responses: {
      200: { description: "settled (or ignored)", content: { "application/json": { schema: Received } } },
      ...problemResponses(400, 503),
    },
  }),
  async (c) => {
    const event = await verifyEvent(c.env, await c.req.text(), c.req.header("stripe-signature"));
    const shape = StripeEventShape.safeParse(event);
    if (!shape.success) throw validationProblem(shape.error, "Stripe event");
    noteIds(c, { stripeEventId: shape.data.id, type: shape.data.type, paymentIntentId: intentOf(event), ...holdOf(shape.data.data.object) });
    const result = await onPaymentEvent(
      {
        db: c.var.db,
        provider: paymentProvider(c.env, c.var.db),
        room: (eventId) => seatRoom(c.env, eventId),
        requestId: c.var.requestId,
        mail: mailer(c.env, c.executionCtx),
      },
      event,
    );
    if (result.ignored) return c.json({ received: true as const, outcome: "ignored", ignored: true as const }, 200);
    const { settlement } = result;
    return c.json({ received: true as const, outcome: settlement.outcome, steps: settlement.steps, ...(settlement.facts ? { state: settlement.facts } : {}) }, 200);
  },
);

/** The hold (and so the event) a payment is for, from our metadata, for the request's log line. */
function holdOf(object: Record<string, unknown>): { holdId?: string; eventId?: string } {
  const holdId = (object.metadata as Record<string, unknown> | undefined)?.holdId;
  return typeof holdId === "string" && HOLD_ID_PATTERN.test(holdId) ? { holdId, eventId: eventOfHold(holdId) } : {};
}
