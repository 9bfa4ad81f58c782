/**
 * What a SeatRoom reads from Postgres, the system of record: its event's
 * catalog (ticket count, prices, limits, times) and, when the room's own
 * storage is empty, which seats are already sold. A pool is opened for the
 * read and closed after it.
 */
import { withSession } from "../../src/shared/database";
import { createPool } from "../../src/shared/neon";
import type { CodeGrant, CodeKind } from "../../src/shared/room-protocol";
import type { Pool } from "@neondatabase/serverless";
import { soldTickets } from "../../src/lifecycle/records";
import type { Catalog } from "./rules";
import type { BookedCodeHold } from "./code-uses";
import type { SoldSeat } from "./storage";

export async function fetchCatalog(env: Env, eventId: string): Promise<Catalog | undefined> {
  const pool = createPool(env.DATABASE_URL, { localProxy: env.NEON_LOCAL_PROXY });
  try {
    const event = (
      await pool.query<{
        ticket_count: number;
        per_user_limit: number;
        currency: string;
        on_sale_at: Date | null;
        starts_at: Date;
        queue: { enabled?: boolean };
        status: string;
        fee_fixed_cents: number;
        fee_percent_bp: number;
        tax_rate_bp: number;
        updated_at: Date;
      }>(
        "select ticket_count, per_user_limit, currency, on_sale_at, starts_at, queue, status, fee_fixed_cents, fee_percent_bp, tax_rate_bp, updated_at from events where id = $1",
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
      codes: await fetchCodes(pool, eventId),
      version: new Date(event.updated_at).getTime(),
      eventId,
      ticketCount: event.ticket_count,
      perUserLimit: event.per_user_limit,
      currency: event.currency,
      priceRuns: runs.rows.map((r) => [r.first, r.n, r.price]),
      fees: { feeFixedCents: event.fee_fixed_cents, feePercentBp: event.fee_percent_bp, taxRateBp: event.tax_rate_bp },
      onSaleAt: event.on_sale_at ? new Date(event.on_sale_at).getTime() : null,
      startsAt: new Date(event.starts_at).getTime(),
      queueEnabled: event.queue?.enabled === true,
      cancelled: event.status === "cancelled",
    };
  } finally {
    await pool.end();
  }
}

/** When the event last changed (its catalog's version), or undefined for no such event: one row, for the reconciliation. */
export async function fetchCatalogVersion(env: Env, eventId: string): Promise<number | undefined> {
  const pool = createPool(env.DATABASE_URL, { localProxy: env.NEON_LOCAL_PROXY });
  try {
    const row = (await pool.query<{ updated_at: Date }>("select updated_at from events where id = $1", [eventId])).rows[0];
    return row ? new Date(row.updated_at).getTime() : undefined;
  } finally {
    await pool.end();
  }
}

/** The event's codes that are not disabled, their sections as runs of seats. */
async function fetchCodes(pool: Pool, eventId: string): Promise<CodeGrant[]> {
  const rows = (
    await pool.query<{
      id: string;
      code: string;
      kind: CodeKind;
      discount_percent_bp: number | null;
      discount_fixed_cents: number | null;
      sections: string[] | null;
      max_uses: number;
      starts_at: Date | null;
      ends_at: Date | null;
    }>(
      `select id, code, kind, discount_percent_bp, discount_fixed_cents, sections, max_uses, starts_at, ends_at
       from event_codes where event_id = $1 and not disabled`,
      [eventId],
    )
  ).rows;
  if (rows.length === 0) return [];
  const sections = new Map(
    (
      await pool.query<{ section: string; first: number; n: number }>(
        "select section, min(seat_index)::int as first, count(*)::int as n from tickets where event_id = $1 group by section",
        [eventId],
      )
    ).rows.map((r) => [r.section, [[r.first, r.n]] as [number, number][]]),
  );
  return rows.map((r) => ({
    id: r.id,
    code: r.code,
    kind: r.kind,
    maxUses: r.max_uses,
    startsAt: r.starts_at ? new Date(r.starts_at).getTime() : null,
    endsAt: r.ends_at ? new Date(r.ends_at).getTime() : null,
    discount: r.kind === "promo" ? { percentBp: r.discount_percent_bp, fixedCents: r.discount_fixed_cents } : null,
    seatRuns: r.sections?.flatMap((name) => sections.get(name) ?? []) ?? null,
  }));
}

/**
 * The tickets with a live booking, for a room whose storage is empty, and
 * the holds of those bookings that used a code (so their uses stay spent).
 */
export async function fetchSold(env: Env, eventId: string): Promise<{ sold: SoldSeat[]; codeHolds: BookedCodeHold[] }> {
  const tickets = await withSession(env, (db) => soldTickets(db(), eventId));
  const codeHolds = new Map<string, BookedCodeHold>();
  for (const t of tickets) {
    if (!t.codeId) continue;
    const hold = codeHolds.get(t.holdId) ?? { holdId: t.holdId, userId: t.userId, bookingId: t.bookingId, codeId: t.codeId, seats: [] };
    hold.seats.push(t.seat);
    codeHolds.set(t.holdId, hold);
  }
  return { sold: tickets.map((t) => ({ seat: t.seat, bookingId: t.bookingId, userId: t.userId })), codeHolds: [...codeHolds.values()] };
}
