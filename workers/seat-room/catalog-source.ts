/**
 * What a SeatRoom reads from Postgres, the system of record: its event's
 * catalog (ticket count, prices, limits, times) and, when the room's own
 * storage is empty, which seats are already sold. A pool is opened for the
 * read and closed after it.
 */
import { createPool } from "../../src/shared/neon";
import type { Env } from "../api/env";
import type { Catalog } from "./rules";
import type { SoldSeat } from "./storage";

export async function fetchCatalog(env: Env, eventId: string): Promise<Catalog | undefined> {
  const pool = createPool(env.DATABASE_URL, { localProxy: env.NEON_LOCAL_PROXY });
  try {
    const event = (
      await pool.query<{ ticket_count: number; per_user_limit: number; currency: string; on_sale_at: Date | null; starts_at: Date; queue: { enabled?: boolean } }>(
        "select ticket_count, per_user_limit, currency, on_sale_at, starts_at, queue from events where id = $1",
        [eventId],
      )
    ).rows[0];
    if (!event) return undefined;
    // Contiguous seats of one price collapse into one run (gaps-and-islands).
    const runs = await pool.query<{ first: number; n: number; price: number }>(
      `select min(seat_index)::int as first, count(*)::int as n, price_cents as price
       from (select seat_index, price_cents,
                    seat_index - row_number() over (partition by price_cents order by seat_index) as island
             from tickets where event_id = $1) t
       group by price_cents, island order by first`,
      [eventId],
    );
    return {
      eventId,
      ticketCount: event.ticket_count,
      perUserLimit: event.per_user_limit,
      currency: event.currency,
      priceRuns: runs.rows.map((r) => [r.first, r.n, r.price]),
      onSaleAt: event.on_sale_at ? new Date(event.on_sale_at).getTime() : null,
      startsAt: new Date(event.starts_at).getTime(),
      queueEnabled: event.queue?.enabled === true,
    };
  } finally {
    await pool.end();
  }
}

export async function fetchSold(env: Env, eventId: string): Promise<SoldSeat[]> {
  const pool = createPool(env.DATABASE_URL, { localProxy: env.NEON_LOCAL_PROXY });
  try {
    const rows = await pool.query<{ seat_index: number; booking_id: string; user_id: string }>(
      `select bt.seat_index, bt.booking_id, b.user_id
       from booked_tickets bt join bookings b on b.id = bt.booking_id
       where bt.event_id = $1 and not bt.released`,
      [eventId],
    );
    return rows.rows.map((r) => ({ seat: r.seat_index, bookingId: r.booking_id, userId: r.user_id }));
  } finally {
    await pool.end();
  }
}

/** The bookings Postgres has for these holds (an overdue "booking" hold may already be booked). */
export async function fetchBookingsOfHolds(env: Env, holdIds: string[]): Promise<{ id: string; holdId: string; userId: string; seats: number[] }[]> {
  if (holdIds.length === 0) return [];
  const pool = createPool(env.DATABASE_URL, { localProxy: env.NEON_LOCAL_PROXY });
  try {
    const rows = await pool.query<{ id: string; hold_id: string; user_id: string; seats: number[] }>(
      `select b.id, b.hold_id, b.user_id, array_agg(bt.seat_index order by bt.seat_index) as seats
       from bookings b join booked_tickets bt on bt.booking_id = b.id and not bt.released
       where b.hold_id = any($1) and b.status in ('authorized', 'confirmed')
       group by b.id, b.hold_id, b.user_id`,
      [holdIds],
    );
    return rows.rows.map((r) => ({ id: r.id, holdId: r.hold_id, userId: r.user_id, seats: r.seats }));
  } finally {
    await pool.end();
  }
}
