/** Seat types (no zod here: the browser code imports this). */
import type { SeatedRow } from "./seat-map";

/**
 * What a seat is, beyond its place: most are standard; wheelchair spaces and
 * their companions' seats are found by the accessible-seats filter and asked
 * for by best-available, which otherwise leaves them for those who need them.
 */
export const SEAT_TYPES = ["standard", "wheelchair", "companion"] as const;
export type SeatType = (typeof SEAT_TYPES)[number];
/** One character per seat in a row's `types`. */
export const SEAT_TYPE_CODES: Record<SeatType, string> = { standard: "s", wheelchair: "w", companion: "c" };

/** A seat's type from its row (standard when the row has no types). */
export function seatTypeOf(row: SeatedRow, seat: number): SeatType {
  const code = row.types?.[seat - row.firstIndex];
  return code === SEAT_TYPE_CODES.wheelchair ? "wheelchair" : code === SEAT_TYPE_CODES.companion ? "companion" : "standard";
}
