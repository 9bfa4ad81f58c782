/**
 * Organizer writes: venues, performers, events and their tickets. Used by the
 * API and by the seed, so demo data goes through the same code as real data.
 *
 * Creating an event creates one ticket per place of its venue in a single
 * INSERT … SELECT that expands the venue's stored seat map inside Postgres,
 * so an 80,000-seat stadium costs one statement, not 80,000 round trips.
 *
 * Every row is written for an organization (`orgId`), and an event may use
 * only its own org's venue and performer: another org's id is answered as
 * an id that does not exist.
 */
import { and, eq, sql } from "drizzle-orm";
import type { z } from "@hono/zod-openapi";
import type { EventCreate, EventPatch, PerformerCreate, VenueCreate } from "../../../src/shared/catalog";
import { bookedTickets, events, performers, tickets, venues } from "../../../src/shared/db-schema";
import { newId } from "../../../src/shared/ids";
import { buildSeatMap, capacityOf, SeatMapError, type SeatMap } from "../../../src/shared/seat-map";
import { templateStage, venueTemplate } from "../../../src/shared/venue-templates";
import type { QueueSettings } from "../../../src/shared/queue";
import type { Database } from "../env";
import { checkDailyEvents, checkTicketCap, type OrganizerQuotas } from "./quotas";
import { badRequest, conflict, notFound } from "../problem";

export type Tx = Parameters<Parameters<Database["transaction"]>[0]>[0];

export async function createVenue(
  db: Database,
  input: z.infer<typeof VenueCreate>,
  owner: { orgId: string; quotas?: OrganizerQuotas },
): Promise<{ id: string; capacity: number; sections: string[] }> {
  const { quotas } = owner;
  let seatMap: SeatMap;
  try {
    const template = input.template ?? "theater";
    seatMap = buildSeatMap(input.sections ?? venueTemplate(template), input.stage ?? (input.sections ? undefined : templateStage(template)));
  } catch (error) {
    if (error instanceof SeatMapError) throw badRequest(`sections: ${error.message}`);
    throw error;
  }
  const id = newId("vn");
  const capacity = capacityOf(seatMap);
  if (quotas) checkTicketCap(capacity, quotas);
  await db.insert(venues).values({
    id,
    orgId: owner.orgId,
    name: input.name,
    city: input.city,
    country: input.country,
    lat: input.lat,
    lng: input.lng,
    timezone: input.timezone ?? timeZoneFromLongitude(input.lng),
    capacity,
    seatMap,
  });
  return { id, capacity, sections: seatMap.sections.map((s) => s.name) };
}

export async function createPerformer(db: Database, input: z.infer<typeof PerformerCreate>, orgId: string): Promise<{ id: string }> {
  const id = newId("pf");
  await db.insert(performers).values({ id, orgId, name: input.name, genre: input.genre ?? null, bio: input.bio ?? null });
  return { id };
}

/** Creates the event for `owner.orgId`; an organizer's request (with `userId`) is held to their quotas, the seed's is not. */
export async function createEvent(
  db: Database,
  input: EventCreate,
  owner: { orgId: string; organizer?: { userId: string; quotas: OrganizerQuotas } },
): Promise<{ id: string; ticketCount: number }> {
  const { organizer } = owner;
  const venue = await findVenue(db, input.venueId, "venueId", owner.orgId);
  if (organizer) checkTicketCap(venue.capacity, organizer.quotas);
  const performer = await findPerformer(db, input.performerId, "performerId", owner.orgId);
  const prices = priceList(venue.seatMap, input.prices, true);
  const id = newId("ev");
  await db.transaction(async (tx) => {
    if (organizer) await checkDailyEvents(tx, organizer.userId, organizer.quotas);
    await tx.insert(events).values({
      id,
      orgId: owner.orgId,
      createdBy: organizer?.userId ?? null,
      name: input.name,
      description: input.description ?? null,
      type: input.type,
      startsAt: new Date(input.startsAt),
      venueId: venue.id,
      performerId: performer.id,
      onSaleAt: input.onSaleAt ? new Date(input.onSaleAt) : null,
      perUserLimit: input.perUserLimit ?? 8,
      currency: input.currency ?? "usd",
      ...(input.fees ?? {}),
      ticketCount: venue.capacity,
      ...priceRange(prices),
      performerName: performer.name,
      venueName: venue.name,
      city: venue.city,
      searchText: searchText(input.name, performer.name, venue.name, venue.city),
    });
    await insertTickets(tx, id, venue.id, prices);
  });
  return { id, ticketCount: venue.capacity };
}

