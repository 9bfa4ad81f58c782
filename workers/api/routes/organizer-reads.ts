/**
 * What an organizer reads of their own org: its events (with live counts
 * from each event's room for the page shown) and an event's bookings. Every
 * row comes through the tenancy helpers: another org's event is a 404.
 */
import { createRoute } from "@hono/zod-openapi";
import { and, asc, desc, eq, sql } from "drizzle-orm";
import { EventParams, type EventType } from "../../../src/shared/catalog";
import { bookings, events } from "../../../src/shared/db-schema";
import { BookingsQuery, OrgBookingsResponse, OrgEventsResponse, PageQuery } from "../../../src/shared/organizer";
import { requireOrganizer, requireUser } from "../auth";
import { decodeCursor, encodeCursor, timeAndId } from "../catalog/cursor";
import { ticketsOfBookings } from "../catalog/booked-tickets";
import { acting, ownedBy, ownedEvent } from "../catalog/tenancy";
import { bearer, createApp } from "../openapi-app";
import { problemResponses } from "../problem";
import { liveCounts } from "../rooms";

const organizer = [requireUser, requireOrganizer];

export const organizerReads = createApp()
  .openapi(
    createRoute({
      method: "get",
      path: "/organizer/events",
      operationId: "listOrganizerEvents",
      summary: "Your organization's events by start time, with live counts for the page shown",
      security: bearer,
      middleware: organizer,
      request: { query: PageQuery },
      responses: { 200: { description: "a page of events", content: { "application/json": { schema: OrgEventsResponse } } }, ...problemResponses(400, 401, 403) },
    }),
    async (c) => {
      const { limit, cursor } = c.req.valid("query");
      const after = cursor ? decodeCursor(cursor, timeAndId, "your events") : undefined;
      // The cursor keeps Postgres's own text of the time: a Date would round off its microseconds.
      const rows = await c.var
        .db()
        .select({ event: events, at: sql<string>`${events.startsAt}::text` })
        .from(events)
        .where(and(ownedBy(acting(c.var.user), events.orgId), after ? sql`(${events.startsAt}, ${events.id}) > (${after.t}::timestamptz, ${after.i})` : undefined))
        .orderBy(asc(events.startsAt), asc(events.id))
        .limit(limit + 1);
      const page = rows.slice(0, limit).map((r) => r.event);
      const counts = await Promise.all(page.map((e) => liveCounts(c.env, e.id)));
      const last = rows[page.length - 1];
      return c.json(
        {
          events: page.map((e, i) => ({
            id: e.id,
            name: e.name,
            type: e.type as EventType,
            status: e.status,
            startsAt: e.startsAt.toISOString(),
            onSaleAt: e.onSaleAt?.toISOString() ?? null,
            venueName: e.venueName,
            city: e.city,
            currency: e.currency,
            ticketCount: e.ticketCount,
            priceRange: { minCents: e.minPriceCents, maxCents: e.maxPriceCents },
            availability: counts[i] ?? null,
          })),
          nextCursor: rows.length > limit && last ? encodeCursor({ t: last.at, i: last.event.id }) : null,
        },
        200,
      );
    },
  )
  .openapi(
    createRoute({
      method: "get",
      path: "/events/{eventId}/bookings",
      operationId: "listEventBookings",
      summary: "An event's bookings, newest first (organizers of its org)",
      security: bearer,
      middleware: organizer,
      request: { params: EventParams, query: BookingsQuery },
      responses: {
        200: { description: "a page of bookings", content: { "application/json": { schema: OrgBookingsResponse } } },
        ...problemResponses(400, 401, 403, 404),
      },
    }),
    async (c) => {
      const { eventId } = c.req.valid("param");
      const { limit, cursor, status } = c.req.valid("query");
      await ownedEvent(c, eventId);
      const before = cursor ? decodeCursor(cursor, timeAndId, "this event's bookings") : undefined;
      const db = c.var.db();
      const rows = await db
        .select({ booking: bookings, at: sql<string>`${bookings.createdAt}::text` })
        .from(bookings)
        .where(
          and(
            eq(bookings.eventId, eventId),
            status ? eq(bookings.status, status) : undefined,
            before ? sql`(${bookings.createdAt}, ${bookings.id}) < (${before.t}::timestamptz, ${before.i})` : undefined,
          ),
        )
        .orderBy(desc(bookings.createdAt), desc(bookings.id))
        .limit(limit + 1);
      const page = rows.slice(0, limit).map((r) => r.booking);
      const seats = await ticketsOfBookings(db, page.map((b) => b.id));
      const last = rows[page.length - 1];
      return c.json(
        {
          bookings: page.map((b) => ({
            id: b.id,
            userId: b.userId,
            status: b.status,
            amountCents: b.amountCents,
            refundedCents: b.refundedCents,
            currency: b.currency,
            createdAt: b.createdAt.toISOString(),
            tickets: seats.get(b.id) ?? [],
          })),
          nextCursor: rows.length > limit && last ? encodeCursor({ t: last.at, i: last.booking.id }) : null,
        },
        200,
      );
    },
  );
