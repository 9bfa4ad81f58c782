/**
 * The figures of an event's sales report that Postgres holds: money, ticket
 * tallies by section and by price, and sales per hour. Each is one
 * aggregate query whose answer grows with the venue's sections, prices and
 * hours of sale, never with its seats; live seat counts come from the room.
 *
 * Money comes from the bookings (what was charged and returned), tallies
 * and the split of prices from their booked tickets (what fans paid, all
 * in), so a refund whose money is still
 * on its way shows in the tallies before it shows in `refundedCents`.
 */
import { and, eq, inArray, sql } from "drizzle-orm";
import type { AnyPgColumn } from "drizzle-orm/pg-core";
import { bookedTickets, bookings, tickets } from "../../../src/shared/db-schema";
import { SALE_STATUSES, type SalesReport } from "../../../src/shared/reports";
import type { Database } from "../env";
import type { EventRow } from "./tenancy";

type Tally = Pick<SalesReport["bySection"][number], "sold" | "soldCents" | "refunded" | "refundedCents">;

/** A sum of cents as a number: Postgres sums integers as bigint, which the driver returns as text. */
const total = (column: AnyPgColumn) => sql`coalesce(sum(${column}), 0)::bigint`.mapWith(Number);
const counted = () => sql<number>`count(*)::int`;

const sales = (eventId: string) => and(eq(bookings.eventId, eventId), inArray(bookings.status, [...SALE_STATUSES]));

export async function salesReport(db: Database, event: EventRow): Promise<Omit<SalesReport, "eventId" | "generatedAt" | "seats" | "checkIns">> {
  const [money, tallied, perHour] = await Promise.all([moneyOf(db, event), tallies(db, event.id), salesPerHour(db, event.id)]);
  return { money, ...tallied, perHour };
}

async function moneyOf(db: Database, event: EventRow): Promise<SalesReport["money"]> {
  const [[row], [split]] = await Promise.all([
    db
      .select({ orders: counted(), grossCents: total(bookings.amountCents), refundedCents: total(bookings.refundedCents) })
      .from(bookings)
      .where(sales(event.id)),
    db
      .select({
        faceCents: total(bookedTickets.faceCents),
        discountCents: total(bookedTickets.discountCents),
        feeCents: total(bookedTickets.feeCents),
        taxCents: total(bookedTickets.taxCents),
      })
      .from(bookedTickets)
      .innerJoin(bookings, eq(bookings.id, bookedTickets.bookingId))
      .where(and(eq(bookedTickets.eventId, event.id), eq(bookedTickets.released, false), sales(event.id))),
  ]);
  const grossCents = row?.grossCents ?? 0;
  const refundedCents = row?.refundedCents ?? 0;
  return {
    currency: event.currency,
    orders: row?.orders ?? 0,
    grossCents,
    refundedCents,
    netCents: grossCents - refundedCents,
    split: split ?? { faceCents: 0, discountCents: 0, feeCents: 0, taxCents: 0 },
  };
}

/**
 * Sold tickets tallied by section and price in one query, folded here into
 * both lists. Every section of the venue is listed, sold or not.
 */
async function tallies(db: Database, eventId: string): Promise<Pick<SalesReport, "bySection" | "byPrice">> {
  const [sections, sold] = await Promise.all([
    db
      .select({ section: tickets.section, capacity: counted() })
      .from(tickets)
      .where(eq(tickets.eventId, eventId))
      .groupBy(tickets.section)
      .orderBy(sql`min(${tickets.seatIndex})`),
    db
      .select({ section: tickets.section, priceCents: bookedTickets.priceCents, released: bookedTickets.released, n: counted(), cents: total(bookedTickets.priceCents) })
      .from(bookedTickets)
      .innerJoin(bookings, eq(bookings.id, bookedTickets.bookingId))
      .innerJoin(tickets, and(eq(tickets.eventId, bookedTickets.eventId), eq(tickets.seatIndex, bookedTickets.seatIndex)))
      .where(and(eq(bookedTickets.eventId, eventId), sales(eventId)))
      .groupBy(tickets.section, bookedTickets.priceCents, bookedTickets.released),
  ]);
  const bySection = new Map(sections.map((s) => [s.section, { ...s, ...emptyTally() }]));
  const byPrice = new Map<number, Tally & { priceCents: number }>();
  for (const row of sold) {
    // A section sold but gone from the venue cannot happen (a venue with sales cannot change); kept rather than lost if it did.
    const section = bySection.get(row.section) ?? { section: row.section, capacity: 0, ...emptyTally() };
    bySection.set(row.section, add(section, row));
    byPrice.set(row.priceCents, add(byPrice.get(row.priceCents) ?? { priceCents: row.priceCents, ...emptyTally() }, row));
  }
  return { bySection: [...bySection.values()], byPrice: [...byPrice.values()].sort((a, b) => a.priceCents - b.priceCents) };
}

const emptyTally = (): Tally => ({ sold: 0, soldCents: 0, refunded: 0, refundedCents: 0 });

function add<T extends Tally>(tally: T, row: { released: boolean; n: number; cents: number }): T {
  if (row.released) return { ...tally, refunded: tally.refunded + row.n, refundedCents: tally.refundedCents + row.cents };
  return { ...tally, sold: tally.sold + row.n, soldCents: tally.soldCents + row.cents };
}

/** Sales by the UTC hour their booking was made; tickets and amount as sold, before any refund. */
export async function salesPerHour(db: Database, eventId: string): Promise<SalesReport["perHour"]> {
  const ticketsPerBooking = db
    .select({ bookingId: bookedTickets.bookingId, n: sql<number>`count(*)`.as("n") })
    .from(bookedTickets)
    .where(eq(bookedTickets.eventId, eventId))
    .groupBy(bookedTickets.bookingId)
    .as("tickets_per_booking");
  const hour = sql<string>`to_char(date_trunc('hour', ${bookings.createdAt} at time zone 'UTC'), 'YYYY-MM-DD"T"HH24":00:00Z"')`;
  return db
    .select({ hour, orders: counted(), tickets: sql<number>`coalesce(sum(${ticketsPerBooking.n}), 0)::int`, amountCents: total(bookings.amountCents) })
    .from(bookings)
    .leftJoin(ticketsPerBooking, eq(ticketsPerBooking.bookingId, bookings.id))
    .where(sales(eventId))
    .groupBy(hour)
    .orderBy(hour);
}
