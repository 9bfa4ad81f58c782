import { describe, expect, it } from "vitest";
import { act, bookedEvent, checkout, hold, invariants, pay, room, runAlarm, smallEvent, travel } from "../booking-helpers";
import { call, evictRooms, json, problem } from "../helpers";
import { SseReader } from "../sse";
import { buy, entryOf, entryOrNull, expectOffer, joinList, joinRequest, leaveList, lineUp, mailFan, releaseHold, soldOutEvent, statuses, type Entry } from "../waitlist-helpers";

const MINUTE = 60_000;

describe("joining the waitlist", () => {
  it("is refused while the seats asked for are on sale (409), and open once the event is sold out, in join order", async () => {
    const event = await smallEvent();
    const first = await mailFan();
    const second = await mailFan();
    await problem(await joinRequest(event.id, first.token, { quantity: 2 }), 409);
    await hold((await mailFan()).token, [0, 1, 2, 3, 4, 5, 6, 7].map(event.tickets));
    await hold((await mailFan()).token, [8, 9, 10, 11].map(event.tickets));
    // One Floor place is left: a fan who wants one is refused, a fan who wants two may wait.
    await problem(await joinRequest(event.id, first.token, { quantity: 1 }), 409);
    expect((await joinList(event.id, first.token, 2)).position).toBe(1);
    expect((await joinList(event.id, second.token, 1, "Stalls")).position).toBe(2);
    expect(await entryOf(event.id, first.token)).toMatchObject({ state: "waiting", position: 1, quantity: 2, section: null });
    expect(await entryOf(event.id, second.token)).toMatchObject({ state: "waiting", position: 2, quantity: 1, section: "Stalls" });
  });

  it("a sold-out section has a waitlist while another section still sells", async () => {
    const event = await smallEvent();
    await hold((await mailFan()).token, [0, 1, 2, 3, 4, 5, 6, 7].map(event.tickets));
    const fan = await mailFan();
    await problem(await joinRequest(event.id, fan.token, { quantity: 2 }), 409);
    await problem(await joinRequest(event.id, fan.token, { quantity: 2, section: "Floor" }), 409);
    const unknown = await problem(await joinRequest(event.id, fan.token, { quantity: 2, section: "Balcony" }), 400);
    expect(unknown.detail).toContain("Balcony");
    expect(await joinList(event.id, fan.token, 2, "Stalls")).toMatchObject({ state: "waiting", position: 1, section: "Stalls" });
  });

  it("one entry per fan: the same request again is the same entry (200), another one is a 409", async () => {
    const { event } = await soldOutEvent();
    const fan = await mailFan();
    const joined = await joinList(event.id, fan.token, 2);
    const again = await json<Entry>(await joinRequest(event.id, fan.token, { quantity: 2 }), 200);
    expect(again).toEqual(joined);
    const other = await problem(await joinRequest(event.id, fan.token, { quantity: 3 }), 409);
    expect(other.detail).toContain("already");
    await problem(await joinRequest(event.id, fan.token, { quantity: 2, section: "Stalls" }), 409);
    expect(await entryOf(event.id, fan.token)).toEqual(joined);
  });

  it("keeps the per-fan limit, counting tickets the fan booked (400)", async () => {
    const booked = await bookedEvent([8], { perUserLimit: 2 });
    const { event, token } = booked;
    await hold((await mailFan()).token, [0, 1].map(event.tickets));
    await problem(await joinRequest(event.id, token, { quantity: 2 }), 400);
    const other = await mailFan();
    const over = await problem(await joinRequest(event.id, other.token, { quantity: 3 }), 400);
    expect(over.detail).toContain("at most 2");
  });

  it("refuses bad input with problem+json: no token 401, bad body 400, unknown event 404", async () => {
    const { event } = await soldOutEvent();
    const fan = await mailFan();
    await problem(await call("POST", `/api/events/${event.id}/waitlist`, { body: { quantity: 1 } }), 401);
    await problem(await joinRequest(event.id, fan.token, { quantity: 0 }), 400);
    await problem(await joinRequest(event.id, fan.token, { quantity: 1.5 }), 400);
    await problem(await joinRequest(event.id, fan.token, { quantity: "2" }), 400);
    await problem(await joinRequest(event.id, fan.token, { quantity: 1, extra: true }), 400);
    await problem(await joinRequest(event.id, fan.token, { quantity: 1, section: "" }), 400);
    await problem(await call("POST", `/api/events/${event.id}/waitlist`, { token: fan.token, body: "{not json" }), 400);
    await problem(await joinRequest("ev_0000000000000000", fan.token, { quantity: 1 }), 404);
    await problem(await joinRequest("not-an-event", fan.token, { quantity: 1 }), 400);
    await problem(await call("GET", `/api/events/${event.id}/waitlist/me`, { token: fan.token }), 404);
    await problem(await leaveList(event.id, fan.token), 404);
    await problem(await call("GET", `/api/events/${event.id}/waitlist/me`), 401);
  });

  it("a cancelled event has no waitlist (409)", async () => {
    const { event } = await soldOutEvent();
    await json(await call("POST", `/api/events/${event.id}/cancel`, { token: event.organizer, body: { reason: "storm" } }), 202);
    await problem(await joinRequest(event.id, (await mailFan()).token, { quantity: 1 }), 409);
  });
});

