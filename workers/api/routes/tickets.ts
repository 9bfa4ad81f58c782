/**
 * Tickets at the door: verify the signed token of a QR code (and that its
 * booking still stands in Postgres), and draw the QR code itself as SVG.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, eq } from "drizzle-orm";
import QRCode from "qrcode";
import { bookedTickets, bookings, events, tickets } from "../../../src/shared/db-schema";
import { parseTicketId } from "../../../src/shared/ids";
import { verifyTicketToken } from "../../../src/shared/ticket-tokens";
import { createApp } from "../openapi-app";
import { Problem, problemResponses } from "../problem";

const TokenQuery = z.object({ token: z.string().min(10).max(2_000) });

const Verified = z
  .object({
    valid: z.literal(true),
    ticket: z.object({ id: z.string(), section: z.string(), row: z.string().nullable(), seat: z.string().nullable() }),
    bookingId: z.string(),
    event: z.object({ id: z.string(), name: z.string(), startsAt: z.string(), venueName: z.string() }),
  })
  .openapi("VerifiedTicket");

export const ticketRoutes = createApp()
  .openapi(
    createRoute({
      method: "get",
      path: "/tickets/verify",
      summary: "Check a ticket's QR token at the door",
      request: { query: TokenQuery },
      responses: {
        200: { description: "a valid ticket", content: { "application/json": { schema: Verified } } },
        ...problemResponses(400, 409),
      },
    }),
    async (c) => {
      const claims = await verifyTicketToken(c.env, c.req.valid("query").token);
      if (!claims) throw new Problem(400, "this is not a valid ticket (forged, damaged or expired)");
      const parsed = parseTicketId(claims.ticketId);
      if (!parsed || parsed.eventId !== claims.eventId) throw new Problem(400, "this is not a valid ticket");
      const [row] = await c.var
        .db()
        .select({ booking: bookings, ticket: tickets, event: events })
        .from(bookedTickets)
        .innerJoin(bookings, eq(bookings.id, bookedTickets.bookingId))
        .innerJoin(tickets, and(eq(tickets.eventId, bookedTickets.eventId), eq(tickets.seatIndex, bookedTickets.seatIndex)))
        .innerJoin(events, eq(events.id, bookedTickets.eventId))
        .where(
          and(
            eq(bookedTickets.bookingId, claims.bookingId),
            eq(bookedTickets.eventId, parsed.eventId),
            eq(bookedTickets.seatIndex, parsed.seatIndex),
            eq(bookedTickets.released, false),
          ),
        );
      if (!row || row.booking.status !== "confirmed") throw new Problem(409, "this ticket is no longer valid (refunded or cancelled)");
      return c.json(
        {
          valid: true as const,
          ticket: { id: claims.ticketId, section: row.ticket.section, row: row.ticket.row, seat: row.ticket.seat },
          bookingId: claims.bookingId,
          event: { id: row.event.id, name: row.event.name, startsAt: row.event.startsAt.toISOString(), venueName: row.event.venueName },
        },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/tickets/qr.svg",
      summary: "A ticket token as a QR code (SVG)",
      request: { query: TokenQuery },
      responses: { 200: { description: "the QR code", content: { "image/svg+xml": { schema: z.string() } } }, ...problemResponses(400) },
    }),
    async (c) => {
      const { token } = c.req.valid("query");
      // Only our own tokens are drawn: this is not a general QR service.
      if (!(await verifyTicketToken(c.env, token))) throw new Problem(400, "this is not a valid ticket token");
      const svg = await QRCode.toString(token, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
      return c.body(svg, 200, { "content-type": "image/svg+xml", "cache-control": "private, max-age=3600" });
    },
  );
