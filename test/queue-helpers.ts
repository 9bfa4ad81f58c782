/** Helpers for the waiting-room suites: a queue-enabled event, joining, a fan's status, the room's clock. */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { smallEvent } from "./booking-helpers";
import { call, json } from "./helpers";

export interface Position {
  state: string;
  position: number | null;
  ahead: number | null;
  etaSeconds: number;
  queueTicket?: string;
  admissionToken?: string;
  opensAt?: string;
  reason?: string;
}

export const queueRoom = (eventId: string) => env.QUEUE_ROOM.getByName(eventId);

/** A small event with its waiting room on (`queue` settings), opening at `onSaleAt` when given. */
export async function queuedEvent(queue: Record<string, unknown> = {}, onSaleAt?: string) {
  const event = await smallEvent(onSaleAt ? { onSaleAt } : {});
  await json(await call("PATCH", `/api/events/${event.id}`, { token: event.organizer, body: { queue: { enabled: true, ...queue } } }), 200);
  return event;
}

export async function join(eventId: string, token: string): Promise<Position> {
  return json<Position>(await call("POST", `/api/events/${eventId}/queue`, { token }), 201);
}

export async function status(eventId: string, ticket: string): Promise<Position> {
  return json<Position>(await call("GET", `/api/events/${eventId}/queue/status?ticket=${encodeURIComponent(ticket)}`), 200);
}

/** Moves the waiting room's clock on by `ms`. */
export async function queueTravel(eventId: string, ms: number): Promise<void> {
  await runInDurableObject(queueRoom(eventId), (room) => {
    const before = room.now;
    room.now = () => before() + ms;
  });
}

/** Sends `count` requests one after another; returns their statuses in order. */
export async function statuses(count: number, send: (i: number) => Promise<Response>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const res = await send(i);
    await res.body?.cancel();
    out.push(res.status);
  }
  return out;
}
