import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, evictRooms, json, problem } from "../helpers";
import { checkout, fan, hold, pay, room, smallEvent, travel } from "../booking-helpers";
import { SEAT_STATUSES, STATUS_CODES, type SeatStatus } from "../../src/shared/room-protocol";
import { SseReader, type SseEvent } from "../sse";

interface Snapshot {
  eventId: string;
  seq: number;
  statuses: string;
}
type Delta = { from: number; seq: number } & Record<SeatStatus, string[]>;

const CODE = Object.fromEntries(SEAT_STATUSES.map((s) => [s, String.fromCharCode(STATUS_CODES[s])])) as Record<SeatStatus, string>;

async function snapshot(eventId: string): Promise<Snapshot> {
  return json<Snapshot>(await call("GET", `/api/events/${eventId}/seats`), 200);
}

async function watch(eventId: string, lastEventId?: number): Promise<SseReader> {
  const res = await call("GET", `/api/events/${eventId}/seats/stream`, lastEventId === undefined ? {} : { headers: { "last-event-id": String(lastEventId) } });
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/event-stream");
  expect(res.headers.get("content-encoding")).toBe("identity");
  return new SseReader(res);
}

/** Applies a feed's events, checking there is no gap and no repeat, and returns the statuses. */
function replay(events: SseEvent[]): { statuses: string[]; seq: number } {
  let statuses: string[] = [];
  let seq = -1;
  for (const event of events) {
    if (event.event === "snapshot") {
      const snap = JSON.parse(event.data) as Snapshot;
      statuses = [...snap.statuses];
      seq = snap.seq;
      expect(event.id).toBe(String(snap.seq));
    } else if (event.event === "delta") {
      const delta = JSON.parse(event.data) as Delta;
      expect(delta.from, "no gap, no repeat").toBe(seq + 1);
      expect(event.id).toBe(String(delta.seq));
      for (const status of SEAT_STATUSES) {
        for (const id of delta[status]) statuses[Number(id.split(".")[1])] = CODE[status];
      }
      seq = delta.seq;
    }
  }
  return { statuses, seq };
}

const reached = (seq: number) => (events: SseEvent[]) => replayable(events) >= seq;
function replayable(events: SseEvent[]): number {
  const last = events.at(-1);
  return last ? Number(last.id ?? -1) : -1;
}

describe("seat snapshot", () => {
  it("has one status per ticket and reflects holds and sales", async () => {
    const event = await smallEvent();
    const empty = await snapshot(event.id);
    expect(empty.statuses).toBe("0".repeat(13));
    const token = await fan();
    const h = await hold(token, [event.tickets(1), event.tickets(2)]);
    await pay((await checkout(token, h.holdId)).paymentIntentId);
    await hold(await fan(), [event.tickets(12)]);
    const after = await snapshot(event.id);
    expect(after.statuses).toBe("0220000000001");
    expect(after.seq).toBeGreaterThan(empty.seq);
  });

  it("answers 404 for an unknown event", async () => {
    await problem(await call("GET", "/api/events/ev_doesnotexist0000/seats"), 404);
  });

  it("shows an expired hold as available even before the alarm runs", async () => {
    const event = await smallEvent();
    await hold(await fan(), [event.tickets(0)]);
    await travel(event.id, 11 * 60_000);
    expect((await snapshot(event.id)).statuses[0]).toBe("0");
  });
});

