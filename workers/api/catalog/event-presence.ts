/**
 * Whether an id is an event (and whether it has a waiting room), from the
 * edge cache. The live routes ask this before they touch an event's rooms,
 * so a bot walking random ids gets 404s from the cache and never makes a
 * Durable Object. Answers for ids that are not events are cached too (a
 * catalog write changes the cache's version, so a new event is seen at once
 * where it was made).
 */
import type { Context } from "hono";
import { eq } from "drizzle-orm";
import { events } from "../../../src/shared/db-schema";
import { cachedText } from "../edge-cache";
import type { AppEnv } from "../env";
import { conflict, notFound } from "../problem";

interface Presence {
  exists: boolean;
  queue: boolean;
}

async function presence(c: Context<AppEnv>, eventId: string): Promise<Presence> {
  const { body } = await cachedText(c, `presence/${eventId}`, async (): Promise<Presence> => {
    const [row] = await c.var.db().select({ queue: events.queue }).from(events).where(eq(events.id, eventId));
    return { exists: row !== undefined, queue: row?.queue.enabled === true };
  });
  return JSON.parse(body) as Presence;
}

/** 404 unless `eventId` is an event. */
export async function requireEvent(c: Context<AppEnv>, eventId: string): Promise<void> {
  if (!(await presence(c, eventId)).exists) throw notFound(`no event with id ${eventId}`);
}

/** 404 unless `eventId` is an event, 409 unless it has a waiting room. */
export async function requireQueuedEvent(c: Context<AppEnv>, eventId: string): Promise<void> {
  const found = await presence(c, eventId);
  if (!found.exists) throw notFound(`no event with id ${eventId}`);
  if (!found.queue) throw conflict("this event has no waiting room; go straight to the seats");
}
