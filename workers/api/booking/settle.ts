/**
 * What each payment event does. Webhooks arrive late, twice and out of
 * order, so every step is idempotent and decided by current state, not by
 * the event's (possibly stale) snapshot:
 *
 * - authorized (`payment_intent.amount_capturable_updated`): the room decides
 *   whether the hold can still become a booking. If so, one Postgres
 *   transaction writes the booking, its tickets and the event; the room marks
 *   the seats sold (Postgres is the record of *sold*); then the payment is
 *   captured. If not, the authorization is cancelled: no charge, no refund.
 * - captured (`payment_intent.succeeded`): confirms the booking, or refunds a
 *   payment that has none.
 * - cancelled (`payment_intent.canceled`): a hold still paying is released; an
 *   uncaptured booking gives its tickets back.
 * - an event seen before: its effects are re-driven from the booking's state
 *   (capture, mark sold), which is what a retry after a failure needs.
 *
 * Any failure (Postgres down, Stripe down) propagates as a non-2xx so Stripe
 * retries; Postgres writes are transactional, so nothing is half-written.
 */
import type Stripe from "stripe";
import { log } from "../../../src/shared/log";
import type { Database, Env } from "../env";
import type { PaymentProvider, PaymentStatus } from "../payments/provider";
import { seatRoom } from "../rooms";
import { bookingByIntent, isProcessed, recordEvent, SeatsTaken, setBookingStatus, voidBooking, writeBooking, type BookingRow } from "./records";

export interface SettleContext {
  env: Env;
  db: () => Database;
  provider: PaymentProvider;
  requestId: string;
}

export type Outcome = "booked" | "confirmed" | "cancelled" | "refunded" | "released" | "ignored" | "reconciled";

interface IntentRef {
  id: string;
  eventId: string;
  holdId: string;
}

const HANDLED = new Set(["payment_intent.amount_capturable_updated", "payment_intent.succeeded", "payment_intent.canceled"]);

export async function settle(ctx: SettleContext, event: Stripe.Event): Promise<Outcome> {
  const intent = intentOf(event);
  if (!intent || !HANDLED.has(event.type)) {
    await recordEvent(ctx.db(), event.id, event.type);
    return "ignored";
  }
  if (await isProcessed(ctx.db(), event.id)) return reconcile(ctx, intent);
  const outcome =
    event.type === "payment_intent.amount_capturable_updated"
      ? await onAuthorized(ctx, intent, event)
      : event.type === "payment_intent.canceled"
        ? await onCanceled(ctx, intent)
        : await reconcile(ctx, intent);
  await recordEvent(ctx.db(), event.id, event.type);
  log("info", "payment_event_settled", { requestId: ctx.requestId, stripeEventId: event.id, type: event.type, paymentIntentId: intent.id, holdId: intent.holdId, outcome });
  return outcome;
}

/**
 * The card is authorized: the room decides whether the hold becomes a
 * booking. `event` is recorded with the booking when it is the cause; a
 * reconciliation books without one.
 */
async function onAuthorized(ctx: SettleContext, intent: IntentRef, event?: Stripe.Event): Promise<Outcome> {
  // A booking already written for this payment (a retry, or another event
  // for it) is finished, never decided again.
  if (await bookingByIntent(ctx.db(), intent.id)) return reconcile(ctx, intent);
  const current = await ctx.provider.retrieve(intent.id);
  // An out-of-order or late event: act on what the payment is now.
  if (current.status !== "requires_capture") return reconcile(ctx, intent);
  const room = seatRoom(ctx.env, intent.eventId);
  const plan = await room.beginBooking(intent.eventId, intent.holdId, intent.id);
  if (plan.kind === "done") return (await bookingByIntent(ctx.db(), intent.id)) ? reconcile(ctx, intent) : "reconciled";
  if (plan.kind === "cancel") {
    await ctx.provider.cancel(intent.id);
    log("info", "authorization_cancelled", { requestId: ctx.requestId, paymentIntentId: intent.id, holdId: intent.holdId, reason: plan.reason });
    return "cancelled";
  }
  const { hold } = plan;
  if (current.amountCapturable < hold.totalCents || current.currency !== hold.currency) {
    await room.abandonBooking(intent.eventId, intent.holdId, "authorized amount does not cover the hold");
    await ctx.provider.cancel(intent.id);
    return "cancelled";
  }
  let booking: BookingRow | undefined;
  try {
    booking = await writeBooking(ctx.db(), {
      stripeEvent: event ? { id: event.id, type: event.type } : undefined,
      eventId: intent.eventId,
      holdId: intent.holdId,
      userId: hold.userId,
      seats: hold.seats,
      amountCents: hold.totalCents,
      currency: hold.currency,
      paymentIntentId: intent.id,
    });
  } catch (error) {
    if (!(error instanceof SeatsTaken)) throw error;
    await room.abandonBooking(intent.eventId, intent.holdId, error.message);
    await ctx.provider.cancel(intent.id);
    log("warn", "booking_refused_by_postgres", { requestId: ctx.requestId, paymentIntentId: intent.id, holdId: intent.holdId });
    return "cancelled";
  }
  // undefined: a concurrent delivery of this event recorded it first.
  if (!booking) return reconcile(ctx, intent);
  await finish(ctx, booking, intent, current.status);
  log("info", "booking_created", { requestId: ctx.requestId, bookingId: booking.id, holdId: intent.holdId, eventId: intent.eventId, userId: booking.userId, seats: booking.seats.length });
  return "booked";
}

