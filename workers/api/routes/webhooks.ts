/**
 * Stripe's webhook endpoint (and, in development, the simulated provider's).
 * The signature is verified over the raw body before anything else; the
 * effects are the booking lifecycle's (`src/lifecycle/`). A non-2xx answer
 * makes Stripe retry, so only a failure to settle is one: an event for a
 * payment this system does not know is a 200 `{ ignored: true }`.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { onPaymentEvent } from "../../../src/lifecycle/payment-events";
import { paymentProvider } from "../../../src/payments/provider";
import { mailer } from "../mail/outbox";
import { createApp } from "../openapi-app";
import { verifyEvent } from "../payments/webhook-events";
import { problemResponses, validationProblem } from "../problem";
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