/**
 * Applies the change to an event the caller has loaded (as its org's) and
 * returns the event as it now is. A new venue or performer must be the
 * event's org's; the ones it has keep serving it. `queueChanges` changes
 * only the waiting-room settings it names, merged under the row's lock, so
 * two operators changing different settings at once both take effect.
 */
export async function patchEvent(
  db: Database,
  current: typeof events.$inferSelect,
  patch: EventPatch,
  quotas?: OrganizerQuotas,
  queueChanges?: Partial<QueueSettings>,
): Promise<typeof events.$inferSelect> {
  const eventId = current.id;
  const venueChanged = patch.venueId !== undefined && patch.venueId !== current.venueId;
  const venue = await findVenue(db, patch.venueId ?? current.venueId, "venueId", venueChanged ? current.orgId : undefined);
  if (venueChanged && quotas) checkTicketCap(venue.capacity, quotas);
  const performerChanged = patch.performerId !== undefined && patch.performerId !== current.performerId;
  const performer = await findPerformer(db, patch.performerId ?? current.performerId, "performerId", performerChanged ? current.orgId : undefined);
  if (venueChanged && !patch.prices) throw badRequest("prices: a new venue needs a price for each of its sections");
  const prices = patch.prices ? priceList(venue.seatMap, patch.prices, venueChanged) : undefined;
  const name = patch.name ?? current.name;

  await db.transaction(async (tx) => {
    // A cancellation marks the event under this row's lock: a change that raced it must not undo it (reopen its queue).
    const [locked] = await tx.select({ status: events.status, queue: events.queue }).from(events).where(eq(events.id, eventId)).for("update");
    if (locked?.status === "cancelled") throw conflict("this event is cancelled; it can no longer change");
    const queue = queueChanges && locked ? { ...locked.queue, ...queueChanges } : patch.queue;
    if (venueChanged) {
      const [booked] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(bookedTickets)
        .where(and(eq(bookedTickets.eventId, eventId), eq(bookedTickets.released, false)));
      if ((booked?.n ?? 0) > 0) throw conflict("the venue of an event with sold tickets cannot change");
      await tx.delete(tickets).where(eq(tickets.eventId, eventId));
      await insertTickets(tx, eventId, venue.id, prices ?? new Map());
    } else if (prices) {
      for (const [section, priceCents] of prices) {
        await tx
          .update(tickets)
          .set({ priceCents })
          .where(and(eq(tickets.eventId, eventId), eq(tickets.section, section)));
      }
    }
    const [range] = await tx
      .select({
        minPriceCents: sql<number>`min(${tickets.priceCents})::int`,
        maxPriceCents: sql<number>`max(${tickets.priceCents})::int`,
      })
      .from(tickets)
      .where(eq(tickets.eventId, eventId));
    await tx
      .update(events)
      .set({
        name,
        ...(patch.description !== undefined ? { description: patch.description } : {}),
        ...(patch.type ? { type: patch.type } : {}),
        ...(patch.startsAt ? { startsAt: new Date(patch.startsAt) } : {}),
        ...(patch.onSaleAt !== undefined ? { onSaleAt: patch.onSaleAt ? new Date(patch.onSaleAt) : null } : {}),
        ...(patch.perUserLimit ? { perUserLimit: patch.perUserLimit } : {}),
        ...(patch.currency ? { currency: patch.currency } : {}),
        ...(patch.fees ?? {}),
        ...(queue ? { queue } : {}),
        venueId: venue.id,
        performerId: performer.id,
        ticketCount: venue.capacity,
        minPriceCents: range?.minPriceCents ?? current.minPriceCents,
        maxPriceCents: range?.maxPriceCents ?? current.maxPriceCents,
        performerName: performer.name,
        venueName: venue.name,
        city: venue.city,
        searchText: searchText(name, performer.name, venue.name, venue.city),
        updatedAt: new Date(),
      })
      .where(eq(events.id, eventId));
  });
  const [updated] = await db.select().from(events).where(eq(events.id, eventId));
  if (!updated) throw notFound(`no event with id ${eventId}`);
  return updated;
}

