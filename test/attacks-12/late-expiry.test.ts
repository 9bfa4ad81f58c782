/**
 * A hold past its expiry while the room's alarm is late is free for every
 * new watcher, whether the stream comes from the room or from a relay that
 * already holds the room's stream (the relay asks the room to end such
 * holds, and catches up, before it serves a new watcher).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { fan, hold, smallEvent, travel } from "../booking-helpers";
import { call, callWith } from "../helpers";
import { SseReader } from "../sse";

const RELAYS = Number(env.SEAT_STREAM_RELAYS);

describe("a hold past its expiry while the alarm is late", () => {
  async function firstSnapshot(eventId: string, address: string, relays: string): Promise<string> {
    const res = await callWith({ SEAT_STREAM_RELAYS: relays }, "GET", `/api/events/${eventId}/seats/stream`, { headers: { "cf-connecting-ip": address } });
    expect(res.status).toBe(200);
    const reader = new SseReader(res);
    const events = await reader.readUntil((e) => e.some((f) => f.event === "snapshot"));
    await reader.close();
    return (JSON.parse(events.find((e) => e.event === "snapshot")?.data ?? "{}") as { statuses: string }).statuses;
  }

  it("is free in the snapshot of a watcher who joins through a relay, as it is from the room", async () => {
    const event = await smallEvent();
    const address = "203.0.113.200";
    // The relay is warm: it holds the room's stream already.
    const warm = new SseReader(await call("GET", `/api/events/${event.id}/seats/stream`, { headers: { "cf-connecting-ip": address } }));
    await warm.readUntil((e) => e.some((f) => f.event === "snapshot"));
    await hold(await fan(), [event.tickets(0)]);
    await warm.readUntil((e) => e.some((f) => f.event === "delta"));
    await travel(event.id, 11 * 60_000);
    // A relay asks the room at most once a second (a crowd connecting at once shares one call).
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const relayed = await firstSnapshot(event.id, address, String(RELAYS));
    const direct = await firstSnapshot(event.id, "203.0.113.201", "0");
    expect(direct[0]).toBe("0");
    expect(relayed[0]).toBe("0");
    await warm.close();
  });
});
