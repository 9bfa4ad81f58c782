/**
 * Attacks on the seat-stream relays (workers/seat-room/relay.ts): caps that a
 * client might lift, and maps a watcher might get wrong (a gap, a repeat, a
 * stale snapshot) across resumes, restarts and a venue that changes size.
 * A watcher's map is rebuilt from its frames and compared with the room's
 * own `GET /api/events/:id/seats`.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { fan, hold, room, smallEvent } from "../booking-helpers";
import { call, callWith, evictRooms, json, makeVenue, seatWatchers, tokenFor, word } from "../helpers";
import { SseReader, type SseEvent } from "../sse";

const RELAYS = Number(env.SEAT_STREAM_RELAYS);
const CODES = { available: "0", held: "1", sold: "2", blocked: "3" } as const;

interface Delta {
  from: number;
  seq: number;
  available: string[];
  held: string[];
  sold: string[];
  blocked: string[];
}

function stream(eventId: string, headers: Record<string, string>, change: Partial<Env> = {}): Promise<Response> {
  return callWith(change, "GET", `/api/events/${eventId}/seats/stream`, { headers });
}

async function watch(eventId: string, headers: Record<string, string>): Promise<SseReader> {
  const res = await stream(eventId, headers);
  expect(res.status).toBe(200);
  return new SseReader(res);
}

async function roomSeats(eventId: string): Promise<{ seq: number; statuses: string }> {
  const { seq, statuses } = await json<{ seq: number; statuses: string }>(await call("GET", `/api/events/${eventId}/seats`), 200);
  return { seq, statuses };
}

/**
 * A watcher's map from its frames, as a client keeps it: a snapshot replaces
 * it; a delta must continue exactly where the map is (`from` = seq + 1).
 */
function replay(events: SseEvent[], start?: { seq: number; statuses: string }): { seq: number; statuses: string } {
  let map = start ? { seq: start.seq, statuses: [...start.statuses] } : undefined;
  for (const e of events) {
    if (e.event === "snapshot") {
      const snap = JSON.parse(e.data) as { seq: number; statuses: string };
      expect(String(snap.seq)).toBe(e.id);
      map = { seq: snap.seq, statuses: [...snap.statuses] };
    } else if (e.event === "delta") {
      const delta = JSON.parse(e.data) as Delta;
      if (!map) throw new Error("a delta before any snapshot");
      expect(delta.from, `delta ${e.data} continues the map at ${map.seq}`).toBe(map.seq + 1);
      expect(delta.seq).toBeGreaterThanOrEqual(delta.from);
      expect(String(delta.seq)).toBe(e.id);
      for (const status of ["available", "held", "sold", "blocked"] as const) {
        for (const id of delta[status]) map.statuses[Number(id.slice(id.lastIndexOf(".") + 1))] = CODES[status];
      }
      map.seq = delta.seq;
    }
  }
  if (!map) throw new Error("no frames");
  return { seq: map.seq, statuses: map.statuses.join("") };
}

/** Reads until the watcher's map is the room's snapshot (or fails, showing both, after a few seconds). */
async function expectInStep(reader: SseReader, eventId: string, start?: { seq: number; statuses: string }): Promise<void> {
  const truth = await roomSeats(eventId);
  const same = (e: SseEvent[]) => {
    if (!start && !e.some((f) => f.event === "snapshot")) return false;
    const map = replay(e, start);
    return map.seq === truth.seq && map.statuses === truth.statuses;
  };
  await reader.readUntil(same, 4_000).catch(() => undefined);
  expect(replay(reader.events, start)).toEqual(truth);
}

