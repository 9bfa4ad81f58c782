/**
 * Holds the API refuses before the event's room sees them (a rate limit, an
 * admission token that is not valid) still count in the room's figures:
 * each isolate tallies them per event and hands the tally to the room at
 * most every few seconds, after the response (`waitUntil`). A flood of
 * refused requests is one room call per isolate per interval, not one each,
 * and only for events whose room this isolate has seen answer a hold: a
 * refused request naming a made-up event costs no room call.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import { parseTicketId } from "../../../src/shared/ids";
import { log } from "../../../src/shared/log";
import type { RejectionReason } from "../../../src/shared/ops";
import type { AppEnv } from "../env";
import { seatRoom } from "../rooms";

const FLUSH_EVERY_MS = 5_000;
const MAX_EVENTS = 1_000;

interface Tally {
  counts: Partial<Record<RejectionReason, number>>;
  flushedAt: number;
}

const tallies = new Map<string, Tally>();
/** Events whose room answered in this isolate, or that an organizer's view named (bounded; forgetting one only delays its counts). */
const known = new Set<string>();

type WaitUntil = (p: Promise<unknown>) => void;

/** The event exists (its room answered a hold, or its organizer opened its figures): its refusals may be handed to its room. */
export function knownEvent(env: Env, waitUntil: WaitUntil, eventId: string): void {
  if (!known.has(eventId)) {
    if (known.size >= MAX_EVENTS) known.clear();
    known.add(eventId);
  }
  const tally = tallies.get(eventId);
  if (tally && Object.keys(tally.counts).length > 0 && Date.now() - tally.flushedAt >= FLUSH_EVERY_MS) flush(env, waitUntil, eventId, tally);
}

/** Counts one refused hold for the event; hands the tally to a known event's room if the last hand-over is old enough. */
export function noteRejection(env: Env, waitUntil: WaitUntil, eventId: string, reason: RejectionReason): void {
  let tally = tallies.get(eventId);
  if (!tally) {
    // Bounded: ids that are no event (made up by a client) are the ones let go first.
    if (tallies.size >= MAX_EVENTS) for (const id of tallies.keys()) if (!known.has(id)) tallies.delete(id);
    if (tallies.size >= MAX_EVENTS) tallies.clear();
    tally = { counts: {}, flushedAt: 0 };
    tallies.set(eventId, tally);
  }
  tally.counts[reason] = (tally.counts[reason] ?? 0) + 1;
  if (known.has(eventId) && Date.now() - tally.flushedAt >= FLUSH_EVERY_MS) flush(env, waitUntil, eventId, tally);
}

function flush(env: Env, waitUntil: WaitUntil, eventId: string, tally: Tally): void {
  const counts = tally.counts;
  tally.counts = {};
  tally.flushedAt = Date.now();
  waitUntil(
    seatRoom(env, eventId)
      .noteRejections(eventId, counts)
      .catch((error: unknown) => log("warn", "rejections_not_counted", { eventId, message: String(error) })),
  );
}

/**
 * On the reserve route, before the rate limits: a 429 they answer is counted
 * for the event the body names (read only then, after the refusal).
 */
export const countRateLimited = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (c.res.status !== 429) return;
  const eventId = await eventOfReserve(c);
  if (eventId) noteRejection(c.env, (p) => c.executionCtx.waitUntil(p), eventId, "rate_limited");
});

/** The event of a reserve's first ticket; Hono keeps the body it parsed, so this reads it at most once. */
async function eventOfReserve(c: Context<AppEnv>): Promise<string | undefined> {
  try {
    const body = (await c.req.json()) as { ticketIds?: unknown; ticketId?: unknown };
    const first = Array.isArray(body.ticketIds) ? body.ticketIds[0] : body.ticketId;
    return typeof first === "string" ? parseTicketId(first)?.eventId : undefined;
  } catch {
    return undefined;
  }
}
