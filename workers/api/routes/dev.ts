/**
 * Local development only (DEV_AUTH=1, set by `npm run dev` and the tests):
 * mints tokens so a developer can act as any fan or organizer without an
 * identity provider, and plays the card network for the simulated payment
 * provider. Without DEV_AUTH (or, for payments, with a Stripe key) the
 * routes answer 404, as if absent.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { createMiddleware } from "hono/factory";
import { signToken } from "../auth";
import type { AppEnv } from "../env";
import { createApp } from "../openapi-app";
import { PaymentError } from "../payments/provider";
import { SimulatedProvider } from "../payments/simulated-provider";
import { signEvent } from "../payments/webhook-events";
import { problemResponses, Problem } from "../problem";

const devOnly = createMiddleware<AppEnv>(async (c, next) => {
  if (c.env.DEV_AUTH !== "1") throw new Problem(404, `no route ${c.req.method} ${c.req.path}`);
  await next();
});

const simulatedPaymentsOnly = createMiddleware<AppEnv>(async (c, next) => {
  if (c.env.DEV_AUTH !== "1" || c.env.STRIPE_SECRET_KEY) throw new Problem(404, `no route ${c.req.method} ${c.req.path}`);
  await next();
});

const TokenRequest = z
  .object({
    userId: z.string().trim().min(1).max(200).regex(/^[\w.@:-]+$/, "letters, digits and . _ @ : - only"),
    roles: z.array(z.enum(["fan", "organizer"])).max(2).default([]),
  })
  .strict()
  .openapi("DevTokenRequest");

const PaymentParams = z.object({
  paymentIntentId: z.string().regex(/^pi_sim_[A-Za-z0-9]{20}$/, "must be a simulated payment intent id").openapi({ param: { name: "paymentIntentId", in: "path" } }),
  outcome: z.enum(["succeed", "fail"]).openapi({ param: { name: "outcome", in: "path" } }),
});

const Delivered = z
  .object({ stripeEventId: z.string(), type: z.string(), webhookStatus: z.number().int(), webhook: z.unknown() })
  .openapi("SimulatedDelivery");

export const devRoutes = createApp()
  .openapi(
    createRoute({
      method: "post",
      path: "/dev/token",
      summary: "Local development only: a signed token for any user",
      middleware: [devOnly],
      request: { body: { content: { "application/json": { schema: TokenRequest } }, required: true } },
      responses: {
        200: { description: "a token", content: { "application/json": { schema: z.object({ token: z.string() }) } } },
        ...problemResponses(400, 404),
      },
    }),
    async (c) => {
      const { userId, roles } = c.req.valid("json");
      return c.json({ token: await signToken(c.env, { id: userId, roles }) }, 200);
    },
  )
  .openapi(
    createRoute({
      method: "post",
      path: "/dev/payments/{paymentIntentId}/{outcome}",
      summary: "Local development only: the simulated card is authorized (succeed) or declined (fail)",
      description: "Moves the simulated payment intent and delivers the Stripe event, signed with the stripe library, to POST /api/webhooks/stripe.",
      middleware: [simulatedPaymentsOnly],
      request: { params: PaymentParams },
      responses: {
        200: { description: "the event and the webhook's answer", content: { "application/json": { schema: Delivered } } },
        ...problemResponses(400, 404, 409),
      },
    }),
    async (c) => {
      const { paymentIntentId, outcome } = c.req.valid("param");
      const provider = new SimulatedProvider(c.var.db);
      try {
        if (outcome === "succeed") await provider.authorize(paymentIntentId);
        else await provider.decline(paymentIntentId);
      } catch (error) {
        if (error instanceof PaymentError) throw new Problem(409, error.message);
        throw error;
      }
      const type = outcome === "succeed" ? "payment_intent.amount_capturable_updated" : "payment_intent.payment_failed";
      const event = {
        id: `evt_sim_${crypto.randomUUID().replaceAll("-", "")}`,
        object: "event",
        api_version: "2025-01-27.acacia",
        created: Math.floor(Date.now() / 1000),
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
        type,
        data: { object: await provider.stripeObject(paymentIntentId) },
      };
      const payload = JSON.stringify(event);
      // Through the real endpoint, exactly as Stripe would deliver it.
      const { app } = await import("../app");
      const response = await app.fetch(
        new Request(new URL("/api/webhooks/stripe", c.req.url), {
          method: "POST",
          headers: { "content-type": "application/json", "stripe-signature": await signEvent(c.env, payload) },
          body: payload,
        }),
        c.env,
        c.executionCtx,
      );
      return c.json({ stripeEventId: event.id, type, webhookStatus: response.status, webhook: await response.json() }, 200);
    },
  );
