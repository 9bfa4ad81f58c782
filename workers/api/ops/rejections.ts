/**
 * Holds the API refuses before the event's room sees them (a rate limit, an
 * admission token that is not valid) still count in the room's figures:
 * each isolate tallies them per event and hands the tally to the room at
 * most every few seconds, after the response (`waitUntil`). A flood of
 * refused requests is one room call per isolate per interval, not one each.
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

/** Counts one refused hold for the event; hands the event's tally to its room if the last hand-over is old enough. */
export function noteRejection(env: Env, waitUntil: (p: Promise<unknown>) => void, eventId: string, reason: RejectionReason): void {
  let tally = tallies.get(eventId);
  if (!tally) {
    // Bounded: a tally for an id that is no event never grows the map past this.
    if (tallies.size >= MAX_EVENTS) tallies.clear();
    tally = { counts: {}, flushedAt: 0 };
    tallies.set(eventId, tally);
  }
  tally.counts[reason] = (tally.counts[reason] ?? 0) + 1;
  const now = Date.now();
  if (now - tally.flushedAt < FLUSH_EVERY_MS) return;
  const counts = tally.counts;
  tally.counts = {};
  tally.flushedAt = now;
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