describe("caps through relays", () => {
  /** Five streams of one signed-in user from one address: the fifth is past the per-user cap (4). */
  async function atUserCap(eventId: string, token: string, address: string): Promise<SseReader[]> {
    const readers: SseReader[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await call("GET", `/api/events/${eventId}/seats/stream`, { token, headers: { "cf-connecting-ip": address } });
      expect(res.status).toBe(200);
      readers.push(new SseReader(res));
    }
    await Promise.all(readers.map((r) => r.readUntil((e) => e.some((f) => f.event === "snapshot"))));
    return readers;
  }

  it("a client's x-seat-relay, x-client-address or x-user-id header does not lift the per-user cap", async () => {
    const event = await smallEvent();
    const token = await fan();
    const address = "192.0.2.77";
    const readers = await atUserCap(event.id, token, address);
    const injections: Record<string, string>[] = [{ "x-seat-relay": "1" }, { "x-user-id": "someone-else" }, { "x-seat-relay": "1", "x-client-address": "192.0.2.78" }];
    for (const injected of injections) {
      const res = await call("GET", `/api/events/${event.id}/seats/stream`, { token, headers: { "cf-connecting-ip": address, ...injected } });
      expect(res.status, JSON.stringify(injected)).toBe(429);
      await res.body?.cancel();
    }
    await Promise.all(readers.map((r) => r.close()));
  });

  it("a signed-in user's addresses in one IPv6 /64 meet in one relay, so the per-user cap holds across them", async () => {
    const event = await smallEvent();
    const token = await fan();
    const opened: Response[] = [];
    for (let i = 1; i <= 6; i++) {
      opened.push(await call("GET", `/api/events/${event.id}/seats/stream`, { token, headers: { "cf-connecting-ip": `2001:db8:7:7::${i.toString(16)}` } }));
    }
    const statuses = opened.map((r) => r.status);
    await Promise.all(opened.map((r) => r.body?.cancel()));
    expect(statuses).toEqual([200, 200, 200, 200, 429, 429]);
  });

  it("an anonymous client cannot spend another user's cap by naming them in x-user-id", async () => {
    const event = await smallEvent();
    const victim = `fan-${word(6)}`;
    const address = "192.0.2.80";
    const opened = await Promise.all(Array.from({ length: 5 }, () => call("GET", `/api/events/${event.id}/seats/stream`, { headers: { "cf-connecting-ip": address, "x-user-id": victim } })));
    for (const res of opened) expect(res.status).toBe(200);
    const own = await call("GET", `/api/events/${event.id}/seats/stream`, { token: await tokenFor(victim, ["fan"]), headers: { "cf-connecting-ip": address } });
    expect(own.status).toBe(200);
    await Promise.all([...opened, own].map((r) => r.body?.cancel()));
  });
});

describe("a watcher's map through a relay", () => {
  it("garbage, future and zero Last-Event-IDs give a map that matches the room's", async () => {
    const event = await smallEvent();
    await hold(await fan(), [event.tickets(1)]);
    // Warm a relay so that its tail starts after seq 0.
    const warm = await watch(event.id, { "cf-connecting-ip": "198.51.100.1" });
    await warm.readUntil((e) => e.some((f) => f.event === "snapshot"));
    await hold(await fan(), [event.tickets(2)]);
    await hold(await fan(), [event.tickets(6)]);
    await expectInStep(warm, event.id);
    const empty = { seq: 0, statuses: "0".repeat(event.ticketCount) };
    for (const last of ["abc", "-1", "1.5", "99999999999999999999", "1e3", "0"]) {
      const reader = await watch(event.id, { "cf-connecting-ip": "198.51.100.1", "last-event-id": last });
      // From 0 the watcher starts from an empty map (seq 0); garbage and the future get a snapshot.
      await expectInStep(reader, event.id, last === "0" ? empty : undefined);
      await reader.close();
    }
    await warm.close();
  });

  it("a watcher resuming from 0 on a fresh relay gets every change, with no snapshot needed", async () => {
    const event = await smallEvent();
    await hold(await fan(), [event.tickets(0)]);
    await hold(await fan(), [event.tickets(3)]);
    const reader = await watch(event.id, { "cf-connecting-ip": "198.51.100.9", "last-event-id": "0" });
    await expectInStep(reader, event.id, { seq: 0, statuses: "0".repeat(event.ticketCount) });
    await reader.close();
  });

  it("many watchers arriving while the relay first takes the room's stream all get one consistent map", async () => {
    const event = await smallEvent();
    await hold(await fan(), [event.tickets(4)]);
    // One address, so one relay, all racing its first connection to the room.
    const readers = await Promise.all(Array.from({ length: 12 }, () => watch(event.id, { "cf-connecting-ip": "203.0.113.99" })));
    await hold(await fan(), [event.tickets(5)]);
    for (const reader of readers) await expectInStep(reader, event.id);
    expect(await room(event.id).watchers()).toBe(1);
    await Promise.all(readers.map((r) => r.close()));
  });

  it("a room aborted in the middle of a burst of holds: the watcher's map still matches, no gap and no repeat", async () => {
    const event = await smallEvent();
    const reader = await watch(event.id, { "cf-connecting-ip": "203.0.113.150" });
    await reader.readUntil((e) => e.some((f) => f.event === "snapshot"));
    const fans = await Promise.all(Array.from({ length: 8 }, () => fan()));
    const burst = fans.slice(0, 4).map((token, i) => hold(token, [event.tickets(i)]).catch(() => undefined));
    await evictRooms(room(event.id));
    await Promise.all(burst);
    for (const [i, token] of fans.slice(4).entries()) await hold(token, [event.tickets(8 + i)]).catch(() => undefined);
    await expectInStep(reader, event.id);
    expect(await room(event.id).watchers()).toBe(1);
    await reader.close();
  });

  it("a relay aborted under its watchers: each resumes with Last-Event-ID and loses nothing", async () => {
    const event = await smallEvent();
    const address = "203.0.113.160";
    const reader = await watch(event.id, { "cf-connecting-ip": address });
    await hold(await fan(), [event.tickets(1)]);
    const before = await reader.readUntil((e) => e.some((f) => f.event === "delta"));
    const seen = replay(before);
    for (let shard = 0; shard < RELAYS; shard++) {
      await evictRooms(env.SEAT_RELAY.getByName(`${event.id}/${shard}`));
    }
    await hold(await fan(), [event.tickets(2)]);
    const again = await watch(event.id, { "cf-connecting-ip": address, "last-event-id": String(seen.seq) });
    await expectInStep(again, event.id, seen);
    // The dead relay's stream is dropped at the room's next write: one stream per live relay, no leak.
    await hold(await fan(), [event.tickets(3)]);
    await expect.poll(() => room(event.id).watchers(), { timeout: 5_000 }).toBe(1);
    await Promise.all([reader.close(), again.close()]);
  });

  it("a relay whose watchers all left lets go of the room's stream", async () => {
    const event = await smallEvent();
    const reader = await watch(event.id, { "cf-connecting-ip": "203.0.113.170" });
    await reader.readUntil((e) => e.some((f) => f.event === "snapshot"));
    expect(await room(event.id).watchers()).toBe(1);
    await reader.close();
    await hold(await fan(), [event.tickets(0)]);
    await expect.poll(() => seatWatchers(event.id), { timeout: 5_000 }).toBe(0);
    // The idle check runs twice a minute; run it as the timer would.
    for (let shard = 0; shard < RELAYS; shard++) {
      await runInDurableObject(env.SEAT_RELAY.getByName(`${event.id}/${shard}`), (instance) => {
        const idle = instance as unknown as { letGoIfIdle(): void };
        idle.letGoIfIdle();
        idle.letGoIfIdle();
      });
    }
    await hold(await fan(), [event.tickets(1)]);
    await expect.poll(() => room(event.id).watchers(), { timeout: 5_000 }).toBe(0);
  });
});

