/**
 * Whether an id is an event (and whether it has a waiting room), from the
 * edge cache. The live routes ask this before they touch an event's rooms,
 * so a bot walking random ids gets 404s from the cache and never makes a
 * Durable Object. Answers for ids that are not events are cached too (a
 * catalog write changes the cache's version, so a new event is seen at once
 * where it was made).
 *
 * The seat map is the hottest read, so an isolate also remembers the ids it
 * has seen to be events for a while (events are never deleted): the check
 * then costs nothing. Booking routes do not ask: the room answers an
 * unknown event itself, without storing anything, and a burst of holds on a
 * new event must not become a burst of lookups.
 */
import type { Context } from "hono";
import { eq } from "drizzle-orm";
import { events } from "../../../src/shared/db-schema";
import { cachedText } from "../edge-cache";
import type { AppEnv } from "../env";
import { log } from "../../../src/shared/log";
import { conflict, isDatabaseUnavailable, notFound } from "../problem";

interface Presence {
  exists: boolean;
  queue: boolean;
}

/**
 * What the catalog says of the id, or undefined when Postgres cannot be
 * reached: then the room decides (it knows its own event without Postgres,
 * and makes nothing for an id it does not know), so a database outage never
 * takes down the seat map that rooms serve from memory.
 */
async function presence(c: Context<AppEnv>, eventId: string): Promise<Presence | undefined> {
  const asking = pending.get(eventId);
  if (asking) {
    // Another request of this isolate is asking already (a burst of fans on
    // a cold cache): its answer serves this one too, so a burst costs one
    // lookup. Briefly: if that request went away, this one asks itself.
    const answer = await Promise.race([asking.then((found) => ({ found })), scheduler.wait(SHARED_WAIT_MS).then(() => undefined)]);
    if (answer) return answer.found;
  }
  const lookup = lookUp(c, eventId).finally(() => {
    if (pending.get(eventId) === lookup) pending.delete(eventId);
  });
  pending.set(eventId, lookup);
  return lookup;
}

/** Lookups under way in this isolate, by event id. */
const pending = new Map<string, Promise<Presence | undefined>>();
const SHARED_WAIT_MS = 2_000;

async function lookUp(c: Context<AppEnv>, eventId: string): Promise<Presence | undefined> {
  try {
    const { body } = await cachedText(c, `presence/${eventId}`, async (): Promise<Presence> => {
      const [row] = await c.var.read().select({ queue: events.queue }).from(events).where(eq(events.id, eventId));
      return { exists: row !== undefined, queue: row?.queue.enabled === true };
    });
    return JSON.parse(body) as Presence;
  } catch (error) {
    // Unreachable, or refused: the room decides.
    if (!isDatabaseUnavailable(error)) log("warn", "event_presence_failed", { eventId, message: String(error) });
    return undefined;
  }
}

const KNOWN_FOR_MS = 60_000;
const KNOWN_MAX = 10_000;
/** Ids this isolate has seen to be events, until when it trusts that. */
const knownEvents = new Map<string, number>();

/** 404 unless `eventId` is an event. */
export async function requireEvent(c: Context<AppEnv>, eventId: string): Promise<void> {
  if ((knownEvents.get(eventId) ?? 0) > Date.now()) return;
  const found = await presence(c, eventId);
  if (!found) return;
  if (!found.exists) throw notFound(`no event with id ${eventId}`);
  if (knownEvents.size >= KNOWN_MAX) knownEvents.clear();
  knownEvents.set(eventId, Date.now() + KNOWN_FOR_MS);
}

/** 404 unless `eventId` is an event; unless it has a waiting room, 409 (or the status given: a read of the room's record is a 404). */
export async function requireQueuedEvent(c: Context<AppEnv>, eventId: string, withoutQueue: 404 | 409 = 409): Promise<void> {
  const found = await presence(c, eventId);
  if (!found || found.queue) return;
  if (!found.exists) throw notFound(`no event with id ${eventId}`);
  throw withoutQueue === 404 ? notFound("this event has no waiting room") : conflict("this event has no waiting room; go straight to the seats");
}
