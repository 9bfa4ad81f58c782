/** A fan's bookings, from Postgres (owner only; anyone else gets 404). */
import { createRoute, z } from "@hono/zod-openapi";
import { and, desc, eq, inArray, type SQL } from "drizzle-orm";
import { BookingParams, BookingView } from "../../../src/shared/booking";
import { bookedTickets, bookings, events, tickets } from "../../../src/shared/db-schema";
import { ticketId } from "../../../src/shared/ids";
import { signTicketToken } from "../../../src/shared/ticket-tokens";
import { requireUser } from "../auth";
import type { Database } from "../env";
import { bearer, createApp } from "../openapi-app";
import { Problem, problemResponses } from "../problem";

const MAX_LISTED = 100;

async function bookingViews(env: Env, db: Database, where: SQL | undefined) {
  const rows = await db
    .select({ booking: bookings, event: events })
    .from(bookings)
    .innerJoin(events, eq(events.id, bookings.eventId))
    .where(where)
    .orderBy(desc(bookings.createdAt))
    .limit(MAX_LISTED);
  if (rows.length === 0) return [];
  const seats = await db
    .select({ bookingId: bookedTickets.bookingId, ticket: tickets, priceCents: bookedTickets.priceCents, released: bookedTickets.released })
    .from(bookedTickets)
    .innerJoin(tickets, and(eq(tickets.eventId, bookedTickets.eventId), eq(tickets.seatIndex, bookedTickets.seatIndex)))
    .where(inArray(bookedTickets.bookingId, rows.map((r) => r.booking.id)))
    .orderBy(bookedTickets.seatIndex);
  const views = rows.map(({ booking, event }) => ({
    id: booking.id,
    eventId: booking.eventId,
    holdId: booking.holdId,
    status: booking.status,
    amountCents: booking.amountCents,
    refundedCents: booking.refundedCents,
    currency: booking.currency,
    createdAt: booking.createdAt.toISOString(),
    event: { name: event.name, startsAt: event.startsAt.toISOString(), venueName: event.venueName, city: event.city },
    tickets: seats
      .filter((s) => s.bookingId === booking.id)
      .map(({ ticket, priceCents, released }) => ({
        id: ticketId(ticket.eventId, ticket.seatIndex),
        section: ticket.section,
        row: ticket.row,
        seat: ticket.seat,
        priceCents,
        refunded: released,
        token: null as string | null,
      })),
  }));
  // Only a confirmed booking's live tickets open the door (a refunded ticket is void).
  for (const [i, view] of views.entries()) {
    const row = rows[i];
    if (!row || view.status !== "confirmed") continue;
    for (const ticket of view.tickets) {
      if (ticket.refunded) continue;
      ticket.token = await signTicketToken(env, { ticketId: ticket.id, bookingId: view.id, eventId: view.eventId, userId: row.booking.userId }, row.event.startsAt);
    }
  }
  return views;
}

export const bookingReads = createApp()
  .openapi(
    createRoute({
      method: "get",
      path: "/bookings/{bookingId}",
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
