/** The Durable Objects of an event, by the event's id. */
import { log } from "../../src/shared/log";

export function seatRoom(env: Env, eventId: string) {
  return env.SEAT_ROOM.getByName(eventId);
}

/** The door's figures (admitted, total, conflicts), or null when the room cannot answer now (the report still shows). */
export async function doorCounts(env: Env, eventId: string) {
  try {
    return await seatRoom(env, eventId).doorStats(eventId);
  } catch (error) {
    log("warn", "door_counts_failed", { eventId, message: String(error) });
    return null;
  }
}

/** The room's live counts, or null when it cannot answer now (a list or report still shows). */
export async function liveCounts(env: Env, eventId: string) {
  try {
    const live = await seatRoom(env, eventId).availability(eventId);
    if (!live) return null;
    const { seq: _seq, ...counts } = live;
    return counts;
  } catch (error) {
    log("warn", "organizer_counts_failed", { eventId, message: String(error) });
    return null;
  }
}
