/**
 * The reconciler: compares the room's sold seats with Postgres' booked
 * tickets and repairs whichever side is wrong, logging each repair. It runs
 * from the alarm shortly after the room loads and then every few minutes
 * while the event is on sale.
 *
 * Postgres is the record of *sold*: a ticket with a live booking there is
 * sold in the room (any hold on it loses it); a seat the room shows sold
 * without a live booking is freed. The event's denormalized sold count is
 * corrected from the booked tickets. A cheap fingerprint (count, Σ seat,
 * Σ seat²) is compared first; only a mismatch reads every ticket.
 *
 * The Postgres read is I/O: the room keeps serving meanwhile. A seat whose
 * sold status changed after the read began is skipped (its change came from
 * a newer fact than the read); the next run looks at it again.
 */
import { withSession } from "../../src/shared/database";
import { log } from "../../src/shared/log";
import type { SoldBooking } from "../../src/shared/room-protocol";
import { recountSold, soldFingerprint, soldTickets } from "../../src/lifecycle/records";
import type { RoomState } from "./rules";

export const RECONCILE_EVERY_MS = 3 * 60_000;
/** A room that wakes up reconciles shortly after, from its alarm, so a Postgres outage never stops it from loading. */
export const RECONCILE_AFTER_LOAD_MS = 10_000;

export interface RepairHooks {
  /** The room's current sequence number. */
  seq(): number;
  /** Whether the seat's sold status changed after `seq`. */
  changedSince(seat: number, seq: number): boolean;
  sell(holdId: string, booking: SoldBooking): void;
  free(seats: number[]): void;
}

export function fingerprint(seats: Iterable<number>): { count: number; sum: number; squares: number } {
  let count = 0;
  let sum = 0;
  let squares = 0;
  for (const seat of seats) {
    count += 1;
    sum += seat;
    squares += seat * seat;
  }
  return { count, sum, squares };
}

/** What to change so the room's sold seats equal Postgres' booked tickets (seats that moved since `seq` are left alone). */
export function planRepairs(
  sold: RoomState["sold"],
  booked: { seat: number; bookingId: string; holdId: string; userId: string }[],
  skip: (seat: number) => boolean,
): { sell: { holdId: string; booking: SoldBooking }[]; free: number[] } {
  const inPostgres = new Map(booked.map((t) => [t.seat, t]));
  const free = [...sold.keys()].filter((seat) => !inPostgres.has(seat) && !skip(seat));
  const sell = new Map<string, { holdId: string; booking: SoldBooking }>();
  for (const ticket of booked) {
    if (sold.get(ticket.seat)?.bookingId === ticket.bookingId || skip(ticket.seat)) continue;
    let entry = sell.get(ticket.bookingId);
    if (!entry) sell.set(ticket.bookingId, (entry = { holdId: ticket.holdId, booking: { id: ticket.bookingId, userId: ticket.userId, seats: [] } }));
    entry.booking.seats.push(ticket.seat);
  }
  return { sell: [...sell.values()], free };
}

export async function reconcile(env: Env, state: RoomState, hooks: RepairHooks): Promise<void> {
  const eventId = state.catalog.eventId;
  const seqBefore = hooks.seq();
  await withSession(env, async (db) => {
    const remote = await soldFingerprint(db(), eventId);
    const local = fingerprint(state.sold.keys());
    const same = remote.count === local.count && remote.sum === local.sum && remote.squares === local.squares;
    if (!same) {
      const booked = await soldTickets(db(), eventId);
      // After the read: compare with the room as it is now, skipping seats that moved meanwhile.
      const repairs = planRepairs(state.sold, booked, (seat) => hooks.changedSince(seat, seqBefore));
      for (const { holdId, booking } of repairs.sell) hooks.sell(holdId, booking);
      if (repairs.free.length > 0) hooks.free(repairs.free);
      log("warn", "reconciled", { eventId, sold: repairs.sell.reduce((n, r) => n + r.booking.seats.length, 0), freed: repairs.free.length });
    }
    if (remote.soldCount !== remote.count) {
      await recountSold(db(), eventId);
      log("warn", "reconcile_repair", { eventId, kind: "sold_count", from: remote.soldCount, to: remote.count });
    }
  });
}
