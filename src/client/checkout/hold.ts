/**
 * What checkout makes of the hold it reads from the API (GET
 * /api/booking/holds/{id}, src/shared/booking.ts HoldView): the states in
 * which there is nothing (more) to pay for.
 */
import type { HoldState } from "../../shared/room-protocol";

/** Hold states in which the seats went back on sale: nothing can be paid for any more. */
export const GONE: readonly HoldState[] = ["expired", "released", "cancelled", "refunded"];

/** Hold states in which, after paying, the seats could not be booked (the authorization is released). */
export const NOT_BOOKED: readonly HoldState[] = ["expired", "released", "cancelled"];
