/**
 * An organizer refunds a booking of their org, whole or some tickets, by the
 * path every refund takes (`payments/refund-booking.ts`): the tickets are
 * void at once, the seats go back on sale (or into a block), the money goes
 * back once. A retried request refunds once and finishes what an earlier
 * attempt left undone.
 */
import { createRoute } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import { refundsOf, RefundRefused, type RefundRow } from "../../../src/lifecycle/refunds";
import { BookingParams } from "../../../src/shared/booking";
import { bookings, bookedTickets } from "../../../src/shared/db-schema";
import { ticketId } from "../../../src/shared/ids";
import { RefundCreate, RefundResponse } from "../../../src/shared/organizer";
import { requireOrganizer, requireUser } from "../auth";
import { ownedBooking } from "../catalog/tenancy";
import { bearer, createApp } from "../openapi-app";
import { badRequest, conflict, problemResponses } from "../problem";
import { limitByUser } from "../rate-limits";
import { refundBooking } from "../payments/refund-booking";
import { seatsOf } from "./blocks";

const view = (eventId: string, r: RefundRow) => ({
  id: r.id,
  status: r.status,
  amountCents: r.amountCents,
  ticketIds: r.seats.map((s) => ticketId(eventId, s)),
  restock: r.restock,
  reason: r.reason,
  failure: r.failure,
  createdAt: r.createdAt.toISOString(),
});

export const refundRoutes = createApp().openapi(
  createRoute({
    method: "post",
    path: "/organizer/bookings/{bookingId}/refund",
    operationId: "refundBooking",
    summary: "Refund a booking of your org, whole or some tickets; a retried request refunds once",
    security: bearer,
    middleware: [requireUser, requireOrganizer, limitByUser("catalog")],
    request: { params: BookingParams, body: { content: { "application/json": { schema: RefundCreate } }, required: true } },
    responses: {
      200: { description: "the booking after the refund", content: { "application/json": { schema: RefundResponse } } },
      ...problemResponses(400, 401, 403, 404, 409, 429, 503),
    },
  }),
  async (c) => {
    const { bookingId } = c.req.valid("param");
    const body = c.req.valid("json");
    const { booking } = await ownedBooking(c, bookingId);
    const { eventId } = booking;
    const db = c.var.db();
    const seats = body.ticketIds ? seatsOf(eventId, body.ticketIds) : undefined;
    if (seats) {
      const own = new Set((await db.select({ seat: bookedTickets.seatIndex }).from(bookedTickets).where(eq(bookedTickets.bookingId, bookingId))).map((t) => t.seat));
      const foreign = seats.filter((s) => !own.has(s));
      if (foreign.length > 0) throw badRequest(`ticketIds: not tickets of booking ${bookingId}: ${foreign.map((s) => ticketId(eventId, s)).join(", ")}`);
    }
    try {
      await refundBooking({ env: c.env, db: c.var.db, requestId: c.var.requestId }, booking, {
        seats,
        reason: body.reason ?? null,
        restock: body.restock,
        requestedBy: c.var.user.id,
      });
    } catch (error) {
      if (error instanceof RefundRefused) throw conflict(error.message);
      throw error;
    }

    const [after] = await db.select().from(bookings).where(eq(bookings.id, bookingId));
    const current = after ?? booking;
    return c.json(
      {
        bookingId,
        status: current.status,
        amountCents: current.amountCents,
        refundedCents: current.refundedCents,
        currency: current.currency,
        refunds: (await refundsOf(db, bookingId)).map((r) => view(eventId, r)),
      },
      200,
    );
  },
);