describe("offers", () => {
  it("a released hold's seat is offered to the first waiting fan as a hold in their name, shown held on the live map, never available", async () => {
    const { event, returnFloor } = await soldOutEvent();
    const [first, second] = await lineUp(event.id, 2);
    if (!first || !second) throw new Error("no fans");
    const feed = new SseReader(await call("GET", `/api/events/${event.id}/seats/stream`));
    await feed.readUntil((events) => events.some((e) => e.event === "snapshot"));
    await returnFloor(0);

    const offer = await entryOf(event.id, first.token);
    expectOffer(offer, 1);
    expect(offer.ticketIds).toEqual([event.tickets(8)]);
    expect(await entryOf(event.id, second.token)).toMatchObject({ state: "waiting", position: 1 });
    const held = await json<{ state: string; ticketIds: string[] }>(await call("GET", `/api/booking/holds/${offer.holdId}`, { token: first.token }), 200);
    expect(held).toMatchObject({ state: "held", ticketIds: [event.tickets(8)] });
    expect((await statuses(event.id))[8]).toBe("1");

    const deltas = await feed.readUntil((events) => events.some((e) => e.event === "delta" && e.data.includes(event.tickets(8))));
    for (const delta of deltas.filter((e) => e.event === "delta")) {
      const body = JSON.parse(delta.data) as { available: string[]; held: string[] };
      expect(body.available).not.toContain(event.tickets(8));
    }
    const last = JSON.parse(deltas.filter((e) => e.event === "delta").at(-1)?.data ?? "{}") as { held: string[] };
    expect(last.held).toContain(event.tickets(8));
    await feed.close();
    // The offered seat is not for sale to anyone else.
    await problem(await call("POST", "/api/booking/reserve", { token: (await mailFan()).token, body: { ticketIds: [event.tickets(8)] } }), 409);
  });

  it("a fan waiting for more seats than came back keeps their place; the next fan who fits gets them", async () => {
    const { event, returnFloor } = await soldOutEvent();
    const wantsTwo = await mailFan();
    const wantsOne = await mailFan();
    await joinList(event.id, wantsTwo.token, 2);
    await joinList(event.id, wantsOne.token, 1);
    await returnFloor(2);
    expect(await entryOf(event.id, wantsTwo.token)).toMatchObject({ state: "waiting", position: 1 });
    expect((await entryOf(event.id, wantsOne.token)).ticketIds).toEqual([event.tickets(10)]);
  });

  it("a section's fan is offered only that section; seats no waiting fan fits go on sale", async () => {
    const { event, stalls } = await soldOutEvent();
    const floorFan = await mailFan();
    const anyFan = await mailFan();
    await joinList(event.id, floorFan.token, 1, "Floor");
    await joinList(event.id, anyFan.token, 2);
    await releaseHold(stalls.fan.token, stalls.hold.holdId);
    expect(await entryOf(event.id, floorFan.token)).toMatchObject({ state: "waiting", position: 1 });
    const offer = await entryOf(event.id, anyFan.token);
    expectOffer(offer, 2);
    expect(offer.ticketIds).toEqual([event.tickets(0), event.tickets(1)]);
    // The other six Stalls seats reach the public.
    expect((await statuses(event.id)).slice(0, 8)).toBe("11000000");
    await hold((await mailFan()).token, [event.tickets(5)]);
  });

  it("seats of a hold that expires are offered by the alarm", async () => {
    const { event } = await soldOutEvent();
    const fan = await mailFan();
    await joinList(event.id, fan.token, 2, "Floor");
    await travel(event.id, 11 * MINUTE);
    await runAlarm(event.id);
    const offer = await entryOf(event.id, fan.token);
    expect(offer.state).toBe("offered");
    expect(offer.ticketIds).toEqual([event.tickets(8), event.tickets(9)]);
    expect((await statuses(event.id)).slice(8)).toBe("11000");
  });

  it("seats of a lapsed hold go to the waitlist before a reserve can take them, even if the alarm is late", async () => {
    const { event } = await soldOutEvent();
    const fan = await mailFan();
    await joinList(event.id, fan.token, 1, "Floor");
    await travel(event.id, 11 * MINUTE);
    const res = await call("POST", "/api/booking/reserve", { token: (await mailFan()).token, body: { ticketIds: [event.tickets(8)] } });
    expect(res.status).toBe(409);
    expect((await entryOf(event.id, fan.token)).ticketIds).toEqual([event.tickets(8)]);
  });

  it("an offer that lapses goes to the next fan, and the first fan's entry says expired", async () => {
    // Every other seat is sold, so only the offered seat can come back when the clock moves.
    const event = await smallEvent();
    await buy([0, 1, 2, 3, 4, 5, 6, 7].map(event.tickets));
    await buy([9, 10, 11, 12].map(event.tickets));
    const holder = await mailFan();
    const held = await hold(holder.token, [event.tickets(8)]);
    const [first, second] = await lineUp(event.id, 2, 1, "Floor");
    if (!first || !second) throw new Error("no fans");
    await releaseHold(holder.token, held.holdId);
    const offered = await entryOf(event.id, first.token);
    await travel(event.id, 15 * MINUTE + 1_000);
    // Read before the alarm ran: the lapsed offer already reads as expired.
    expect((await entryOf(event.id, first.token)).state).toBe("expired");
    await runAlarm(event.id);
    expect(await entryOf(event.id, first.token)).toMatchObject({ state: "expired", holdId: offered.holdId });
    const next = await entryOf(event.id, second.token);
    expect(next.state).toBe("offered");
    expect(next.ticketIds).toEqual([event.tickets(8)]);
    expect(next.holdId).not.toBe(offered.holdId);
  });

  it("an offer the fan releases goes to the next fan", async () => {
    const { event, returnFloor } = await soldOutEvent();
    const [first, second] = await lineUp(event.id, 2);
    if (!first || !second) throw new Error("no fans");
    await returnFloor(1);
    const offer = await entryOf(event.id, first.token);
    expect((await releaseHold(first.token, offer.holdId ?? "")).status).toBe(204);
    expect((await entryOf(event.id, first.token)).state).toBe("expired");
    expect((await entryOf(event.id, second.token)).ticketIds).toEqual([event.tickets(9)]);
  });

  it("leaving releases an open offer to the next fan; leaving twice changes nothing", async () => {
    const { event, returnFloor } = await soldOutEvent();
    const [first, second, third] = await lineUp(event.id, 3);
    if (!first || !second || !third) throw new Error("no fans");
    await returnFloor(3);
    expect((await leaveList(event.id, first.token)).status).toBe(204);
    expect((await entryOf(event.id, first.token)).state).toBe("left");
    expect((await entryOf(event.id, second.token)).ticketIds).toEqual([event.tickets(11)]);
    expect(await entryOf(event.id, third.token)).toMatchObject({ state: "waiting", position: 1 });
    expect((await leaveList(event.id, third.token)).status).toBe(204);
    expect((await entryOf(event.id, third.token)).state).toBe("left");
    expect((await leaveList(event.id, first.token)).status).toBe(204);
    expect((await entryOf(event.id, first.token)).state).toBe("left");
    // A fan who left may join again, at the back.
    expect((await joinList(event.id, third.token, 1)).position).toBe(1);
  });

  it("a paying hold whose payment is cancelled goes to the waitlist", async () => {
    const { event, floor } = await soldOutEvent();
    const fan = await mailFan();
    await joinList(event.id, fan.token, 1);
    const returned = floor[4];
    if (!returned) throw new Error("no floor hold");
    const { paymentIntentId } = await checkout(returned.fan.token, returned.hold.holdId);
    await act(paymentIntentId, "cancel");
    expect((await entryOf(event.id, fan.token)).ticketIds).toEqual([event.tickets(12)]);
  });

  it("refunded seats go to the waitlist; seats kept back do when their block is lifted", async () => {
    const booked = await bookedEvent([8, 9]);
    const { event } = booked;
    await hold((await mailFan()).token, [0, 1, 2, 3, 4, 5, 6, 7].map(event.tickets));
    await hold((await mailFan()).token, [10, 11, 12].map(event.tickets));
    const [first, second] = await lineUp(event.id, 2, 1, "Floor");
    if (!first || !second) throw new Error("no fans");
    const refund = (body: Record<string, unknown>) => call("POST", `/api/organizer/bookings/${booked.bookingId}/refund`, { token: event.organizer, body });
    await json(await refund({ ticketIds: [event.tickets(8)] }), 200);
    expect((await entryOf(event.id, first.token)).ticketIds).toEqual([event.tickets(8)]);
    await json(await refund({ ticketIds: [event.tickets(9)], restock: false }), 200);
    expect((await entryOf(event.id, second.token)).state).toBe("waiting");
    const { blocks } = await json<{ blocks: { blockId: string }[] }>(await call("GET", `/api/events/${event.id}/blocks`, { token: event.organizer }), 200);
    await json(await call("DELETE", `/api/events/${event.id}/blocks/${blocks[0]?.blockId ?? ""}`, { token: event.organizer }), 200);
    expect((await entryOf(event.id, second.token)).ticketIds).toEqual([event.tickets(9)]);
  });

  it("a fan at the per-fan limit is passed over (keeping their place) and the next fan is offered", async () => {
    const booked = await bookedEvent([8], { perUserLimit: 2 });
    const { event, token } = booked;
    const holders = [];
    for (const seats of [[0, 1], [2, 3], [4, 5], [6, 7], [9, 10], [11, 12]]) {
      const holder = await mailFan();
      holders.push({ holder, hold: await hold(holder.token, seats.map(event.tickets)) });
    }
    await joinList(event.id, token, 1, "Floor");
    const next = await mailFan();
    await joinList(event.id, next.token, 1, "Floor");
    // Stalls seats come back with no one waiting for them: the fan buys one, reaching their limit of 2.
    const [stalls, , , , floorPair] = holders;
    if (!stalls || !floorPair) throw new Error("no holders");
    await releaseHold(stalls.holder.token, stalls.hold.holdId);
    const more = await hold(token, [event.tickets(0)]);
    await pay((await checkout(token, more.holdId)).paymentIntentId);
    await releaseHold(floorPair.holder.token, floorPair.hold.holdId);
    expect(await entryOf(event.id, token)).toMatchObject({ state: "waiting", position: 1 });
    expect((await entryOf(event.id, next.token)).ticketIds).toEqual([event.tickets(9)]);
  });
});

