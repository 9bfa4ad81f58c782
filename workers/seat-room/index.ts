/**
 * SeatRoom: one Durable Object per event (`SEAT_ROOM.getByName(eventId)`),
 * the only writer of seat-hold state for its event.
 *
 * The booking path (holds, expiry alarms, checkout) is built on this class by
 * issue #3 and the live seat stream by issue #4; the catalog (issue #2) only
 * binds and deploys it so that the Worker's shape is final from the start.
 */
import { DurableObject } from "cloudflare:workers";
import type { Env } from "../api/env";

export class SeatRoom extends DurableObject<Env> {}
