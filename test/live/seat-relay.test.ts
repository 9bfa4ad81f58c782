/**
 * Seat relays (workers/seat-room/relay.ts): watchers of one event are served
 * by the event's relays, each taking the room's stream once, with the same
 * frames the room would send; a room that restarts under them is resumed
 * without a gap.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { fan, hold, room, smallEvent } from "../booking-helpers";
import { call, callWith, evictRooms, seatWatchers } from "../helpers";
import { SseReader, type SseEvent } from "../sse";

const RELAYS = Number(env.SEAT_STREAM_RELAYS);

async function watchFrom(eventId: string, address: string, relays = RELAYS): Promise<SseReader> {
  const res = await callWith({ SEAT_STREAM_RELAYS: String(relays) }, "GET", `/api/events/${eventId}/seats/stream`, { headers: { "cf-connecting-ip": address } });
  expect(res.status).toBe(200);
  return new SseReader(res);
}

const deltas = (events: SseEvent[]) => events.filter((e) => e.event === "delta");

describe("seat relays", () => {
  it("are on by default, and the room writes each change once per relay, not once per watcher", async () => {
    expect(RELAYS).toBeGreaterThan(1);
    const event = await smallEvent();
    const watchers = await Promise.all(Array.from({ length: 40 }, (_, i) => watchFrom(event.id, `203.0.113.${i + 1}`)));
    await Promise.all(watchers.map((w) => w.readUntil((e) => e.some((f) => f.event === "snapshot"))));
    expect(await seatWatchers(event.id)).toBe(40);
    const atRoom = await room(event.id).watchers();
    expect(atRoom).toBeGreaterThan(1);
    expect(atRoom).toBeLessThanOrEqual(RELAYS);

    await hold(await fan(), [event.tickets(3)]);
    const seen = await Promise.all(watchers.map((w) => w.readUntil((e) => deltas(e).length >= 1)));
    // Every watcher got the same delta, with the room's seq as its id.
    const first = deltas(seen[0] ?? [])[0];
    expect(JSON.parse(first?.data ?? "{}")).toMatchObject({ held: [event.tickets(3)] });
    for (const events of seen) expect(deltas(events)[0]).toEqual(first);
    await Promise.all(watchers.map((w) => w.close()));
    // A watcher who left is noticed at the next write to its stream.
    await hold(await fan(), [event.tickets(4)]);
    await expect.poll(() => seatWatchers(event.id), { timeout: 5_000 }).toBe(0);
  });

  it("send the same snapshot and deltas as the room itself", async () => {
    const event = await smallEvent();
    await hold(await fan(), [event.tickets(0), event.tickets(5)]);
    const relayed = await watchFrom(event.id, "203.0.113.200");
    const direct = await watchFrom(event.id, "203.0.113.201", 0);
    await hold(await fan(), [event.tickets(9)]);
    const [a, b] = await Promise.all([relayed, direct].map((w) => w.readUntil((e) => deltas(e).length >= 1)));
    expect(a?.filter((e) => e.event !== "retry")).toEqual(b?.filter((e) => e.event !== "retry"));
    await Promise.all([relayed.close(), direct.close()]);
  });

  it("keep their watchers when the room restarts, and resume it without a gap", async () => {
    const event = await smallEvent();
    const watcher = await watchFrom(event.id, "203.0.113.210");
    await hold(await fan(), [event.tickets(1)]);
    await watcher.readUntil((e) => deltas(e).length >= 1);
    await evictRooms(room(event.id));
    // Changes made while the relay reconnects still reach the watcher, in order.
    await hold(await fan(), [event.tickets(2)]);
    await hold(await fan(), [event.tickets(4)]);
    const events = await watcher.readUntil((e) => deltas(e).flatMap((d) => (JSON.parse(d.data) as { held: string[] }).held).length >= 3);
    const frames = deltas(events).map((d) => JSON.parse(d.data) as { from: number; seq: number; held: string[] });
    for (let i = 1; i < frames.length; i++) expect(frames[i]?.from, "no gap, no repeat").toBe((frames[i - 1]?.seq ?? 0) + 1);
    expect(frames.flatMap((f) => f.held)).toEqual([event.tickets(1), event.tickets(2), event.tickets(4)]);
    expect(events.filter((e) => e.event === "snapshot")).toHaveLength(1);
    await watcher.close();
  });

  it("give a watcher who resumes on another relay exactly what it missed, from the room's log", async () => {
    const event = await smallEvent();
    const first = await watchFrom(event.id, "203.0.113.220");
    const [snap] = await first.readUntil((e) => e.some((f) => f.event === "snapshot"));
    await first.close();
    await hold(await fan(), [event.tickets(7)]);
    // Another address (a phone moving from Wi-Fi to its carrier), which the API sends to another relay.
    const res = await call("GET", `/api/events/${event.id}/seats/stream`, { headers: { "cf-connecting-ip": "198.51.100.77", "last-event-id": String(snap?.id) } });
    const again = new SseReader(res);
    const [missed] = await again.readUntil((e) => e.length >= 1);
    expect(missed?.event).toBe("delta");
    expect(JSON.parse(missed?.data ?? "{}")).toMatchObject({ from: Number(snap?.id) + 1, held: [event.tickets(7)] });
    await again.close();
  });
});