describe("a stadium's snapshot", () => {
  it("stays under 25 KB gzipped with 80,000+ seats and thousands of scattered holds and sales", async () => {
    const { organizerToken, makeVenue, makeEvent } = await import("../helpers");
    const { venueTemplate } = await import("../../src/shared/venue-templates");
    const token = await organizerToken();
    const sections = venueTemplate("stadium");
    const venueId = await makeVenue(token, { sections });
    const event = await makeEvent(token, { venueId, prices: sections.map((s) => ({ section: s.name, priceCents: 9900 })) });
    expect(event.ticketCount).toBeGreaterThanOrEqual(80_000);
    // 400 fans hold 8 scattered seats each: 3,200 holds across the bowl.
    let seed = 11;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const fans = await Promise.all(Array.from({ length: 400 }, (_, i) => fan(`stadium-${i}`)));
    await Promise.all(
      fans.map(async (token) => {
        const seats = new Set<number>();
        while (seats.size < 8) seats.add(Math.floor(random() * event.ticketCount));
        const res = await call("POST", "/api/booking/reserve", { token, body: { ticketIds: [...seats].map((s) => `${event.id}.${s}`) } });
        await res.body?.cancel();
      }),
    );
    const res = await call("GET", `/api/events/${event.id}/seats`);
    const raw = new Uint8Array(await res.arrayBuffer());
    const gzipped = await new Response(new Blob([raw]).stream().pipeThrough(new CompressionStream("gzip"))).arrayBuffer();
    const snap = JSON.parse(new TextDecoder().decode(raw)) as Snapshot;
    expect(snap.statuses.length).toBe(event.ticketCount);
    expect([...snap.statuses].filter((c) => c === "1").length).toBeGreaterThan(2_500);
    expect(gzipped.byteLength).toBeLessThan(25 * 1024);
  });
});

