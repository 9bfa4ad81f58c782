/**
 * The one owner of a booking's life: `settlePayment` brings a payment, its
 * booking and its hold to agreement. It reads the facts (the payment from
 * the provider, the booking from Postgres, the hold from the event's
 * SeatRoom, and whether a refund is recorded), takes the step the transition
 * table names, updates the facts from what the step returns (re-reading the
 * booking after the room marks seats sold), and repeats until the table says
 * wait, done or anomaly.
 *
 * The Stripe webhook, the SeatRoom's alarm and the dev payment routes all
 * call it; it calls no caller back. Every step is idempotent and decided by
 * current state, never by an event's snapshot, so deliveries that are late,
 * duplicated, reordered or concurrent converge on the same end. A step that
 * fails (Postgres or the provider unreachable) throws: the webhook answers
 * non-2xx and Stripe retries; the room's alarm retries with backoff.
 *
 * When the room's alarm drives it, `room` is the room itself: the steps are
 * the room's public methods, each deciding on the room's stored state at
 * the moment it runs, so the room re-checks everything after every await.
 */
import type { Mailer } from "../mail/outbox";
import type { Database } from "../shared/database";
import { eventOfHold, HOLD_ID_PATTERN } from "../shared/ids";
import { log } from "../shared/log";
import type { ClaimOutcome, PaymentHold, SoldBooking, Trace } from "../shared/room-protocol";
import { PaymentError, type PaymentIntentView, type PaymentProvider } from "../payments/provider";
import { bookingByIntent, confirmBooking, fenceHold, Fenced, recordRefund, SeatsTaken, voidBooking, writeBooking, type BookingRow } from "./records";
import { paymentPhase, refundPhase, transitionFor, type Facts, type Step } from "./transitions";

/** The SeatRoom steps the lifecycle takes (the room's RPC stub, or the room itself in its alarm). */
export interface RoomSteps {
  paymentHold(eventId: string, holdId: string, paymentIntentId: string): Promise<PaymentHold>;
  claim(eventId: string, holdId: string, paymentIntentId: string, authorized: { amountCents: number; currency: string }, trace?: Trace): Promise<ClaimOutcome>;
  /** Ends a claim the Postgres fence let go of. */
  abandonClaim(eventId: string, holdId: string, paymentIntentId: string, reason: string, trace?: Trace): Promise<PaymentHold>;
  markSold(eventId: string, holdId: string, paymentIntentId: string, booking: SoldBooking, trace?: Trace): Promise<PaymentHold>;
  returnSeats(eventId: string, holdId: string, paymentIntentId: string, bookingId: string, status: "cancelled" | "refunded", trace?: Trace): Promise<PaymentHold>;
  paymentCancelled(eventId: string, holdId: string, paymentIntentId: string, trace?: Trace): Promise<PaymentHold>;
}

export interface LifecycleContext {
  db: () => Database;
  provider: PaymentProvider;
  room: (eventId: string) => RoomSteps;
  /** Correlates log lines (the request id, or the room's alarm). */
  requestId: string;
  /** The payment event that caused this settlement, recorded with a booking it writes. */
  cause?: { id: string; type: string };
  /** The fan's mail (the confirmation), handed to the queue after the step that wrote it commits. */
  mail: Mailer;
}

export interface Settlement {
  /** settled: nothing left to do; pending: checkout under way; anomaly: logged for an operator; unknown: not one of ours. */
  outcome: "settled" | "pending" | "anomaly" | "unknown";
  paymentIntentId: string;
  steps: Step[];
  facts: Facts | null;
  eventId?: string;
  holdId?: string;
  bookingId?: string;
}

export interface PaymentRef {
  paymentIntentId: string;
  eventId: string;
  holdId: string;
}

const MAX_STEPS = 12;

/** Which hold a payment is for, from the intent's own metadata; undefined for a payment that is not ours. */
export function refOf(intent: PaymentIntentView): PaymentRef | undefined {
  const { eventId, holdId } = intent.metadata;
  if (typeof holdId !== "string" || typeof eventId !== "string" || !HOLD_ID_PATTERN.test(holdId) || eventOfHold(holdId) !== eventId) return undefined;
  return { paymentIntentId: intent.id, eventId, holdId };
}

