/**
 * The mid-sale controls and the changes an organizer makes to a live event,
 * one function each, each audited (audit.ts). Every route that does the same
 * thing calls the same function: the ops API and the page, the box office's
 * block routes, the event's PATCH; so an action has one code path and one
 * audit, whichever door it came in by.
 */
import type { Context } from "hono";
import { eq } from "drizzle-orm";
import type { z } from "@hono/zod-openapi";
import type { EventPatch } from "../../../src/shared/catalog";
import type { QueueSettings } from "../../../src/shared/queue";
import { events } from "../../../src/shared/db-schema";
import { ticketId } from "../../../src/shared/ids";
import { log } from "../../../src/shared/log";
import type { BlockRecord } from "../../../src/shared/room-protocol";
import type { AppEnv } from "../env";
import { organizerQuotas } from "../catalog/quotas";
import type { EventRow } from "../catalog/tenancy";
import { patchEvent } from "../catalog/writes";
import { invalidateCatalog } from "../edge-cache";
import { notFound, Problem } from "../problem";
import { newRoomCall, seatRoom } from "../rooms";
import { audited, type Actor } from "./audit";

type Ctx = Context<AppEnv>;

const actor = (c: Ctx): Actor => ({ userId: c.var.user.id, requestId: c.var.requestId });
const noRoom = (eventId: string) => notFound(`no event with id ${eventId}`);

/** New holds are refused (503, Retry-After) until resumed; holds already made go on. */
export function pauseSales(c: Ctx, event: EventRow, input: { reason: string; retryAfterSeconds: number }) {
  return audited(c.var.db, event, actor(c), "sales_paused", input.reason, async () => {
    const change = await newRoomCall(() => seatRoom(c.env, event.id).pauseSales(event.id, { ...input, by: c.var.user.id, requestId: c.var.requestId }));
    if (!change) throw noRoom(event.id);
    return { ...change, result: change.after };
  });
}

export function resumeSales(c: Ctx, event: EventRow, input: { reason?: string | undefined }) {
  return audited(c.var.db, event, actor(c), "sales_resumed", input.reason ?? null, async () => {
    const change = await newRoomCall(() => seatRoom(c.env, event.id).resumeSales(event.id, c.var.user.id, { requestId: c.var.requestId }));
    if (!change) throw noRoom(event.id);
    return { ...change, result: change.after };
  });
}

/** Every live hold fans can still pay for gets `minutes` more. */
export function extendHolds(c: Ctx, event: EventRow, input: { minutes: number; reason: string }) {
  return audited(c.var.db, event, actor(c), "holds_extended", input.reason, async () => {
    const extended = await newRoomCall(() => seatRoom(c.env, event.id).extendHolds(event.id, { minutes: input.minutes, by: c.var.user.id, requestId: c.var.requestId }));
    if (!extended) throw noRoom(event.id);
    return { before: null, after: { minutes: input.minutes, ...extended }, result: extended };
  });
}

/** Takes seats off sale, all or none (409 with the seats that are sold, held or blocked already). */
export function blockSeats(c: Ctx, event: EventRow, input: { seats: number[]; reason: string }): Promise<BlockRecord> {
  return audited(c.var.db, event, actor(c), "seats_blocked", input.reason, async () => {
    const outcome = await seatRoom(c.env, event.id).block(event.id, { ...input, by: c.var.user.id });
    if (outcome.kind === "conflict") {
      const conflicting = outcome.seats.map((s) => ticketId(event.id, s));
      throw new Problem(409, `${conflicting.length === 1 ? "this ticket is" : "these tickets are"} sold, held or blocked already: ${conflicting.slice(0, 20).join(", ")}${conflicting.length > 20 ? ", …" : ""}`, {
        conflicting,
      });
    }
    if (outcome.kind === "rejected") throw new Problem(outcome.status, outcome.detail);
    const { block } = outcome;
    log("info", "block_created", { requestId: c.var.requestId, eventId: event.id, blockId: block.id, userId: c.var.user.id, seats: block.seats.length });
    return { before: null, after: { blockId: block.id, seats: block.seats.length }, result: block };
  });
}

/** Releases a block: its seats are on sale again at once; answers the seats released. */
export function releaseBlock(c: Ctx, event: EventRow, blockId: string): Promise<number[]> {
  return audited(c.var.db, event, actor(c), "block_released", null, async () => {
    const outcome = await seatRoom(c.env, event.id).unblock(event.id, blockId);
    if (outcome.kind === "rejected") throw new Problem(outcome.status, outcome.detail);
    log("info", "block_released", { requestId: c.var.requestId, eventId: event.id, blockId, userId: c.var.user.id, seats: outcome.seats.length });
    return { before: { blockId }, after: { released: outcome.seats.length }, result: outcome.seats };
  });
}

/**
 * Changes the event (the organizer's PATCH, and the ops page's queue
 * controls): Postgres, the edge cache's version, the SeatRoom's catalog and
 * the waiting room's settings, in that order; audited with the fields before
 * and after.
 */
export function changeEvent(c: Ctx, current: EventRow, patch: z.infer<typeof EventPatch>, reason: string | null = null, queueChanges?: Partial<QueueSettings>): Promise<EventRow> {
  const action = Object.keys(patch).every((k) => k === "queue") ? "queue_changed" : "event_changed";
  return audited(c.var.db, current, actor(c), action, reason, async () => {
    if (current.status === "cancelled") throw new Problem(409, "this event is cancelled; it can no longer change");
    const eventId = current.id;
    if (patch.venueId !== undefined) {
      // Seat indexes mean other seats in another venue: not while fans hold any.
      const live = await seatRoom(c.env, eventId).availability(eventId);
      if (live && live.held > 0) throw new Problem(409, "fans are holding seats of this event; the venue cannot change while they do");
      if (live && live.blocked > 0) throw new Problem(409, "seats of this event are blocked; release the blocks before changing the venue");
    }
    const event = await patchEvent(c.var.db(), current, patch, organizerQuotas(c.env), queueChanges);
    await invalidateCatalog();
    await seatRoom(c.env, eventId).catalogChanged(eventId);
    if (patch.queue || (patch.onSaleAt !== undefined && event.queue.enabled)) {
      const queueRoom = c.env.QUEUE_ROOM.getByName(eventId);
      await queueRoom.configure(eventId, event.queue, event.onSaleAt?.getTime() ?? null, event.updatedAt.getTime());
      // A cancellation that committed after this change may have closed the queue before the line
      // above reopened it: looked at afterwards, so the waiting room ends closed in either order.
      const [now] = await c.var.db().select({ status: events.status, queue: events.queue }).from(events).where(eq(events.id, eventId));
      if (now?.status === "cancelled") await queueRoom.configure(eventId, { ...now.queue, closed: true }, event.onSaleAt?.getTime() ?? null);
    }
    log("info", "event_changed", { requestId: c.var.requestId, eventId, userId: c.var.user.id });
    const fields = Object.keys(patch) as (keyof typeof patch)[];
    return { before: pick(current, fields), after: pick(event, fields), result: event };
  });
}

function pick(row: EventRow, fields: string[]): Record<string, unknown> {
  const record = row as unknown as Record<string, unknown>;
  return Object.fromEntries(fields.map((f) => [f, record[f] ?? null]));
}