/** One ticket per place, expanded from the venue's seat map inside Postgres. */
async function insertTickets(tx: Tx, eventId: string, venueId: string, prices: Map<string, number>): Promise<void> {
  const priceRows = JSON.stringify([...prices].map(([section, price]) => ({ section, price })));
  await tx.execute(sql`
    insert into tickets (event_id, seat_index, section, row, seat, price_cents)
    with sections as (
      select s.value as section, p.price
      from venues v, jsonb_array_elements(v.seat_map -> 'sections') s,
           jsonb_to_recordset(${priceRows}::jsonb) as p(section text, price int)
      where v.id = ${venueId} and p.section = s.value ->> 'name'
    )
    select ${eventId}, (r.value ->> 'firstIndex')::int + i, section ->> 'name', r.value ->> 'name', r.value -> 'seats' ->> i, price
    from sections, jsonb_array_elements(section -> 'rows') r,
         generate_series(0, jsonb_array_length(r.value -> 'seats') - 1) i
    where section ->> 'kind' = 'seated'
    union all
    select ${eventId}, (section ->> 'firstIndex')::int + i, section ->> 'name', null, null, price
    from sections, generate_series(0, (section ->> 'count')::int - 1) i
    where section ->> 'kind' = 'ga'`);
}

/**
 * Prices by section name. Every named section must exist; with `complete`,
 * every section of the venue must have a price (a ticket needs one).
 */
function priceList(seatMap: SeatMap, input: { section: string; priceCents: number }[], complete: boolean): Map<string, number> {
  const names = new Set(seatMap.sections.map((s) => s.name));
  const prices = new Map<string, number>();
  for (const { section, priceCents } of input) {
    if (!names.has(section)) throw badRequest(`prices: the venue has no section "${section}"`);
    if (prices.has(section)) throw badRequest(`prices: section "${section}" is priced twice`);
    prices.set(section, priceCents);
  }
  const missing = [...names].filter((n) => !prices.has(n));
  if (complete && missing.length > 0) {
    throw badRequest(`prices: no price for section${missing.length > 1 ? "s" : ""} ${missing.map((m) => `"${m}"`).join(", ")}`);
  }
  return prices;
}

function priceRange(prices: Map<string, number>): { minPriceCents: number; maxPriceCents: number } {
  const values = [...prices.values()];
  return { minPriceCents: Math.min(...values), maxPriceCents: Math.max(...values) };
}

/** The venue, if it is `orgId`'s (any org's when undefined: the one an event already has). */
async function findVenue(db: Database, id: string, field: string, orgId: string | undefined) {
  const [venue] = await db
    .select()
    .from(venues)
    .where(and(eq(venues.id, id), orgId === undefined ? undefined : eq(venues.orgId, orgId)));
  if (!venue) throw badRequest(`${field}: no venue with id ${id}`);
  return venue;
}

async function findPerformer(db: Database, id: string, field: string, orgId: string | undefined) {
  const [performer] = await db
    .select()
    .from(performers)
    .where(and(eq(performers.id, id), orgId === undefined ? undefined : eq(performers.orgId, orgId)));
  if (!performer) throw badRequest(`${field}: no performer with id ${id}`);
  return performer;
}

function searchText(...parts: string[]): string {
  return parts.join(" ").toLowerCase();
}

/** A fixed-offset zone from the longitude, for venues created without one. */
function timeZoneFromLongitude(lng: number): string {
  const offset = Math.round(lng / 15);
  // Etc/GMT zones have inverted signs: Etc/GMT-2 is UTC+2.
  return offset === 0 ? "Etc/UTC" : `Etc/GMT${offset > 0 ? "-" : "+"}${Math.abs(offset)}`;
}