export async function settlePayment(ctx: LifecycleContext, paymentIntentId: string): Promise<Settlement> {
  const found = await ctx.provider.retrieve(paymentIntentId);
  const ref = found ? refOf(found) : undefined;
  if (!found || !ref) return { outcome: "unknown", paymentIntentId, steps: [], facts: null };
  let payment = found;
  const room = ctx.room(ref.eventId);
  let [booking, hold] = await Promise.all([bookingByIntent(ctx.db(), paymentIntentId), room.paymentHold(ref.eventId, ref.holdId, paymentIntentId)]);
  const steps: Step[] = [];
  const { eventId, holdId } = ref;
  const trace = { requestId: ctx.requestId };

  for (let i = 0; i < MAX_STEPS; i++) {
    const facts: Facts = { payment: paymentPhase(payment), booking: booking?.status ?? "none", hold: hold.phase, refund: refundPhase(payment, booking) };
    const { step } = transitionFor(facts);
    if (step === "wait" || step === "done" || step === "anomaly") {
      const outcome = step === "wait" ? "pending" : step === "done" ? "settled" : "anomaly";
      const settlement: Settlement = { outcome, paymentIntentId, steps, facts, eventId, holdId, ...(booking ? { bookingId: booking.id } : {}) };
      log(step === "anomaly" ? "error" : "info", step === "anomaly" ? "lifecycle_anomaly" : "payment_settled", {
        requestId: ctx.requestId,
        paymentIntentId,
        eventId,
        holdId,
        bookingId: booking?.id,
        steps: steps.join(",") || "none",
        ...facts,
      });
      return settlement;
    }
    steps.push(step);
    switch (step) {
      case "cancelPayment":
        payment = await ctx.provider.cancel(paymentIntentId);
        break;
      case "claimOrCancel": {
        const claim = await room.claim(eventId, holdId, paymentIntentId, { amountCents: payment.amountCapturable, currency: payment.currency }, trace);
        if (claim.kind === "claimed") {
          hold = { phase: "booking", hold: claim.hold };
        } else {
          log("info", "claim_refused", { requestId: ctx.requestId, paymentIntentId, eventId, holdId, reason: claim.reason });
          payment = await ctx.provider.cancel(paymentIntentId);
          hold = await room.paymentHold(eventId, holdId, paymentIntentId);
        }
        break;
      }
      case "bookOrCancel": {
        const claimed = hold.hold;
        if (!claimed) throw new Error(`hold ${holdId} is booking but the room sent no hold`);
        try {
          booking = await writeBooking(ctx.db(), {
            cause: ctx.cause,
            eventId,
            holdId,
            userId: claimed.userId,
            seats: claimed.seats,
            amountCents: claimed.totalCents,
            currency: claimed.currency,
            paymentIntentId,
            charges: claimed.charges,
            codeId: claimed.code?.id ?? null,
          });
          log("info", "booking_written", { requestId: ctx.requestId, bookingId: booking.id, paymentIntentId, eventId, holdId, seats: booking.seats.length });
        } catch (error) {
          if (!(error instanceof SeatsTaken) && !(error instanceof Fenced)) throw error;
          log("warn", "booking_refused", { requestId: ctx.requestId, paymentIntentId, eventId, holdId, reason: error.message });
          if ((await releaseClaim(ctx, ref, error.message)) === "booked") {
            booking = await bookingByIntent(ctx.db(), paymentIntentId);
          } else {
            payment = await ctx.provider.cancel(paymentIntentId);
          }
          hold = await room.paymentHold(eventId, holdId, paymentIntentId);
        }
        break;
      }
      case "markSold": {
        const sold = required(booking);
        hold = await room.markSold(eventId, holdId, paymentIntentId, { id: sold.id, userId: sold.userId, seats: sold.seats }, trace);
        // After the room's I/O: the booking may have been voided meanwhile.
        booking = await bookingByIntent(ctx.db(), paymentIntentId);
        break;
      }
      case "capture":
        try {
          payment = await ctx.provider.capture(paymentIntentId);
        } catch (error) {
          if (!(error instanceof PaymentError)) throw error;
          // The payment moved on (cancelled meanwhile): act on what it is now.
          payment = (await ctx.provider.retrieve(paymentIntentId)) ?? payment;
        }
        break;
      case "confirmBooking":
        booking = await confirmBooking(ctx.db(), required(booking), ctx.mail);
        await ctx.mail.dispatch();
        break;
      case "refundPayment":
        payment = await ctx.provider.refund(paymentIntentId);
        log("warn", "payment_refunded", { requestId: ctx.requestId, paymentIntentId, eventId, holdId, bookingId: booking?.id });
        break;
      case "voidBooking":
        booking = await voidBooking(ctx.db(), required(booking), "cancelled");
        break;
      case "refundBooking":
        booking = await voidBooking(ctx.db(), required(booking), "refunded");
        break;
      case "recordRefund":
        booking = await recordRefund(ctx.db(), required(booking), payment.amountRefunded);
        break;
      case "returnSeats": {
        const voided = required(booking);
        hold = await room.returnSeats(eventId, holdId, paymentIntentId, voided.id, voided.status === "refunded" ? "refunded" : "cancelled", trace);
        break;
      }
      case "releaseHold":
        hold = await room.paymentCancelled(eventId, holdId, paymentIntentId, trace);
        break;
      case "abandonClaim":
        if ((await releaseClaim(ctx, ref, "the payment was cancelled")) === "booked") booking = await bookingByIntent(ctx.db(), paymentIntentId);
        hold = await room.paymentHold(eventId, holdId, paymentIntentId);
        break;
    }
  }
  throw new Error(`payment ${paymentIntentId} did not settle in ${MAX_STEPS} steps (${steps.join(",")})`);
}

/**
 * Gives up the room's claim on a hold through the Postgres fence: the room
 * frees the seats only if the fence says `ended`; `booked` means the booking
 * transaction won, and the booking stands.
 */
export async function releaseClaim(ctx: Pick<LifecycleContext, "db" | "room"> & { requestId?: string }, ref: PaymentRef, reason: string): Promise<"ended" | "booked"> {
  const won = await fenceHold(ctx.db(), { holdId: ref.holdId, eventId: ref.eventId, paymentIntentId: ref.paymentIntentId });
  if (won === "ended") await ctx.room(ref.eventId).abandonClaim(ref.eventId, ref.holdId, ref.paymentIntentId, reason, { requestId: ctx.requestId });
  return won;
}

function required(booking: BookingRow | undefined): BookingRow {
  if (!booking) throw new Error("the transition table named a booking step without a booking");
  return booking;
}
