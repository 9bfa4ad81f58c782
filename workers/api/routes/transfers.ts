/**
 * Giving tickets to someone else. Ownership is kept per ticket in Postgres
 * (the record of who holds what); the event's SeatRoom voids the old codes
 * at the door, and refuses if a ticket was admitted already. The two are
 * ordered so that no moment lets both the old and the new code in:
 *
 * 1. Postgres: the booking's row and the tickets' rows are locked (a second
 *    transfer of the same ticket, or a refund of the booking, waits here;
 *    the booking first, in the order refunds take them), and checked: held
 *    by the caller, not refunded.
 * 2. The room: codes below the next version stop opening the door, all the
 *    tickets or none; refused if one was admitted (a scan racing this
 *    transfer is decided by the room, in one order or the other).
 * 3. Postgres: the new holder and code version, the transfer's history row
 *    and both mails, committed together. If this fails after step 2, the
 *    room gives the old codes back.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { and, eq, inArray } from "drizzle-orm";
import { getCookie } from "hono/cookie";
import { requestLanguage } from "../../../src/mail/locale";
import { lastKnownAddress, mailEvent } from "../../../src/mail/notices";
import { mailer } from "../../../src/mail/outbox";
import { transferReceivedMail, transferSentMail } from "../../../src/mail/templates";
import { BookingParams } from "../../../src/shared/booking";
import { bookedTickets, bookings, ticketTransfers } from "../../../src/shared/db-schema";
import { newId, parseTicketId } from "../../../src/shared/ids";
import { log } from "../../../src/shared/log";
import { requireUser } from "../auth";
import { heldTickets, holds } from "../catalog/ticket-holders";
import { mailAddress } from "../mail/contacts";
import { bearer, createApp } from "../openapi-app";
import { badRequest, conflict, notFound, problemResponses } from "../problem";
import { limitByUser } from "../rate-limits";
import { seatRoom } from "../rooms";

const Recipient = z.union([
  // As auth.ts takes a token's `sub`: an id with a control character is nobody's, and the tickets would be lost.
  z.object({ userId: z.string().trim().min(1).max(200).regex(/^[^\p{Cc}\p{Cs}]+$/u, "a user id has no control characters") }).strict(),
  z.object({ email: z.email().max(254) }).strict(),
]);

export const TransferRequest = z
  .object({
    ticketIds: z.array(z.string().max(64)).min(1).max(50),
    to: Recipient.openapi({ description: "the recipient: a user id, or an email address (the tickets are theirs once they sign in with it)" }),
  })
  .openapi("TransferRequest");

const TransferResult = z
  .object({
    bookingId: z.string(),
    transferId: z.string(),
    tickets: z.array(z.object({ id: z.string(), codeVersion: z.number().int() })),
    to: Recipient,
  })
  .openapi("TransferResult");

export const transferRoutes = createApp().openapi(
  createRoute({
    method: "post",
    path: "/bookings/{bookingId}/transfer",
    operationId: "transferTickets",
    summary: "Give tickets of a booking to someone else",
    description:
      "By the current holder of every ticket named. The old codes stop opening the door at once; the recipient finds the tickets, with new codes, in GET /me/tickets, and both get an email. A ticket already admitted, refunded or transferred away answers 409; all the tickets move or none.",
    security: bearer,
    middleware: [requireUser, limitByUser("checkout")],
    request: { params: BookingParams, body: { content: { "application/json": { schema: TransferRequest } }, required: true } },
    responses: {
      200: { description: "transferred", content: { "application/json": { schema: TransferResult } } },
      ...problemResponses(400, 401, 404, 409, 429),
    },
  }),
  async (c) => {
    const { bookingId } = c.req.valid("param");
    const { ticketIds, to } = c.req.valid("json");
    const user = c.var.user;
    const me = { id: user.id, email: user.email ?? null };
    // Ownership follows the token's claim; mail goes only to a claim a mail header can carry (as at checkout).
    const myAddress = mailAddress(me.email);
    const db = c.var.db();
    const [booking] = await db.select({ eventId: bookings.eventId }).from(bookings).where(eq(bookings.id, bookingId));
    if (!booking) throw notFound("no such booking");
    const seats = ticketIds.map((id) => {
      const parsed = parseTicketId(id);
      if (!parsed || parsed.eventId !== booking.eventId) throw badRequest(`ticketIds: ${id} is not a ticket of this booking`);
      return parsed.seatIndex;
    });
    if (new Set(seats).size !== seats.length) throw badRequest("ticketIds: a ticket is listed twice");
    const recipient = "userId" in to ? { holderId: to.userId, holderEmail: null } : { holderId: null, holderEmail: to.email.toLowerCase() };
    if (recipient.holderId === me.id || (recipient.holderEmail && recipient.holderEmail === me.email?.toLowerCase())) throw badRequest("to: these tickets are yours already");
    const transferId = newId("tr");
    const room = seatRoom(c.env, booking.eventId);
    const mail = mailer(c.env, c.executionCtx);
    const language = requestLanguage(getCookie(c, "lang"), c.req.header("accept-language"));
    let reissued: { seat: number; toVersion: number; fromVersion: number }[] = [];
    try {
      const moved = await db.transaction(async (tx) => {
        // The booking's row first, as refunds lock it: one lock order, so a transfer racing a refund waits, never deadlocks.
        await tx.select({ id: bookings.id }).from(bookings).where(eq(bookings.id, bookingId)).for("update");
        const rows = await heldTickets(tx, { eventId: booking.eventId, seats, bookingId }, true);
        if (rows.length !== seats.length) throw notFound("no such ticket in this booking");
        const notMine = rows.filter((t) => !holds(t, me));
        if (notMine.length > 0) {
          // A former holder learns the ticket moved on; anyone else, that there is nothing here.
          const gaveAway = await tx
            .select({ seat: ticketTransfers.seatIndex })
            .from(ticketTransfers)
            .where(and(eq(ticketTransfers.bookingId, bookingId), eq(ticketTransfers.fromUser, me.id), inArray(ticketTransfers.seatIndex, notMine.map((t) => t.seatIndex))));
          if (gaveAway.length > 0 || notMine.some((t) => t.buyerId === me.id)) throw conflict("a ticket was transferred already: you no longer hold it", { ticketIds: notMine.map((t) => t.ticketId) });
          throw notFound("no such booking");
        }
        const voided = rows.filter((t) => t.void);
        if (voided.length > 0) throw conflict("a ticket was refunded or its booking voided: it cannot be transferred", { ticketIds: voided.map((t) => t.ticketId) });
        const planned = rows.map((t) => ({ seat: t.seatIndex, toVersion: t.codeVersion + 1, fromVersion: t.codeVersion }));
        const outcome = await room.reissue(booking.eventId, { bookingId, seats: planned.map(({ seat, toVersion }) => ({ seat, toVersion })) });
        if (outcome.kind === "already admitted") throw conflict("a ticket was admitted at the door already: it cannot be transferred", { ticketIds: [`${booking.eventId}.${outcome.seat}`] });
        if (outcome.kind === "void") throw conflict("a ticket was refunded or its booking voided: it cannot be transferred", { ticketIds: [`${booking.eventId}.${outcome.seat}`] });
        reissued = planned;
        for (const t of rows) {
          await tx
            .update(bookedTickets)
            .set({ ...recipient, codeVersion: t.codeVersion + 1 })
            .where(and(eq(bookedTickets.bookingId, bookingId), eq(bookedTickets.eventId, booking.eventId), eq(bookedTickets.seatIndex, t.seatIndex)));
        }
        await tx.insert(ticketTransfers).values(
          rows.map((t) => ({
            id: `${transferId}.${t.seatIndex}`,
            bookingId,
            eventId: booking.eventId,
            seatIndex: t.seatIndex,
            fromUser: me.id,
            toUser: recipient.holderId,
            toEmail: recipient.holderEmail,
            codeVersion: t.codeVersion + 1,
          })),
        );
        // Both parties hear of it: the sender (that it went), the recipient (where to find it).
        const event = await mailEvent(tx, booking.eventId);
        const places = rows.map(({ section, row, seat }) => ({ section, row, seat }));
        if (event && myAddress) {
          const content = transferSentMail({ language, publicUrl: c.env.PUBLIC_URL, event, tickets: places, recipient: "email" in to ? to.email : to.userId });
          await mail.write(tx, { dedupeKey: `transfer-sent:${transferId}`, to: myAddress, ...content });
        }
        const recipientAddress = "email" in to ? { email: to.email, language } : await lastKnownAddress(tx, to.userId);
        if (event && recipientAddress) {
          const content = transferReceivedMail({ language: recipientAddress.language, publicUrl: c.env.PUBLIC_URL, event, tickets: places, sender: myAddress ?? me.id });
          await mail.write(tx, { dedupeKey: `transfer-received:${transferId}`, to: recipientAddress.email, ...content });
        }
        return rows.map((t) => ({ id: t.ticketId, codeVersion: t.codeVersion + 1 }));
      });
      await mail.dispatch();
      log("info", "tickets_transferred", { eventId: booking.eventId, bookingId, transferId, tickets: moved.length, userId: me.id });
      return c.json({ bookingId, transferId, tickets: moved, to }, 200);
    } catch (error) {
      if (reissued.length > 0) await room.restoreCodes(booking.eventId, { bookingId, seats: reissued });
      throw error;
    }
  },
);