describe("seat stream", () => {
  it("starts with a snapshot, then sends each change as a delta with its seq as the id", async () => {
    const event = await smallEvent();
    const feed = await watch(event.id);
    const [first] = await feed.readUntil((e) => e.length >= 1);
    expect(first?.event).toBe("snapshot");
    expect(feed.retry).toBeGreaterThan(0);
    const start = JSON.parse(first?.data ?? "{}") as Snapshot;

    await hold(await fan(), [event.tickets(3), event.tickets(4)]);
    const events = await feed.readUntil((e) => e.some((x) => x.event === "delta"));
    const delta = JSON.parse(events.find((e) => e.event === "delta")?.data ?? "{}") as Delta;
    expect(delta).toMatchObject({ from: start.seq + 1, held: [event.tickets(3), event.tickets(4)], available: [], sold: [] });

    await feed.close();
  });

  it("a reconnecting watcher gets exactly the changes it missed", async () => {
    const event = await smallEvent();
    const first = await watch(event.id);
    const [snap] = await first.readUntil((e) => e.length >= 1);
    const seenSeq = Number(snap?.id);
    await first.close();

    const token = await fan();
    const a = await hold(token, [event.tickets(0)]);
    await hold(token, [event.tickets(5)]); // replaces the first hold: 0 available, 5 held
    await hold(await fan(), [event.tickets(6)]);
    const now = await snapshot(event.id);

    const again = await watch(event.id, seenSeq);
    const [missed] = await again.readUntil((e) => e.length >= 1);
    expect(missed?.event).toBe("delta");
    const delta = JSON.parse(missed?.data ?? "{}") as Delta;
    expect(delta).toEqual({ from: seenSeq + 1, seq: now.seq, available: [event.tickets(0)], held: [event.tickets(5), event.tickets(6)], sold: [], blocked: [] });
    expect(a.ticketIds).toEqual([event.tickets(0)]);
    await again.close();
  });

  it("a watcher that is up to date gets no replay, and one from the future (a reset room) gets a snapshot", async () => {
    const event = await smallEvent();
    await hold(await fan(), [event.tickets(0)]);
    const { seq } = await snapshot(event.id);
    const current = await watch(event.id, seq);
    await hold(await fan(), [event.tickets(1)]);
    const [next] = await current.readUntil((e) => e.length >= 1);
    expect(next?.event).toBe("delta");
    expect((JSON.parse(next?.data ?? "{}") as Delta).from).toBe(seq + 1);
    await current.close();

    const future = await watch(event.id, seq + 1000);
    const [fresh] = await future.readUntil((e) => e.length >= 1);
    expect(fresh?.event).toBe("snapshot");
    await future.close();
  });

  it("coalesces a burst of changes into few deltas that still add up", async () => {
    const event = await smallEvent();
    const feed = await watch(event.id);
    await feed.readUntil((e) => e.length >= 1);
    const tokens = await Promise.all(Array.from({ length: 8 }, () => fan()));
    await Promise.all(tokens.map((t, i) => hold(t, [event.tickets(i)])));
    const { seq, statuses } = await snapshot(event.id);
    const events = await feed.readUntil(reached(seq));
    expect(events.filter((e) => e.event === "delta").length).toBeLessThan(8);
    expect(replay(events).statuses.join("")).toBe(statuses);
    await feed.close();
  });

  it("snapshot plus deltas rebuild the room's true state over random holds, releases, expiries, blocks and sales", async () => {
    const event = await smallEvent();
    const feed = await watch(event.id);
    await feed.readUntil((e) => e.length >= 1);
    let seed = 7;
    const random = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
    const fans = await Promise.all(Array.from({ length: 6 }, (_, i) => fan(`prop-${i}-${seed}`)));
    const holds = new Map<string, { token: string; holdId: string }>();
    const blocks: string[] = [];
    let blocked = 0;
    for (let step = 0; step < 50; step++) {
      const who = fans[Math.floor(random() * fans.length)] ?? "";
      const action = random();
      if (action < 0.4) {
        const seats = [...new Set([Math.floor(random() * 13), Math.floor(random() * 13)])].map((s) => event.tickets(s));
        const res = await call("POST", "/api/booking/reserve", { token: who, body: { ticketIds: seats } });
        if (res.status === 201) holds.set(who, { token: who, holdId: ((await res.json()) as { holdId: string }).holdId });
        else await res.body?.cancel();
      } else if (action < 0.52) {
        const mine = holds.get(who);
        if (mine) await call("DELETE", `/api/booking/holds/${mine.holdId}`, { token: who });
        holds.delete(who);
      } else if (action < 0.64) {
        await travel(event.id, 11 * 60_000);
        await runDurableObjectAlarm(room(event.id));
        holds.clear();
      } else if (action < 0.74) {
        const res = await call("POST", `/api/events/${event.id}/blocks`, { token: event.organizer, body: { ticketIds: [event.tickets(Math.floor(random() * 13))], reason: "camera" } });
        if (res.status === 201) {
          blocks.push(((await res.json()) as { blockId: string }).blockId);
          blocked++;
        }
        else expect(res.status).toBe(409);
      } else if (action < 0.8) {
        const blockId = blocks.splice(Math.floor(random() * blocks.length), 1)[0];
        if (blockId) await json(await call("DELETE", `/api/events/${event.id}/blocks/${blockId}`, { token: event.organizer }), 200);
      } else {
        const mine = holds.get(who);
        if (!mine) continue;
        const res = await call("PUT", "/api/booking/confirm", { token: who, body: { holdId: mine.holdId } });
        if (res.status === 200) await pay(((await res.json()) as { paymentIntentId: string }).paymentIntentId);
        else await res.body?.cancel();
        holds.delete(who);
      }
    }
    expect(blocked, "the walk blocked seats").toBeGreaterThan(0);
    const truth = await snapshot(event.id);
    const events = await feed.readUntil(reached(truth.seq));
    const rebuilt = replay(events);
    expect(rebuilt.seq).toBe(truth.seq);
    expect(rebuilt.statuses.join("")).toBe(truth.statuses);
    // And the snapshot is the truth the API reports ticket by ticket.
    const tickets = await json<{ tickets: { status: keyof typeof CODE }[] }>(await call("GET", `/api/events/${event.id}/tickets`), 200);
    expect(tickets.tickets.map((t) => CODE[t.status]).join("")).toBe(truth.statuses);
    await feed.close();
  });

  it("answers 404 for an unknown event", async () => {
    await problem(await call("GET", "/api/events/ev_doesnotexist0000/seats/stream"), 404);
  });

  it("resumes after the room was reset, from its stored change log", async () => {
    const event = await smallEvent();
    const feed = await watch(event.id);
    const [snap] = await feed.readUntil((e) => e.length >= 1);
    await feed.close();
    await evictRooms();
    await hold(await fan(), [event.tickets(2)]);
    const again = await watch(event.id, Number(snap?.id));
    const [missed] = await again.readUntil((e) => e.length >= 1);
    expect(missed?.event).toBe("delta");
    expect((JSON.parse(missed?.data ?? "{}") as Delta).held).toEqual([event.tickets(2)]);
    await again.close();
  });
});
