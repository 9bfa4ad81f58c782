/**
 * Refunding a booking, whole or some tickets: the one path that the
 * organizer's refund route and the cancellation job both take.
 *
 * 1. Postgres voids the tickets and records the refund owed, with the
 *    fan's notice in the mail outbox (one transaction; the ticket tokens
 *    stop verifying at once); the notice is handed to the mail queue;
 * 2. the event's SeatRoom puts the seats back on sale, or keeps them back in
 *    a block (`restock: false`);
 * 3. the provider returns the money: some tickets' prices once (the
 *    refund's id is the idempotency key), and for the booking's last
 *    tickets whatever the payment has left;
 * 4. the booking lifecycle records it, as it records a refund made from the
 *    provider's dashboard (partly refunded: confirmed with its refunded
 *    amount; wholly: refunded).
 *
 * Each step is idempotent and a retry does them all again: what an earlier
 * attempt finished is a no-op, what it left undone (the provider was down:
 * PaymentUnavailable is thrown, the refund stays pending) is done now.
 */
import { refundsOf, requestRefund, settleRefund, type RefundRequest, type RefundRow } from "../../../src/lifecycle/refunds";
import { settlePayment } from "../../../src/lifecycle/settle";
import { mailer } from "../../../src/mail/outbox";
import { PaymentError, paymentProvider } from "../../../src/payments/provider";
import type { Database } from "../../../src/shared/database";
import { log } from "../../../src/shared/log";
import { seatRoom } from "../rooms";

export interface RefundContext {
  env: Env;
  db: () => Database;
  requestId: string;
  /**
   * The event's SeatRoom stub, when the caller refunds many bookings of one
   * event: one stub serves them all. A Worker invocation may hold only a few
   * connections open at once, and a stub holds one until it is collected.
   */
  room?: ReturnType<typeof seatRoom>;
}

export async function refundBooking(
  ctx: RefundContext,
  booking: { id: string; eventId: string; paymentIntentId: string | null },
  request: Omit<RefundRequest, "bookingId">,
): Promise<RefundRow | undefined> {
  const { env, db, requestId } = ctx;
  const { eventId } = booking;
  const mail = mailer(env);
  const created = await requestRefund(db(), { ...request, bookingId: booking.id }, mail);
  await mail.dispatch();
  if (created) log("info", "refund_requested", { requestId, eventId, bookingId: booking.id, refundId: created.id, seats: created.seats.length, amountCents: created.amountCents, userId: request.requestedBy });

  const room = ctx.room ?? seatRoom(env, eventId);
  const all = await refundsOf(db(), booking.id);
  for (const refund of all) {
    const keepBack = refund.restock ? null : { reason: `refunded, not restocked${refund.reason ? `: ${refund.reason}` : ""}`, by: refund.requestedBy };
    await room.returnTickets(eventId, booking.id, refund.seats, keepBack);
  }

  const provider = paymentProvider(env, db);
  const { paymentIntentId } = booking;
  // The last tickets' refund takes whatever is left, so it goes after every other: not by
  // `created_at`, which is its transaction's start and can come before a partial refund's that
  // committed first (racing refunds). The others go oldest first.
  const pending = all.filter((r) => r.status === "pending").reverse();
  for (const refund of [...pending.filter((r) => !r.whole), ...pending.filter((r) => r.whole)]) {
    if (!paymentIntentId) throw new Error(`booking ${booking.id} is confirmed without a payment`);
    try {
      await provider.refund(paymentIntentId, refund.whole ? undefined : { amountCents: refund.amountCents, idempotencyKey: refund.id });
      await settleRefund(db(), refund.id, "succeeded");
    } catch (error) {
      // PaymentUnavailable leaves it pending, for the retry; a refusal is final and said.
      if (!(error instanceof PaymentError)) throw error;
      await settleRefund(db(), refund.id, "failed", error.message);
      log("warn", "refund_failed", { requestId, eventId, bookingId: booking.id, refundId: refund.id, message: error.message });
    }
  }
  if (paymentIntentId) await settlePayment({ db, provider, room: (id) => (id === eventId ? room : seatRoom(env, id)), requestId, mail }, paymentIntentId);
  return created;
}
