/**
 * What a room's state says of its seats as a whole: the live counts, and
 * which seats are taken without being sold (held, blocked). Plain functions
 * over the room's state, like the rules they read it with.
 */
import type { TakenSeats } from "../../src/shared/room-protocol";
import { isLive, type RoomState } from "./rules";

export interface Availability {
  total: number;
  available: number;
  held: number;
  sold: number;
  blocked: number;
}

export function availability(state: RoomState, now: number): Availability {
  let held = 0;
  for (const hold of state.holds.values()) if (isLive(hold, now)) held += hold.seats.filter((s) => !state.sold.has(s)).length;
  const total = state.catalog.ticketCount;
  const blocked = state.seatBlock.size;
  return { total, held, sold: state.sold.size, blocked, available: total - held - state.sold.size - blocked };
}

/** Seats in live holds (not sold), and blocked seats, each in seat order. */
export function takenSeats(state: RoomState, now: number): TakenSeats {
  const held = new Set<number>();
  for (const hold of state.holds.values()) {
    if (isLive(hold, now)) for (const seat of hold.seats) if (!state.sold.has(seat)) held.add(seat);
  }
  return { held: [...held].sort((a, b) => a - b), blocked: [...state.seatBlock.keys()].sort((a, b) => a - b) };
}
