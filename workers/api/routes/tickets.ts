/**
 * Tickets: the fan's tickets with their codes (`/me/tickets`), a code
 * checked without admitting it (`/tickets/verify`), and a print code drawn
 * as a QR code: SVG for pages, PNG for mail (mail clients do not show SVG
 * images). The door itself is `routes/door.ts`.
 */
import { createRoute, z } from "@hono/zod-openapi";
import { eq } from "drizzle-orm";
import QRCode from "qrcode";
import { toBuffer } from "qrcode/lib/server.js";
import { type HeldTicket, HeldTicketView } from "../../../src/shared/booking";
import { events } from "../../../src/shared/db-schema";
import { parseTicketId } from "../../../src/shared/ids";
import { isHolderKey, issuePass } from "../../../src/shared/ticket-codes";
import { requireUser } from "../auth";
import { heldTickets, ticketsHeldBy } from "../catalog/ticket-holders";
import { bearer, createApp } from "../openapi-app";
import { badRequest, Problem, problemResponses } from "../problem";
import { seatRoom } from "../rooms";
import { checkCode } from "./door";

/** The most tickets `/me/tickets` lists. */
const MAX_TICKETS = 500;

const TokenQuery = z.object({ token: z.string().min(10).max(4_000) });

const MeTicketsQuery = z.object({
  holderKey: z.string().max(200).optional().openapi({ description: "your device's P-256 public key (raw, uncompressed, base64url), for rotating codes" }),
});

const Verified = z
  .object({
    valid: z.literal(true),
    ticket: z.object({ id: z.string(), section: z.string(), row: z.string().nullable(), seat: z.string().nullable() }),
    bookingId: z.string(),
    event: z.object({ id: z.string(), name: z.string(), startsAt: z.string(), venueName: z.string() }),
  })
  .openapi("VerifiedTicket");

/** Only our own print codes are drawn: this is not a general QR service. */
async function drawableCode(env: Env, token: string): Promise<string> {
  const check = await checkCode(env, token, Date.now());
  if (!check.ok || check.kind !== "print") throw new Problem(400, "this is not a valid print code of a ticket");
  // The check trims; the drawing must too, or padding past a QR code's capacity makes the encoder throw (a 500).
  return token.trim();
}