async function onCanceled(ctx: SettleContext, intent: IntentRef): Promise<Outcome> {
  const booking = await bookingByIntent(ctx.db(), intent.id);
  if (booking && booking.status === "authorized") await voidBooking(ctx.db(), booking, "canceled");
  if (booking) {
    await giveBack(ctx, intent, booking);
    return "cancelled";
  }
  await seatRoom(ctx.env, intent.eventId).paymentCanceled(intent.eventId, intent.holdId, intent.id);
  return "released";
}

/** Brings a payment and its booking to their final state from wherever they are. */
async function reconcile(ctx: SettleContext, intent: IntentRef): Promise<Outcome> {
  // The payment first, then the booking: a booking is always written before
  // its payment is captured, so a captured payment with no booking here
  // really has none.
  const current = await ctx.provider.retrieve(intent.id);
  const booking = await bookingByIntent(ctx.db(), intent.id);
  if (booking) {
    if (booking.status !== "canceled" && booking.status !== "refunded" && current.status === "canceled") {
      await voidBooking(ctx.db(), booking, "canceled");
      booking.status = "canceled";
    }
    if (booking.status === "canceled" || booking.status === "refunded") {
      await giveBack(ctx, intent, booking);
      return "cancelled";
    }
    await finish(ctx, booking, intent, current.status);
    return "confirmed";
  }
  // A captured payment that is no booking is given back.
  if (current.status === "succeeded") {
    await ctx.provider.refund(intent.id);
    log("warn", "payment_refunded", { requestId: ctx.requestId, paymentIntentId: intent.id, holdId: intent.holdId });
    return "refunded";
  }
  // An authorization with no booking yet: the room decides, as for a first delivery.
  if (current.status === "requires_capture") return onAuthorized(ctx, intent);
  return "reconciled";
}

/** The room marks the seats sold, then the authorization is captured. */
async function finish(ctx: SettleContext, booking: BookingRow, intent: IntentRef, status: PaymentStatus): Promise<void> {
  await seatRoom(ctx.env, intent.eventId).completeBooking(intent.eventId, intent.holdId, {
    id: booking.id,
    userId: booking.userId,
    seats: booking.seats,
  });
  if (booking.status !== "authorized") return;
  // The booking may have been voided meanwhile (a cancellation raced us): then the seats go back.
  const now = await bookingByIntent(ctx.db(), intent.id);
  if (now && (now.status === "canceled" || now.status === "refunded")) {
    await giveBack(ctx, intent, now);
    return;
  }
  if (status !== "succeeded") await ctx.provider.capture(intent.id);
  await setBookingStatus(ctx.db(), booking.id, "confirmed");
}

/** A booking that will not stand: the room frees its seats (idempotent, so safe on every retry). */
async function giveBack(ctx: SettleContext, intent: IntentRef, booking: BookingRow): Promise<void> {
  await seatRoom(ctx.env, intent.eventId).refundBooking(intent.eventId, booking.id);
}

function intentOf(event: Stripe.Event): IntentRef | undefined {
  if (!event.type.startsWith("payment_intent.")) return undefined;
  const object = event.data.object as { id?: unknown; metadata?: Record<string, unknown> };
  const { eventId, holdId } = object.metadata ?? {};
  if (typeof object.id !== "string" || typeof eventId !== "string" || typeof holdId !== "string") return undefined;
  return { id: object.id, eventId, holdId };
}
