import { describe, expect, it } from "vitest";
import { bookedEvent, fan, hold, reserve, room, smallEvent } from "../booking-helpers";
import { call, evictRooms, json, problem, tokenFor, word } from "../helpers";
import { runInDurableObject } from "cloudflare:test";

interface BlockBody {
  blockId: string;
  ticketIds: string[];
  reason: string;
  createdBy: string;
}

const block = (eventId: string, token: string, ticketIds: string[], reason = "camera position") =>
  call("POST", `/api/events/${eventId}/blocks`, { token, body: { ticketIds, reason } });

const ticketStatuses = async (eventId: string) =>
  (await json<{ tickets: { id: string; status: string }[] }>(await call("GET", `/api/events/${eventId}/tickets`), 200)).tickets.map((t) => t.status);

describe("box-office blocks", () => {
  it("blocked seats cannot be held (409) and show as blocked in the tickets API, the snapshot and the counts", async () => {
    const event = await smallEvent();
    const made = await json<BlockBody>(await block(event.id, event.organizer, [event.tickets(2), event.tickets(0)]), 201);
    expect(made).toMatchObject({ ticketIds: [event.tickets(0), event.tickets(2)], reason: "camera position" });
    expect(made.blockId).toMatch(/^bl_/);
    const refused = await problem(await reserve(await fan(), [event.tickets(0)]), 409);
    expect(refused.detail).toContain(event.tickets(0));
    const statuses = await ticketStatuses(event.id);
    expect(statuses.slice(0, 3)).toEqual(["blocked", "available", "blocked"]);
    const blockedOnly = await json<{ tickets: { id: string }[] }>(await call("GET", `/api/events/${event.id}/tickets?status=blocked`), 200);
    expect(blockedOnly.tickets.map((t) => t.id)).toEqual([event.tickets(0), event.tickets(2)]);
    const available = await json<{ tickets: { id: string }[] }>(await call("GET", `/api/events/${event.id}/tickets?status=available`), 200);
    expect(available.tickets).toHaveLength(event.ticketCount - 2);
    const snap = await json<{ statuses: string }>(await call("GET", `/api/events/${event.id}/seats`), 200);
    expect(snap.statuses.slice(0, 3)).toBe("303");
    const detail = await json<{ availability: Record<string, number> }>(await call("GET", `/api/events/${event.id}`), 200);
    expect(detail.availability).toEqual({ total: 13, available: 11, held: 0, sold: 0, blocked: 2 });
  });

  it("releasing a block puts its seats on sale at once", async () => {
    const event = await smallEvent();
    const made = await json<BlockBody>(await block(event.id, event.organizer, [event.tickets(4)]), 201);
    const released = await json<{ released: string[] }>(await call("DELETE", `/api/events/${event.id}/blocks/${made.blockId}`, { token: event.organizer }), 200);
    expect(released.released).toEqual([event.tickets(4)]);
    await hold(await fan(), [event.tickets(4)]);
    await problem(await call("DELETE", `/api/events/${event.id}/blocks/${made.blockId}`, { token: event.organizer }), 404);
  });

  it("a block on a held or sold seat is refused with the conflicting ids, and blocks nothing", async () => {
    const booked = await bookedEvent([1]);
    const { event } = booked;
    await hold(await fan(), [event.tickets(3)]);
    const refused = await json<{ conflicting: string[] }>(await block(event.id, event.organizer, [event.tickets(1), event.tickets(3), event.tickets(5)]), 409);
    expect(refused.conflicting).toEqual([event.tickets(1), event.tickets(3)]);
    expect((await ticketStatuses(event.id))[5]).toBe("available");
    // Blocking twice is a conflict too.
    await json(await block(event.id, event.organizer, [event.tickets(5)]), 201);
    expect((await json<{ conflicting: string[] }>(await block(event.id, event.organizer, [event.tickets(5)]), 409)).conflicting).toEqual([event.tickets(5)]);
  });

  it("a seat whose hold expired can be blocked", async () => {
    const event = await smallEvent();
    await hold(await fan(), [event.tickets(6)]);
    await runInDurableObject(room(event.id), (instance) => {
      const before = instance.now;
      instance.now = () => before() + 11 * 60_000;
    });
    await json(await block(event.id, event.organizer, [event.tickets(6)]), 201);
  });

  it("blocks survive the room's eviction", async () => {
    const event = await smallEvent();
    const made = await json<BlockBody>(await block(event.id, event.organizer, [event.tickets(7)]), 201);
    await evictRooms(room(event.id));
    const listed = await json<{ blocks: BlockBody[] }>(await call("GET", `/api/events/${event.id}/blocks`, { token: event.organizer }), 200);
    expect(listed.blocks.map((b) => b.blockId)).toEqual([made.blockId]);
    await problem(await reserve(await fan(), [event.tickets(7)]), 409);
  });

  it("refuses tickets of another event, unknown seats and duplicates (400)", async () => {
    const event = await smallEvent();
    const other = await smallEvent();
    await problem(await block(event.id, event.organizer, [other.tickets(0)]), 400);
    await problem(await block(event.id, event.organizer, [`${event.id}.999`]), 400);
    await problem(await block(event.id, event.organizer, [event.tickets(0), event.tickets(0)]), 400);
    await problem(await block(event.id, event.organizer, []), 400);
    await problem(await call("POST", `/api/events/${event.id}/blocks`, { token: event.organizer, body: { ticketIds: [event.tickets(0)] } }), 400);
  });

  it("only the event's org may block, list or release: another org 404, a fan 403, no token 401", async () => {
    const event = await smallEvent();
    const made = await json<BlockBody>(await block(event.id, event.organizer, [event.tickets(8)]), 201);
    const rival = await tokenFor(`rival-${word(6)}`, ["organizer"], `org-${word(8)}`);
    const fanToken = await fan();
    for (const [token, status] of [[rival, 404], [fanToken, 403], [undefined, 401]] as const) {
      const options = token ? { token } : {};
      await problem(await call("POST", `/api/events/${event.id}/blocks`, { ...options, body: { ticketIds: [event.tickets(9)], reason: "x" } }), status);
      await problem(await call("GET", `/api/events/${event.id}/blocks`, options), status);
      await problem(await call("DELETE", `/api/events/${event.id}/blocks/${made.blockId}`, options), status);
    }
    expect((await ticketStatuses(event.id))[8]).toBe("blocked");
    expect((await ticketStatuses(event.id))[9]).toBe("available");
  });

  it("the venue cannot change while seats are blocked (409)", async () => {
    const event = await smallEvent();
    await json(await block(event.id, event.organizer, [event.tickets(0)]), 201);
    const venue = await json<{ id: string }>(
      await call("POST", "/api/venues", { token: event.organizer, body: { name: "Other", city: "Leeds", country: "GB", lat: 53.8, lng: -1.5, sections: [{ name: "Pit", capacity: 5 }] } }),
      201,
    );
    await problem(await call("PATCH", `/api/events/${event.id}`, { token: event.organizer, body: { venueId: venue.id, prices: [{ section: "Pit", priceCents: 100 }] } }), 409);
  });
});