export const ticketRoutes = createApp()
  .openapi(
    createRoute({
      method: "get",
      path: "/tickets/verify",
      operationId: "verifyTicket",
      security: [],
      summary: "Check a ticket's code without admitting it (the door admits with POST /checkin)",
      request: { query: TokenQuery },
      responses: {
        200: { description: "a valid ticket", content: { "application/json": { schema: Verified } } },
        ...problemResponses(400, 409),
      },
    }),
    async (c) => {
      const check = await checkCode(c.env, c.req.valid("query").token, Date.now());
      if (!check.ok) throw new Problem(400, `this is not a valid ticket: ${check.detail}`);
      const parsed = parseTicketId(check.ticketId);
      if (!parsed) throw new Problem(400, "this is not a valid ticket");
      const db = c.var.db();
      const [[ticket], [event]] = await Promise.all([
        heldTickets(db, { eventId: parsed.eventId, seats: [parsed.seatIndex], bookingId: check.bookingId }),
        db.select().from(events).where(eq(events.id, parsed.eventId)),
      ]);
      if (!ticket || !event || ticket.void) throw new Problem(409, "this ticket is no longer valid (refunded or cancelled)");
      if (check.version < ticket.codeVersion) throw new Problem(409, "this ticket was transferred: this code is no longer valid");
      if (check.version > ticket.codeVersion) throw new Problem(409, "this code was not issued");
      // A used paper ticket is worthless to whoever it is resold to: say so (not when or where: that is the holder's).
      const admissions = await seatRoom(c.env, parsed.eventId).admissions(parsed.eventId, [parsed.seatIndex]);
      if (admissions.some((a) => a.bookingId === check.bookingId)) throw new Problem(409, "this ticket was already used at the door");
      return c.json(
        {
          valid: true as const,
          ticket: { id: check.ticketId, section: ticket.section, row: ticket.row, seat: ticket.seat },
          bookingId: check.bookingId,
          event: { id: event.id, name: event.name, startsAt: event.startsAt.toISOString(), venueName: event.venueName },
        },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/tickets/qr.svg",
      operationId: "getTicketQrSvg",
      security: [],
      summary: "A ticket's print code as a QR code (SVG)",
      request: { query: TokenQuery },
      responses: { 200: { description: "the QR code", content: { "image/svg+xml": { schema: z.string() } } }, ...problemResponses(400) },
    }),
    async (c) => {
      const code = await drawableCode(c.env, c.req.valid("query").token);
      const svg = await QRCode.toString(code, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
      return c.body(svg, 200, { "content-type": "image/svg+xml", "cache-control": "private, max-age=3600" });
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/tickets/qr.png",
      operationId: "getTicketQrPng",
      security: [],
      summary: "A ticket's print code as a QR code (PNG, for mail)",
      request: { query: TokenQuery },
      responses: { 200: { description: "the QR code", content: { "image/png": { schema: z.string() } } }, ...problemResponses(400) },
    }),
    async (c) => {
      const code = await drawableCode(c.env, c.req.valid("query").token);
      const png = await toBuffer(code, { type: "png", errorCorrectionLevel: "M", margin: 2, scale: 6 });
      return c.body(new Uint8Array(png), 200, { "content-type": "image/png", "cache-control": "private, max-age=3600" });
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/me/tickets",
      operationId: "listMyTickets",
      summary: "Every ticket you hold, bought or received, with its current code",
      description:
        "With `holderKey` (your device's P-256 public key, raw and base64url), each live ticket's `pass` is bound to that key: the app signs a new rotating code with it every 30 seconds, and the door refuses a code older than two minutes (docs/after-sale.md). Without it, `pass` is the ticket's print code.",
      security: bearer,
      middleware: [requireUser],
      request: { query: MeTicketsQuery },
      responses: {
        200: { description: "your tickets", content: { "application/json": { schema: z.object({ tickets: z.array(HeldTicketView) }) } } },
        ...problemResponses(400, 401),
      },
    }),
    async (c) => {
      const { holderKey } = c.req.valid("query");
      if (holderKey !== undefined && !(await isHolderKey(holderKey))) throw badRequest("holderKey must be a P-256 public key, raw (uncompressed) and base64url");
      const user = c.var.user;
      const held = await ticketsHeldBy(c.var.db(), { id: user.id, email: user.email ?? null }, MAX_TICKETS);
      // Which are admitted already: one call per event's room.
      const byEvent = new Map<string, number[]>();
      for (const t of held) if (!t.void) byEvent.set(t.eventId, [...(byEvent.get(t.eventId) ?? []), t.seatIndex]);
      const admitted = new Set<string>();
      await Promise.all(
        [...byEvent].map(async ([eventId, seats]) => {
          for (const a of await seatRoom(c.env, eventId).admissions(eventId, seats)) admitted.add(`${eventId}.${a.seat}:${a.bookingId}`);
        }),
      );
      const tickets = await Promise.all(
        held.map(async (t): Promise<HeldTicket> => {
          const state = t.void ? ("void" as const) : admitted.has(`${t.ticketId}:${t.bookingId}`) ? ("admitted" as const) : ("valid" as const);
          const pass =
            state === "void"
              ? null
              : await issuePass(c.env, { ticketId: t.ticketId, bookingId: t.bookingId, version: t.codeVersion, section: t.section, row: t.row, seat: t.seat }, t.event.startsAt, holderKey);
          return {
            id: t.ticketId,
            eventId: t.eventId,
            bookingId: t.bookingId,
            section: t.section,
            row: t.row,
            seat: t.seat,
            event: { name: t.event.name, startsAt: t.event.startsAt.toISOString(), venueName: t.event.venueName, city: t.event.city, timeZone: t.event.timeZone },
            state,
            received: t.holderId !== null || t.holderEmail !== null,
            pass,
          };
        }),
      );
      return c.json({ tickets }, 200, { "cache-control": "private, no-store" });
    },
  );
