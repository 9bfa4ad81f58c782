/**
 * The live operations view's figures (src/shared/ops.ts `OpsFigures`): the
 * SeatRoom's and the waiting room's own figures, which they keep in memory,
 * and the money's from Postgres. A part that cannot be read now is null and
 * named in `unavailable`: the view keeps showing the rest.
 */
import { and, eq, gt, isNotNull, sql } from "drizzle-orm";
import { bookings, paymentEvents, refunds, tickets } from "../../../src/shared/db-schema";
import { log } from "../../../src/shared/log";
import type { OpsFigures, PaymentOps, QueueOps, SeatOps } from "../../../src/shared/ops";
import type { SectionRange } from "../../../src/shared/room-protocol";
import type { ReadDatabase } from "../env";
import type { EventRow } from "../catalog/tenancy";
import { seatRoom } from "../rooms";

const LAG_WINDOW = sql`interval '15 minutes'`;

/** The event's sections as seat ranges (a section owns consecutive seat indexes), in seat order. */
export async function sectionsOf(read: ReadDatabase, eventId: string): Promise<SectionRange[]> {
  const rows = await read
    .select({ name: tickets.section, first: sql<number>`min(${tickets.seatIndex})::int`, count: sql<number>`count(*)::int` })
    .from(tickets)
    .where(eq(tickets.eventId, eventId))
    .groupBy(tickets.section)
    .orderBy(sql`min(${tickets.seatIndex})`);
  return rows.map((r) => ({ name: r.name, first: r.first, count: r.count }));
}

/** What the money says: bookings by payment state, refunds, and how late the provider's events arrive. */
export async function paymentFigures(read: ReadDatabase, eventId: string, refusedByRoom: number): Promise<PaymentOps> {
  const count = (condition: ReturnType<typeof sql>) => sql<number>`(count(*) filter (where ${condition}))::int`;
  const [byBooking] = await read
    .select({
      authorized: count(sql`${bookings.status} = 'authorized'`),
      captured: count(sql`${bookings.status} in ('confirmed', 'refunded')`),
      cancelled: count(sql`${bookings.status} = 'cancelled'`),
    })
    .from(bookings)
    .where(eq(bookings.eventId, eventId));
  const [byRefund] = await read
    .select({
      succeeded: count(sql`${refunds.status} = 'succeeded'`),
      pending: count(sql`${refunds.status} = 'pending'`),
      failed: count(sql`${refunds.status} = 'failed'`),
    })
    .from(refunds)
    .where(eq(refunds.eventId, eventId));
  const lagMs = sql`extract(epoch from (${paymentEvents.receivedAt} - ${paymentEvents.sentAt})) * 1000`;
  const [lag] = await read
    .select({
      p50: sql<number | null>`percentile_cont(0.5) within group (order by ${lagMs})`,
      p99: sql<number | null>`percentile_cont(0.99) within group (order by ${lagMs})`,
    })
    .from(paymentEvents)
    .where(and(eq(paymentEvents.eventId, eventId), isNotNull(paymentEvents.sentAt), gt(paymentEvents.receivedAt, sql`now() - ${LAG_WINDOW}`)));
  const ms = (v: number | string | null | undefined) => (v === null || v === undefined ? null : Math.max(0, Math.round(Number(v))));
  return {
    authorized: byBooking?.authorized ?? 0,
    captured: byBooking?.captured ?? 0,
    cancelled: byBooking?.cancelled ?? 0,
    refunded: byRefund?.succeeded ?? 0,
    refundsPending: byRefund?.pending ?? 0,
    failed: (byRefund?.failed ?? 0) + refusedByRoom,
    webhookLagP50Ms: ms(lag?.p50),
    webhookLagP99Ms: ms(lag?.p99),
  };
}

/** Runs one part's read; on failure, the part is null and named. */
async function part<T>(name: string, unavailable: string[], eventId: string, read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    unavailable.push(name);
    log("warn", "ops_part_unavailable", { eventId, part: name, message: String(error) });
    return null;
  }
}

/**
 * Everything the live view shows, once. A stream passes the sections it read
 * already, and the money's figures of a few seconds ago (`payments`) on the
 * frames between its reads of them: Postgres is asked every few seconds per
 * viewer, the rooms every second.
 */
export async function opsFigures(env: Env, read: () => ReadDatabase, event: EventRow, sections?: SectionRange[], reuse?: { payments: PaymentOps | null }): Promise<OpsFigures> {
  const unavailable: string[] = [];
  const ranges = sections ?? (await part("sections", unavailable, event.id, () => sectionsOf(read(), event.id))) ?? [];
  const [seatRoomFigures, queue] = await Promise.all([
    part<SeatOps | null>("seatRoom", unavailable, event.id, () => seatRoom(env, event.id).opsFigures(event.id, ranges)),
    event.queue.enabled ? part<QueueOps | null>("queue", unavailable, event.id, () => env.QUEUE_ROOM.getByName(event.id).opsFigures(event.id)) : Promise.resolve(null),
  ]);
  const payments = reuse ? reuse.payments : await part("payments", unavailable, event.id, () => paymentFigures(read(), event.id, seatRoomFigures?.totals.paymentsFailed ?? 0));
  return {
    eventId: event.id,
    name: event.name,
    at: new Date().toISOString(),
    status: event.status,
    onSaleAt: event.onSaleAt?.toISOString() ?? null,
    startsAt: event.startsAt.toISOString(),
    currency: event.currency,
    seatRoom: seatRoomFigures,
    queue,
    payments,
    unavailable,
  };
}