describe("paying for an offer", () => {
  it("the offered fan checks out and pays with the ordinary checkout: booked, and the entry says so", async () => {
    const { event, returnFloor } = await soldOutEvent();
    const fan = await mailFan();
    await joinList(event.id, fan.token, 1);
    await returnFloor(0);
    const offer = await entryOf(event.id, fan.token);
    const started = await checkout(fan.token, offer.holdId ?? "");
    await pay(started.paymentIntentId);
    const view = await json<{ state: string }>(await call("GET", `/api/booking/holds/${offer.holdId}`, { token: fan.token }), 200);
    expect(view.state).toBe("booked");
    expect(await entryOf(event.id, fan.token)).toMatchObject({ state: "booked", holdId: offer.holdId });
    expect((await statuses(event.id))[8]).toBe("2");
    expect((await invariants(event.id, false)).violations).toEqual([]);
  });

  it("on a queue-enabled event the offer is its own admission: checkout and payment need no waiting-room token", async () => {
    const { event, returnFloor } = await soldOutEvent();
    await json(await call("PATCH", `/api/events/${event.id}`, { token: event.organizer, body: { queue: { enabled: true } } }), 200);
    const fan = await mailFan();
    await joinList(event.id, fan.token, 1);
    await returnFloor(0);
    const offer = await entryOf(event.id, fan.token);
    // Reserving anything else still needs a token.
    await problem(await call("POST", "/api/booking/reserve", { token: fan.token, body: { ticketIds: [event.tickets(0)] } }), 403);
    const started = await checkout(fan.token, offer.holdId ?? "");
    await pay(started.paymentIntentId);
    expect((await entryOf(event.id, fan.token)).state).toBe("booked");
  });
});

