/**
 * Refunds an organizer asks for, in Postgres (the record of money). A
 * request voids its tickets at once and writes a `refunds` row in one
 * transaction, under a lock on the booking's row; the money is returned by
 * the provider afterwards, with the row's id as the idempotency key, and the
 * booking records it through the lifecycle (`settle.ts`: the provider's
 * refund is a fact of the transition table), never here.
 *
 * Invariants:
 * - a ticket is refunded at most once: its booked_tickets row is released in
 *   the same transaction as the refund row that names it;
 * - the money asked of the provider never exceeds what the booking has
 *   left: some tickets ask their prices (at most the booking's amount less
 *   every refund not failed and what the provider returned by other means);
 *   the last tickets ask for whatever the payment has left, whatever
 *   happened at the provider meanwhile;
 * - only a confirmed booking is refunded (an authorized one is still being
 *   captured; a cancelled or refunded one has nothing left);
 * - the fan is told once per refund (or once per booking when the event is
 *   cancelled): the notice is written to the mail outbox with the refund.
 */
import { and, desc, eq, inArray, sql } from "drizzle-orm";
import { writeRefundNotice } from "../mail/notices";
import type { Mailer } from "../mail/outbox";
import { bookedTickets, bookings, events, refunds, type RefundStatus } from "../shared/db-schema";
import type { Database } from "../shared/database";
import { newId } from "../shared/ids";
import { CANCELLATION_ACTOR } from "./cancellation";

export type RefundRow = typeof refunds.$inferSelect;

/** The booking cannot be refunded now (its payment is still being captured). */
export class RefundRefused extends Error {}

export interface RefundRequest {
  bookingId: string;
  /** Seats to refund; all the booking's live tickets when absent. */
  seats: number[] | undefined;
  reason: string | null;
  restock: boolean;
  requestedBy: string;
}

/**
 * Voids the requested tickets that are still live and records the refund
 * they are owed; undefined when none of them is live any more (a retried
 * request, or a booking already voided): nothing new to refund. The fan's
 * notice is written with it; the caller dispatches `mail` after this returns.
 */
export async function requestRefund(db: Database, request: RefundRequest, mail: Mailer): Promise<RefundRow | undefined> {
  return db.transaction(async (tx) => {
    const [booking] = await tx.select().from(bookings).where(eq(bookings.id, request.bookingId)).for("update");
    if (!booking) return undefined;
    if (booking.status === "authorized") throw new RefundRefused("this booking's payment is still being captured; refund it in a moment");
    if (booking.status !== "confirmed") return undefined;
    const live = await tx
      .select({ seat: bookedTickets.seatIndex, priceCents: bookedTickets.priceCents })
      .from(bookedTickets)
      .where(and(eq(bookedTickets.bookingId, booking.id), eq(bookedTickets.released, false)));
    const wanted = request.seats ? new Set(request.seats) : undefined;
    const target = wanted ? live.filter((t) => wanted.has(t.seat)) : live;
    if (target.length === 0) return undefined;

    const [claimed] = await tx
      .select({ cents: sql<number>`coalesce(sum(${refunds.amountCents}), 0)::int` })
      .from(refunds)
      .where(and(eq(refunds.bookingId, booking.id), inArray(refunds.status, ["pending", "succeeded"])));
    const left = booking.amountCents - Math.max(booking.refundedCents, claimed?.cents ?? 0);
    const prices = target.reduce((sum, t) => sum + t.priceCents, 0);
    // The last tickets take whatever is left, so the whole booking is returned to the cent.
    const amountCents = Math.max(0, target.length === live.length ? left : Math.min(prices, left));
    const seats = target.map((t) => t.seat).sort((a, b) => a - b);

    const [row] = await tx
      .insert(refunds)
      .values({
        id: newId("rf"),
        bookingId: booking.id,
        eventId: booking.eventId,
        seats,
        amountCents,
        whole: target.length === live.length,
        reason: request.reason,
        restock: request.restock,
        status: amountCents > 0 ? "pending" : "succeeded",
        requestedBy: request.requestedBy,
      })
      .returning();
    await tx
      .update(bookedTickets)
      .set({ released: true })
      .where(and(eq(bookedTickets.bookingId, booking.id), inArray(bookedTickets.seatIndex, seats), eq(bookedTickets.released, false)));
    await tx
      .update(events)
      .set({ soldCount: sql`${events.soldCount} - ${seats.length}` })
      .where(eq(events.id, booking.eventId));
    if (row) await writeRefundNotice(tx, mail, booking, row, request.requestedBy === CANCELLATION_ACTOR);
    return row;
  });
}

/** Every refund of a booking, newest first (the money is asked for oldest first). */
export async function refundsOf(db: Database, bookingId: string): Promise<RefundRow[]> {
  return db.select().from(refunds).where(eq(refunds.bookingId, bookingId)).orderBy(desc(refunds.createdAt));
}

/** pending → succeeded or failed (a compare-and-set: a refund settles once). */
export async function settleRefund(db: Database, id: string, status: Exclude<RefundStatus, "pending">, failure?: string): Promise<void> {
  await db
    .update(refunds)
    .set({ status, failure: failure ?? null, updatedAt: new Date() })
    .where(and(eq(refunds.id, id), eq(refunds.status, "pending")));
}
