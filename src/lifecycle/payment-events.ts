/**
 * Payment events as the webhook receives them: each names a payment intent,
 * and the intent is settled from its current state (`settle.ts`), whatever
 * the event's own snapshot says. The event id is recorded (with the booking
 * when it caused one), which tells an operator what arrived; duplicates are
 * harmless because settling is idempotent.
 */
import type Stripe from "stripe";
import { recordEvent } from "./records";
import { settlePayment, type LifecycleContext, type Settlement } from "./settle";

/** Event types that can move a payment, a booking or a hold (refund events are rows of the same table). */
const SETTLING = new Set([
  "payment_intent.amount_capturable_updated",
  "payment_intent.succeeded",
  "payment_intent.canceled",
  "payment_intent.payment_failed",
  "charge.refunded",
  "charge.refund.updated",
  "refund.updated",
]);

export type EventOutcome = { ignored: true; reason: string } | { ignored: false; settlement: Settlement };

/** Stripe's payment intent ids (the simulated provider's too): anything else is no payment of ours. */
const INTENT_ID = /^pi_[A-Za-z0-9_]{1,250}$/;

/** The payment intent an event is about: a payment intent itself, or the charge or refund of one. */
export function intentOf(event: Stripe.Event): string | undefined {
  const object = event.data.object as { object?: unknown; id?: unknown; payment_intent?: unknown };
  const id = object.object === "payment_intent" ? object.id : object.payment_intent;
  return typeof id === "string" && INTENT_ID.test(id) ? id : undefined;
}

/** The event a payment is for (our metadata), and when the provider created the event. */
function aboutOf(event: Stripe.Event): { eventId: string | null; sentAt: Date | null } {
  const metadata = (event.data.object as { metadata?: unknown }).metadata;
  const eventId = metadata && typeof metadata === "object" ? (metadata as Record<string, unknown>).eventId : undefined;
  const created = typeof event.created === "number" && Number.isFinite(event.created) && event.created > 0 ? new Date(event.created * 1000) : null;
  return { eventId: typeof eventId === "string" && eventId.length <= 200 ? eventId : null, sentAt: created };
}

export async function onPaymentEvent(ctx: LifecycleContext, event: Stripe.Event): Promise<EventOutcome> {
  const paymentIntentId = intentOf(event);
  if (!paymentIntentId || !SETTLING.has(event.type)) {
    await recordEvent(ctx.db(), event.id, event.type, aboutOf(event));
    return { ignored: true, reason: `${event.type} does not move a booking` };
  }
  const settlement = await settlePayment({ ...ctx, cause: { id: event.id, type: event.type } }, paymentIntentId);
  await recordEvent(ctx.db(), event.id, event.type, aboutOf(event));
  if (settlement.outcome === "unknown") return { ignored: true, reason: `no payment intent ${paymentIntentId} of this system` };
  return { ignored: false, settlement };
}