describe("exact under concurrency", () => {
  it("releases at once offer each seat once, to each waiting fan once, in join order", async () => {
    const { event, returnFloor } = await soldOutEvent();
    const waiting = await lineUp(event.id, 6, 1, "Floor");
    await Promise.all([0, 1, 2, 3, 4].map(returnFloor));
    const entries = await Promise.all(waiting.map((fan) => entryOf(event.id, fan.token)));
    expect(entries.map((e) => e.state)).toEqual(["offered", "offered", "offered", "offered", "offered", "waiting"]);
    const seats = entries.flatMap((e) => e.ticketIds ?? []);
    expect(new Set(seats).size).toBe(5);
    expect(seats.sort()).toEqual([8, 9, 10, 11, 12].map(event.tickets).sort());
    expect((await statuses(event.id)).slice(8)).toBe("11111");
    expect((await invariants(event.id, false)).violations).toEqual([]);
  });

  it("two seats returned at once reach a fan waiting for two, once", async () => {
    const { event, returnFloor } = await soldOutEvent();
    const fan = await mailFan();
    await joinList(event.id, fan.token, 2, "Floor");
    await Promise.all([returnFloor(0), returnFloor(1)]);
    const offer = await entryOf(event.id, fan.token);
    expect(offer.ticketIds).toEqual([event.tickets(8), event.tickets(9)]);
  });

  it("joins racing releases never skip a fan or offer a seat twice", async () => {
    const { event, returnFloor } = await soldOutEvent();
    const fans = [await mailFan(), await mailFan(), await mailFan()];
    await joinList(event.id, fans[0]?.token ?? "", 1, "Floor");
    await Promise.all([
      returnFloor(0),
      joinRequest(event.id, fans[1]?.token ?? "", { quantity: 1, section: "Floor" }),
      returnFloor(1),
      joinRequest(event.id, fans[2]?.token ?? "", { quantity: 1, section: "Floor" }),
    ]);
    const entries = await Promise.all(fans.map((fan) => entryOrNull(event.id, fan.token)));
    const offered = entries.filter((e) => e?.state === "offered");
    // The first fan is served first; two seats, two offers, distinct.
    expect(entries[0]?.state).toBe("offered");
    expect(new Set(offered.flatMap((e) => e?.ticketIds ?? [])).size).toBe(offered.length);
    const free = (await statuses(event.id)).slice(8, 10);
    expect(offered.length + [...free].filter((s) => s === "0").length).toBe(2);
    expect((await invariants(event.id, false)).violations).toEqual([]);
  });
});

describe("the room keeps the waitlist", () => {
  it("entries and offers survive the room's eviction", async () => {
    const { event, returnFloor } = await soldOutEvent();
    const [first, second] = await lineUp(event.id, 2);
    if (!first || !second) throw new Error("no fans");
    await returnFloor(0);
    const offer = await entryOf(event.id, first.token);
    await evictRooms(room(event.id));
    expect(await entryOf(event.id, first.token)).toEqual(offer);
    expect(await entryOf(event.id, second.token)).toMatchObject({ state: "waiting", position: 1 });
    await returnFloor(1);
    expect((await entryOf(event.id, second.token)).ticketIds).toEqual([event.tickets(9)]);
  });
});
