/**
 * A ticket's history for its organizer: every sale of its seat, every
 * transfer, every refund (from Postgres, the record of money and ownership)
 * and its admission at the door (from the event's SeatRoom), in time order.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, asc, eq, sql } from "drizzle-orm";
import { bookedTickets, bookings, refunds, tickets, ticketTransfers } from "../../../src/shared/db-schema";
import { parseTicketId, TICKET_ID_PATTERN } from "../../../src/shared/ids";
import { requireRole, requireUser } from "../auth";
import { ownedEvent } from "../catalog/tenancy";
import { bearer, createApp } from "../openapi-app";
import { notFound, problemResponses } from "../problem";
import { seatRoom } from "../rooms";

const TicketParams = z.object({
  ticketId: z.string().regex(TICKET_ID_PATTERN, "must be a ticket id, <eventId>.<seatIndex>").openapi({ param: { name: "ticketId", in: "path" } }),
});

const Step = z.object({
  at: z.string(),
  kind: z.enum(["sold", "transferred", "refunded", "admitted"]),
  bookingId: z.string().nullable(),
  detail: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])),
});

const History = z
  .object({
    ticketId: z.string(),
    section: z.string(),
    row: z.string().nullable(),
    seat: z.string().nullable(),
    history: z.array(Step),
  })
  .openapi("TicketHistory");

export const ticketHistoryRoutes = createApp().openapi(
  createRoute({
    method: "get",
    path: "/organizer/tickets/{ticketId}/history",
    operationId: "getTicketHistory",
    summary: "A ticket's history: sales, transfers, refunds and its admission at the door",
    security: bearer,
    middleware: [requireUser, requireRole("organizer")],
    request: { params: TicketParams },
    responses: { 200: { description: "the ticket's history, oldest first", content: { "application/json": { schema: History } } }, ...problemResponses(400, 401, 403, 404) },
  }),
  async (c) => {
    const id = c.req.valid("param").ticketId;
    const parsed = parseTicketId(id);
    if (!parsed) throw notFound(`no ticket ${id}`);
    const event = await ownedEvent(c, parsed.eventId);
    const { seatIndex } = parsed;
    const db = c.var.db();
    const [[ticket], sales, transfers, returned, admissions] = await Promise.all([
      db.select().from(tickets).where(and(eq(tickets.eventId, event.id), eq(tickets.seatIndex, seatIndex))),
      db
        .select({ bookingId: bookings.id, userId: bookings.userId, status: bookings.status, at: bookings.createdAt, priceCents: bookedTickets.priceCents })
        .from(bookedTickets)
        .innerJoin(bookings, eq(bookings.id, bookedTickets.bookingId))
        .where(and(eq(bookedTickets.eventId, event.id), eq(bookedTickets.seatIndex, seatIndex))),
      db.select().from(ticketTransfers).where(and(eq(ticketTransfers.eventId, event.id), eq(ticketTransfers.seatIndex, seatIndex))).orderBy(asc(ticketTransfers.createdAt)),
      db
        .select({ bookingId: refunds.bookingId, at: refunds.createdAt, status: refunds.status, reason: refunds.reason, requestedBy: refunds.requestedBy })
        .from(refunds)
        .where(and(eq(refunds.eventId, event.id), sql`${refunds.seats} @> ${JSON.stringify([seatIndex])}::jsonb`)),
      seatRoom(c.env, event.id).admissions(event.id, [seatIndex]),
    ]);
    if (!ticket) throw notFound(`no ticket ${id}`);
    const history: z.infer<typeof Step>[] = [
      ...sales.map((s) => ({ at: s.at.toISOString(), kind: "sold" as const, bookingId: s.bookingId, detail: { userId: s.userId, status: s.status, priceCents: s.priceCents } })),
      ...transfers.map((t) => ({
        at: t.createdAt.toISOString(),
        kind: "transferred" as const,
        bookingId: t.bookingId,
        detail: { fromUser: t.fromUser, toUser: t.toUser, toEmail: t.toEmail, codeVersion: t.codeVersion },
      })),
      ...returned.map((r) => ({ at: r.at.toISOString(), kind: "refunded" as const, bookingId: r.bookingId, detail: { status: r.status, reason: r.reason, requestedBy: r.requestedBy } })),
      ...admissions.map((a) => ({ at: new Date(a.at).toISOString(), kind: "admitted" as const, bookingId: a.bookingId, detail: { gate: a.gate, by: a.by, offline: a.offline } })),
    ].sort((a, b) => a.at.localeCompare(b.at));
    return c.json({ ticketId: id, section: ticket.section, row: ticket.row, seat: ticket.seat, history }, 200);
  },
);
