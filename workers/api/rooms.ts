/** The Durable Objects of an event, by the event's id. */
import { log } from "../../src/shared/log";
import { Problem } from "./problem";

export function seatRoom(env: Env, eventId: string) {
  return env.SEAT_ROOM.getByName(eventId);
}

/**
 * Where a watcher's seat stream comes from: one of the event's relays
 * (`SEAT_STREAM_RELAYS`, see workers/seat-room/relay.ts), picked by the
 * watcher's address so that one address's streams share a relay and its
 * cap; or the room itself when relays are off.
 */
export function seatStreamSource(env: Env, eventId: string, watcher: string | null) {
  const relays = Number(env.SEAT_STREAM_RELAYS);
  if (!Number.isInteger(relays) || relays <= 0) return seatRoom(env, eventId);
  // Cloudflare always names the address; only local tools may name no one.
  const shard = watcher === null ? 0 : fnv1a(watcher) % relays;
  return env.SEAT_RELAY.getByName(`${eventId}/${shard}`);
}

/** FNV-1a, 32 bits: a stable, well-spread hash of a short key. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash >>> 0;
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

/**
 * A call to a room method added in this release. During a deploy a room may
 * still run the previous release's code, which does not have it: that is a
 * 503 to try again shortly, never a 500 (docs/operations.md, "Deploying
 * during an on-sale").
 */
export async function newRoomCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof Error && /does not implement|is not a function/i.test(error.message)) {
      throw new Problem(503, "the event's room is still running the previous release; try again in a minute", {}, { "retry-after": "30" });
    }
    throw error;
  }
}
