/**
 * Stripe's webhook endpoint (and, in development, the simulated provider's).
 * The signature is verified over the raw body before anything else; the
 * effects are in `booking/settle.ts`. A non-2xx answer makes Stripe retry.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { settle } from "../booking/settle";
import { createApp } from "../openapi-app";
import { paymentProvider } from "../payments/provider";
import { verifyEvent } from "../payments/webhook-events";
import { problemResponses } from "../problem";

const Received = z.object({ received: z.literal(true), outcome: z.string() }).openapi("WebhookReceived");

export const webhookRoutes = createApp().openapi(
  createRoute({
    method: "post",
    path: "/webhooks/stripe",
    summary: "Stripe webhook (signed with STRIPE_WEBHOOK_SECRET)",
    description: "Payment events: authorization, capture, cancellation. Verified with the Stripe-Signature header; idempotent by event id.",
    request: {
      headers: z.object({ "stripe-signature": z.string().optional() }),
      body: { content: { "application/json": { schema: z.object({}).passthrough().openapi({ description: "a Stripe event" }) } } },
    },
    responses: {
      200: { description: "settled", content: { "application/json": { schema: Received } } },
      ...problemResponses(400, 503),
    },
  }),
  async (c) => {
    const event = await verifyEvent(c.env, await c.req.text(), c.req.header("stripe-signature"));
    const outcome = await settle(
      { env: c.env, db: c.var.db, provider: paymentProvider(c.env, c.var.db), requestId: c.var.requestId },
      event,
    );
    return c.json({ received: true as const, outcome }, 200);
  },
);
