/**
 * Reads of one event: the detail (event, venue with seat map, performer,
 * prices, counts) and its ticket list.
 */
import { and, asc, eq, gt, isNull, sql } from "drizzle-orm";
import type { EventDetail, EventType, TicketStatus } from "../../../src/shared/catalog";
import { bookedTickets, events, performers, tickets, venues } from "../../../src/shared/db-schema";
import { eventImageUrl } from "../../../src/shared/event-art";
import { ticketId } from "../../../src/shared/ids";
import { allIn } from "../../../src/shared/pricing";
import type { TakenSeats } from "../../../src/shared/room-protocol";
import type { ReadDatabase } from "../env";
import { notFound } from "../problem";
import { feePolicy } from "./fees";

/** The static part of an event's detail: everything but live availability. */
export type EventStatic = Omit<EventDetail, "availability">;

/**
 * The version of an event's seat map, for its page's link to it
 * (`GET /api/events/:id/seat-map?v=`): the event's last change. A venue's
 * map never changes once made, and an event moved to another venue is changed.
 */
export const seatMapVersion = (detail: Pick<EventStatic, "updatedAt">): string => String(Date.parse(detail.updatedAt));

export async function loadEventDetail(db: ReadDatabase, eventId: string): Promise<EventStatic> {
  const [row] = await db
    .select({ event: events, venue: venues, performer: performers })
    .from(events)
    .innerJoin(venues, eq(venues.id, events.venueId))
    .innerJoin(performers, eq(performers.id, events.performerId))
    .where(eq(events.id, eventId));
  if (!row) throw notFound(`no event with id ${eventId}`);
  const { event, venue, performer } = row;

  const sectionPrices = await db
    .select({
      section: tickets.section,
      minCents: sql<number>`min(${tickets.priceCents})::int`,
      maxCents: sql<number>`max(${tickets.priceCents})::int`,
    })
    .from(tickets)
    .where(eq(tickets.eventId, eventId))
    .groupBy(tickets.section);
  const order = new Map(venue.seatMap.sections.map((s, i) => [s.name, i]));
  sectionPrices.sort((a, b) => (order.get(a.section) ?? 0) - (order.get(b.section) ?? 0));

  const fees = feePolicy(event);
  return {
    id: event.id,
    name: event.name,
    description: event.description,
    type: event.type as EventType,
    startsAt: event.startsAt.toISOString(),
    onSaleAt: event.onSaleAt?.toISOString() ?? null,
    status: event.status,
    currency: event.currency,
    perUserLimit: event.perUserLimit,
    queue: event.queue,
    updatedAt: event.updatedAt.toISOString(),
    imageUrl: eventImageUrl(event),
    venue: {
      id: venue.id,
      name: venue.name,
      city: venue.city,
      country: venue.country,
      lat: venue.lat,
      lng: venue.lng,
      timezone: venue.timezone,
      capacity: venue.capacity,
      seatMap: venue.seatMap,
    },
    performer: { id: performer.id, name: performer.name, genre: performer.genre, bio: performer.bio },
    fees,
    prices: sectionPrices.map((p) => ({
      section: p.section,
      minCents: allIn(p.minCents, fees),
      maxCents: allIn(p.maxCents, fees),
      faceMinCents: p.minCents,
      faceMaxCents: p.maxCents,
    })),
    priceRange: { minCents: allIn(event.minPriceCents, fees), maxCents: allIn(event.maxPriceCents, fees) },
  };
}

export interface TicketPage {
  tickets: { id: string; section: string; row: string | null; seat: string | null; priceCents: number; totalCents: number; status: TicketStatus }[];
  nextCursor: string | null;
}

/**
 * One page of an event's tickets in seat order. Sold comes from Postgres;
 * holds and blocks live in the event's SeatRoom, whose held and blocked
 * seats the caller passes in.
 */
export async function listTickets(
  db: ReadDatabase,
  eventId: string,
  taken: TakenSeats,
  q: { status?: TicketStatus | undefined; section?: string | undefined; limit?: number | undefined; cursor?: string | undefined },
): Promise<TicketPage> {
  const [event] = await db
    .select({ feeFixedCents: events.feeFixedCents, feePercentBp: events.feePercentBp, taxRateBp: events.taxRateBp })
    .from(events)
    .where(eq(events.id, eventId));
  if (!event) throw notFound(`no event with id ${eventId}`);
  const fees = feePolicy(event);
  const limit = q.limit ?? 100;
  const heldSet = new Set(taken.held);
  const blockedSet = new Set(taken.blocked);
  const seatList = (seats: number[]) => sql`(select jsonb_array_elements_text(${JSON.stringify(seats)}::jsonb)::int)`;
  const heldList = seatList(taken.held);
  const blockedList = seatList(taken.blocked);

  const conditions = [eq(tickets.eventId, eventId)];
  if (q.section) conditions.push(eq(tickets.section, q.section));
  if (q.cursor) conditions.push(gt(tickets.seatIndex, Number(q.cursor)));
  if (q.status === "available") conditions.push(isNull(bookedTickets.bookingId), sql`${tickets.seatIndex} not in ${heldList}`, sql`${tickets.seatIndex} not in ${blockedList}`);
  if (q.status === "held") conditions.push(sql`${tickets.seatIndex} in ${heldList}`);
  if (q.status === "blocked") conditions.push(isNull(bookedTickets.bookingId), sql`${tickets.seatIndex} in ${blockedList}`);
  if (q.status === "sold") conditions.push(sql`${bookedTickets.bookingId} is not null`);

  const rows = await db
    .select({
      seatIndex: tickets.seatIndex,
      section: tickets.section,
      row: tickets.row,
      seat: tickets.seat,
      priceCents: tickets.priceCents,
      sold: sql<boolean>`${bookedTickets.bookingId} is not null`,
    })
    .from(tickets)
    .leftJoin(
      bookedTickets,
      and(
        eq(bookedTickets.eventId, tickets.eventId),
        eq(bookedTickets.seatIndex, tickets.seatIndex),
        eq(bookedTickets.released, false),
      ),
    )
    .where(and(...conditions))
    .orderBy(asc(tickets.seatIndex))
    .limit(limit + 1);

  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return {
    tickets: page.map((t) => ({
      id: ticketId(eventId, t.seatIndex),
      section: t.section,
      row: t.row,
      seat: t.seat,
      priceCents: t.priceCents,
      totalCents: allIn(t.priceCents, fees),
      status: t.sold ? "sold" : blockedSet.has(t.seatIndex) ? "blocked" : heldSet.has(t.seatIndex) ? "held" : "available",
    })),
    nextCursor: rows.length > limit && last ? String(last.seatIndex) : null,
  };
}
