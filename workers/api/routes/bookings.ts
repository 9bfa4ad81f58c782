/** A fan's bookings, from Postgres (owner only; anyone else gets 404). */
import { createRoute, z } from "@hono/zod-openapi";
import { and, desc, eq, type SQL } from "drizzle-orm";
import { BookingParams, BookingView } from "../../../src/shared/booking";
import { bookings, events, venues } from "../../../src/shared/db-schema";
import { issuePass } from "../../../src/shared/ticket-codes";
import { requireUser } from "../auth";
import { ticketsOfBookings } from "../catalog/booked-tickets";
import type { Database } from "../env";
import { bearer, createApp } from "../openapi-app";
import { Problem, problemResponses } from "../problem";

const MAX_LISTED = 100;

async function bookingViews(env: Env, db: Database, where: SQL | undefined) {
  const rows = await db
    .select({ booking: bookings, event: events, timeZone: venues.timezone })
    .from(bookings)
    .innerJoin(events, eq(events.id, bookings.eventId))
    .innerJoin(venues, eq(venues.id, events.venueId))
    .where(where)
    .orderBy(desc(bookings.createdAt))
    .limit(MAX_LISTED);
  if (rows.length === 0) return [];
  const seats = await ticketsOfBookings(db, rows.map((r) => r.booking.id));
  const views = rows.map(({ booking, event, timeZone }) => ({
    id: booking.id,
    eventId: booking.eventId,
    holdId: booking.holdId,
    status: booking.status,
    amountCents: booking.amountCents,
    refundedCents: booking.refundedCents,
    currency: booking.currency,
    createdAt: booking.createdAt.toISOString(),
    event: { name: event.name, startsAt: event.startsAt.toISOString(), venueName: event.venueName, city: event.city, timeZone },
    tickets: (seats.get(booking.id) ?? []).map((ticket) => ({ ...ticket, token: null as string | null })),
  }));
  // Only a confirmed booking's live tickets that its buyer still holds open the door.
  for (const [i, view] of views.entries()) {
    const row = rows[i];
    if (!row || view.status !== "confirmed") continue;
    for (const ticket of view.tickets) {
      if (ticket.refunded || ticket.transferred) continue;
      ticket.token = await issuePass(env, { ticketId: ticket.id, bookingId: view.id, version: ticket.codeVersion, section: ticket.section, row: ticket.row, seat: ticket.seat }, row.event.startsAt);
    }
  }
  return views;
}

export const bookingReads = createApp()
  .openapi(
    createRoute({
      method: "get",
      path: "/bookings/{bookingId}",
      operationId: "getBooking",
      summary: "One of your bookings with its tickets",
      security: bearer,
      middleware: [requireUser],
      request: { params: BookingParams },
      responses: { 200: { description: "the booking", content: { "application/json": { schema: BookingView } } }, ...problemResponses(400, 401, 404) },
    }),
    async (c) => {
      const { bookingId } = c.req.valid("param");
      const [booking] = await bookingViews(c.env, c.var.db(), and(eq(bookings.id, bookingId), eq(bookings.userId, c.var.user.id)));
      if (!booking) throw new Problem(404, "no such booking");
      return c.json(booking, 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/me/bookings",
      operationId: "listMyBookings",
      summary: "Your bookings, newest first",
      security: bearer,
      middleware: [requireUser],
      responses: {
        200: { description: "bookings", content: { "application/json": { schema: z.object({ bookings: z.array(BookingView) }) } } },
        ...problemResponses(401),
      },
    }),
    async (c) => c.json({ bookings: await bookingViews(c.env, c.var.db(), eq(bookings.userId, c.var.user.id)) }, 200),
  );