describe("a venue that changes size under the relays", () => {
  async function resized(sections: unknown[]) {
    const event = await smallEvent();
    const reader = await watch(event.id, { "cf-connecting-ip": "203.0.113.180" });
    await reader.readUntil((e) => e.some((f) => f.event === "snapshot"));
    const venueId = await makeVenue(event.organizer, { sections });
    const res = await call("PATCH", `/api/events/${event.id}`, { token: event.organizer, body: { venueId, prices: [{ section: "Pit", priceCents: 100 }] } });
    expect(res.status).toBe(200);
    return { event, reader };
  }

  it("grows: a new watcher's snapshot has the room's seats, and the old watcher's map follows", async () => {
    const { event, reader } = await resized([{ name: "Pit", capacity: 30 }]);
    const truth = await roomSeats(event.id);
    expect(truth.statuses).toHaveLength(30);
    const fresh = await watch(event.id, { "cf-connecting-ip": "203.0.113.180" });
    await expectInStep(fresh, event.id);
    await expectInStep(reader, event.id);
    // A seat that did not exist before reaches both.
    await hold(await fan(), [`${event.id}.25`]);
    await expectInStep(fresh, event.id);
    await Promise.all([reader.close(), fresh.close()]);
  });

  it("shrinks: a new watcher's snapshot has the room's seats", async () => {
    const { event, reader } = await resized([{ name: "Pit", capacity: 4 }]);
    expect((await roomSeats(event.id)).statuses).toHaveLength(4);
    const fresh = await watch(event.id, { "cf-connecting-ip": "203.0.113.180" });
    await expectInStep(fresh, event.id);
    await expectInStep(reader, event.id);
    await Promise.all([reader.close(), fresh.close()]);
  });
});

describe("a cancelled event", () => {
  it("watchers see the cancelled event's freed seats, and a new watcher's map matches the room's", async () => {
    const event = await smallEvent();
    const reader = await watch(event.id, { "cf-connecting-ip": "203.0.113.190" });
    await hold(await fan(), [event.tickets(2)]);
    await expectInStep(reader, event.id);
    const res = await call("POST", `/api/events/${event.id}/cancel`, { token: event.organizer, body: { reason: `attack ${word(4)}` } });
    expect(res.status).toBeLessThan(300);
    await expectInStep(reader, event.id);
    const fresh = await watch(event.id, { "cf-connecting-ip": "203.0.113.191" });
    await expectInStep(fresh, event.id);
    await Promise.all([reader.close(), fresh.close()]);
  });
});
