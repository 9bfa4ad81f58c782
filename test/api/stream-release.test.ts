/**
 * Closed streams give their places under the caps back, however they were
 * opened (fresh, resumed with Last-Event-ID or lastEventId, racing), and a
 * fan who reloads is never locked out: an idle stream whose client left is
 * noticed at its next write, and a room at a cap pings the owner's streams
 * before it refuses (src/shared/stream-caps.ts).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { fan, smallEvent } from "../booking-helpers";
import { call, callWith, dispatchToApp, json, seatWatchers } from "../helpers";

dispatchToApp();

describe("closed seat streams give their places back", () => {
  const variants: { label: string; query: string; headers?: Record<string, string>; concurrent: boolean }[] = [
    { label: "fresh snapshot, sequential", query: "", concurrent: false },
    { label: "fresh snapshot, concurrent", query: "", concurrent: true },
    { label: "resume ?lastEventId=0 (nothing missed), sequential", query: "?lastEventId=0", concurrent: false },
    { label: "resume Last-Event-ID: 0 (nothing missed), sequential", query: "", headers: { "last-event-id": "0" }, concurrent: false },
  ];
  // Through the event's relays (the default) and straight from the room (SEAT_STREAM_RELAYS=0).
  for (const relays of [Number(env.SEAT_STREAM_RELAYS), 0]) {
    for (const v of variants) {
      it(`${v.label}, ${relays ? "relayed" : "from the room"}`, async () => {
        const event = await smallEvent();
        const token = await fan();
        const open = () => callWith({ SEAT_STREAM_RELAYS: String(relays) }, "GET", `/api/events/${event.id}/seats/stream${v.query}`, { token, headers: v.headers });
        const opened = v.concurrent ? await Promise.all([open(), open(), open()]) : [await open(), await open(), await open()];
        expect(opened.map((r) => r.status)).toEqual([200, 200, 200]);
        expect(await seatWatchers(event.id, relays)).toBe(3);
        await Promise.all(opened.map((r) => r.body?.cancel()));
        await expect.poll(() => seatWatchers(event.id, relays), { timeout: 3_000 }).toBe(0);
      });
    }
  }

  it("a signed-in fan who reloads the seat map four times still gets a stream (the cap of 4 per user)", async () => {
    const event = await smallEvent();
    const token = await fan();
    for (let i = 0; i < 4; i++) {
      const r = await call("GET", `/api/events/${event.id}/seats/stream`, { token });
      expect(r.status).toBe(200);
      // A real client: it has read the first frames when the tab is reloaded.
      const reader = r.body?.getReader();
      await reader?.read();
      await new Promise((resolve) => setTimeout(resolve, 100));
      await reader?.cancel();
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    const fifth = await call("GET", `/api/events/${event.id}/seats/stream`, { token });
    await fifth.body?.cancel();
    expect(fifth.status).toBe(200);
  });

  it("after 256 streams from one address were read and closed, that address still gets a stream (the cap per address)", async () => {
    const event = await smallEvent();
    const headers = { "cf-connecting-ip": "198.51.100.222", "last-event-id": "0" };
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (let i = 0; i < 256; i++) {
      const r = await call("GET", `/api/events/${event.id}/seats/stream`, { headers });
      const reader = r.body?.getReader();
      await reader?.read();
      await reader?.cancel();
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    const next = await call("GET", `/api/events/${event.id}/seats/stream`, { headers: { "cf-connecting-ip": "198.51.100.222" } });
    await next.body?.cancel();
    expect(next.status).toBe(200);
  });
});

describe("queue stream after a reload", () => {
  for (const beforeSale of [true, false]) {
    it(`${beforeSale ? "before" : "after"} the opening: the reloaded page gets its stream back`, async () => {
      const event = await smallEvent(beforeSale ? { onSaleAt: new Date(Date.now() + 3_600_000).toISOString() } : {});
      // Paused after the opening, so no admission ends the stream by itself.
      await json(await call("PATCH", `/api/events/${event.id}`, { token: event.organizer, body: { queue: { enabled: true, paused: !beforeSale } } }), 200);
      const joined = await json<{ queueTicket: string }>(await call("POST", `/api/events/${event.id}/queue`, { token: await fan() }), 201);
      const path = `/api/events/${event.id}/queue/stream?ticket=${encodeURIComponent(joined.queueTicket)}`;
      const first = await call("GET", path);
      expect(first.status).toBe(200);
      const reader = first.body?.getReader();
      await reader?.read();
      await new Promise((r) => setTimeout(r, 300));
      await reader?.cancel();
      await new Promise((r) => setTimeout(r, 3_000));
      const reloaded = await call("GET", path);
      await reloaded.body?.cancel();
      expect(reloaded.status).toBe(200);
    });
  }
});
