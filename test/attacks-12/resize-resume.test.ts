/**
 * A watcher who resumes across a venue resize (an open finding of attack
 * round 12): the resize is logged, so a resume from before it gets the new
 * map as a snapshot instead of an empty catch-up on the old one.
 */
import { describe, expect, it } from "vitest";
import { smallEvent } from "../booking-helpers";
import { call, makeVenue } from "../helpers";
import { SseReader } from "../sse";

describe("a watcher who resumes across a venue resize", () => {
  it("gets the resized map, not an empty catch-up on its old one", async () => {
    const event = await smallEvent();
    const address = "203.0.113.230";
    const first = new SseReader(await call("GET", `/api/events/${event.id}/seats/stream`, { headers: { "cf-connecting-ip": address } }));
    const [snap] = await first.readUntil((e) => e.some((f) => f.event === "snapshot"));
    await first.close();
    const old = JSON.parse(snap?.data ?? "{}") as { seq: number; statuses: string };
    const venueId = await makeVenue(event.organizer, { sections: [{ name: "Pit", capacity: 30 }] });
    const patched = await call("PATCH", `/api/events/${event.id}`, { token: event.organizer, body: { venueId, prices: [{ section: "Pit", priceCents: 100 }] } });
    expect(patched.status).toBe(200);
    // The resize logged no change: the seq is the same, and a resume from it finds nothing missed.
    const again = new SseReader(await call("GET", `/api/events/${event.id}/seats/stream`, { headers: { "cf-connecting-ip": address, "last-event-id": String(old.seq) } }));
    const events = await again.readUntil((e) => e.length > 0, 2_000).catch(() => again.events);
    await again.close();
    const resized = events.find((e) => e.event === "snapshot");
    expect((JSON.parse(resized?.data ?? "{}") as { statuses?: string }).statuses).toHaveLength(30);
  });
});
