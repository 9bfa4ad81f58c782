/**
 * The waitlist of a sold-out event, as fans see it: join, look at your
 * entry, leave. The event's SeatRoom keeps the line and makes the offers;
 * these routes check the fan and the section, and keep in Postgres what
 * the offer's mail needs (the fan's address and language: the room's alarm
 * writes the mail, and carries no token).
 */
import { createRoute } from "@hono/zod-openapi";
import { and, eq, sql } from "drizzle-orm";
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { requestLanguage } from "../../../src/mail/locale";
import { EventParams } from "../../../src/shared/catalog";
import { tickets, waitlistEntries } from "../../../src/shared/db-schema";
import { log } from "../../../src/shared/log";
import type { SectionRange } from "../../../src/shared/room-protocol";
import { entryBody, WaitlistEntryView, WaitlistJoinBody } from "../../../src/shared/waitlist";
import { requireUser } from "../auth";
import { requireEvent } from "../catalog/event-presence";
import type { AppEnv } from "../env";
import { mailAddress } from "../mail/contacts";
import { bearer, createApp } from "../openapi-app";
import { badRequest, notFound, Problem, problemResponses } from "../problem";
import { limitByAddress, limitByUser } from "../rate-limits";
import { seatRoom } from "../rooms";

const fanAction = [limitByAddress("waitlist"), requireUser, limitByUser("waitlist")];

/** The section's seats (a section owns consecutive seat indexes); 400 if the event has no such section. */
async function sectionRange(c: Context<AppEnv>, eventId: string, name: string): Promise<SectionRange> {
  const [row] = await c.var
    .db()
    .select({ first: sql<number | null>`min(${tickets.seatIndex})::int`, count: sql<number>`count(*)::int` })
    .from(tickets)
    .where(and(eq(tickets.eventId, eventId), eq(tickets.section, name)));
  if (!row || row.first === null || row.count === 0) throw badRequest(`section: this event has no section named ${JSON.stringify(name)}`);
  return { name, first: row.first, count: row.count };
}

/** What the offer's mail needs: the fan's address (if the token has a usable one) and language. */
async function keepContact(c: Context<AppEnv>, eventId: string, quantity: number, section: string | null): Promise<void> {
  const { user } = c.var;
  const contact = {
    email: mailAddress(user.email),
    language: requestLanguage(getCookie(c, "lang"), c.req.header("accept-language")),
    quantity,
    section,
  };
  await c.var
    .db()
    .insert(waitlistEntries)
    .values({ eventId, userId: user.id, ...contact })
    .onConflictDoUpdate({ target: [waitlistEntries.eventId, waitlistEntries.userId], set: contact });
}

export const waitlistRoutes = createApp()
  .openapi(
    createRoute({
      method: "post",
      path: "/events/{eventId}/waitlist",
      operationId: "joinWaitlist",
      summary: "Wait for returned seats of a sold-out event or section",
      description:
        "Only while the sale is on and fewer than `quantity` seats are free to the public (in `section`, or anywhere): a sold-out event or section, or too few seats left. When seats come back (a hold lapses or is released, a booking is refunded, a block is lifted), the event's room offers them first to the waiting fans they fit, in join order, as a hold in the fan's name for WAITLIST_OFFER_SECONDS (15 minutes by default), and mails the fan; pay for it like any hold (`/checkout/{holdId}`, no waiting-room token needed). A lapsed or released offer goes to the next fan. One entry per fan: asking again for the same quantity and section answers 200 with the same entry; for something else, 409 (leave first). `quantity` counts against the event's per-fan limit with the tickets you booked, and is at most the number of seats in the section (or the event): else 400. Not while you hold seats of this event (409: pay for them or give them back first), so a hold cannot come back to its own fan as a fresh offer.",
      security: bearer,
      middleware: fanAction,
      request: { params: EventParams, body: { content: { "application/json": { schema: WaitlistJoinBody } }, required: true } },
      responses: {
        201: { description: "you joined; `position` 1 is next", content: { "application/json": { schema: WaitlistEntryView } } },
        200: { description: "you were on the waitlist already (the same entry)", content: { "application/json": { schema: WaitlistEntryView } } },
        ...problemResponses(400, 401, 404, 409, 429, 503),
      },
    }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      const { quantity, section } = c.req.valid("json");
      const userId = c.var.user.id;
      await requireEvent(c, eventId);
      const range = section === undefined ? null : await sectionRange(c, eventId, section);
      const outcome = await seatRoom(c.env, eventId).joinWaitlist({ eventId, userId, quantity, section: range });
      if (outcome.kind === "rejected") throw new Problem(outcome.status, outcome.detail);
      // After the room took the entry: an offer's mail waits for this row (the alarm retries), never the other way round.
      await keepContact(c, eventId, quantity, range?.name ?? null);
      log("info", "waitlist_join", { requestId: c.var.requestId, eventId, userId, quantity, again: outcome.kind === "already" });
      return c.json(entryBody(eventId, outcome.entry), outcome.kind === "joined" ? 201 : 200);
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/events/{eventId}/waitlist/me",
      operationId: "getMyWaitlistEntry",
      summary: "Your waitlist entry: your position, or the seats offered to you and until when",
      security: bearer,
      middleware: [requireUser],
      request: { params: EventParams },
      responses: {
        200: { description: "your entry", content: { "application/json": { schema: WaitlistEntryView } } },
        ...problemResponses(400, 401, 404),
      },
    }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      await requireEvent(c, eventId);
      const entry = await seatRoom(c.env, eventId).waitlistEntry(eventId, c.var.user.id);
      if (!entry) throw notFound("you are not on this event's waitlist");
      c.header("cache-control", "no-store");
      return c.json(entryBody(eventId, entry), 200);
    },
  )
  .openapi(
    createRoute({
      method: "delete",
      path: "/events/{eventId}/waitlist/me",
      operationId: "leaveWaitlist",
      summary: "Leave the waitlist; seats offered to you are released to the next fan",
      description: "Leaving an entry that already ended (expired, booked, left) changes nothing. An offer whose payment is being completed cannot be left (409).",
      security: bearer,
      middleware: fanAction,
      request: { params: EventParams },
      responses: {
        204: { description: "you are off the waitlist" },
        ...problemResponses(400, 401, 404, 409, 429),
      },
    }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      const userId = c.var.user.id;
      await requireEvent(c, eventId);
      const outcome = await seatRoom(c.env, eventId).leaveWaitlist(eventId, userId);
      if (outcome.kind === "rejected") throw new Problem(outcome.status, outcome.detail);
      // The contact is no longer needed once the fan is off the list (a booked fan's mail goes by the booking).
      await c.var
        .db()
        .delete(waitlistEntries)
        .where(and(eq(waitlistEntries.eventId, eventId), eq(waitlistEntries.userId, userId)));
      log("info", "waitlist_leave", { requestId: c.var.requestId, eventId, userId });
      return c.body(null, 204);
    },
  );
