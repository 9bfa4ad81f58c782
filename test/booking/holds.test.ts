import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, json, problem } from "../helpers";
import { fan, hold, reserve, room, smallEvent, ticketStatus, travel } from "../booking-helpers";

const TEN_MINUTES = 10 * 60_000;

describe("reserve", () => {
  it("holds tickets for ten minutes and answers with the total", async () => {
    const event = await smallEvent();
    const before = Date.now();
    const res = await reserve(await fan(), [event.tickets(0), event.tickets(9)]);
    const body = await json<{ holdId: string; eventId: string; ticketIds: string[]; expiresAt: string; totalCents: number; currency: string }>(res, 201);
    expect(body.eventId).toBe(event.id);
    expect(body.ticketIds).toEqual([event.tickets(0), event.tickets(9)]);
    expect(body.totalCents).toBe(5000 + 3000);
    expect(body.currency).toBe("usd");
    const ttl = Date.parse(body.expiresAt) - before;
    expect(ttl).toBeGreaterThan(TEN_MINUTES - 5_000);
    expect(ttl).toBeLessThanOrEqual(TEN_MINUTES + 5_000);
    expect(await ticketStatus(event.id, 0)).toBe("held");
    expect(await ticketStatus(event.id, 1)).toBe("available");
  });

  it("accepts a single { ticketId }", async () => {
    const event = await smallEvent();
    const res = await call("POST", "/api/booking/reserve", { token: await fan(), body: { ticketId: event.tickets(3) } });
    expect((await json<{ ticketIds: string[] }>(res, 201)).ticketIds).toEqual([event.tickets(3)]);
  });

  it("answers 409 listing exactly the tickets someone else holds, and holds none of them", async () => {
    const event = await smallEvent();
    await hold(await fan(), [event.tickets(1), event.tickets(2)]);
    const res = await reserve(await fan(), [event.tickets(0), event.tickets(1), event.tickets(2)]);
    const body = (await problem(res, 409)) as unknown as { unavailable: string[] };
    expect(body.unavailable).toEqual([event.tickets(1), event.tickets(2)]);
    expect(await ticketStatus(event.id, 0)).toBe("available");
  });

  it("replaces a fan's previous hold: one active hold per fan per event", async () => {
    const event = await smallEvent();
    const token = await fan();
    const first = await hold(token, [event.tickets(0)]);
    const second = await hold(token, [event.tickets(1)]);
    expect(second.holdId).not.toBe(first.holdId);
    expect(await ticketStatus(event.id, 0)).toBe("available");
    const old = await json<{ state: string }>(await call("GET", `/api/booking/holds/${first.holdId}`, { token }), 200);
    expect(old.state).toBe("released");
    // A fan may re-hold a seat of the hold being replaced.
    await hold(token, [event.tickets(1), event.tickets(2)]);
  });

  it("returns the same hold for a retried request with the same Idempotency-Key", async () => {
    const event = await smallEvent();
    const token = await fan();
    const a = await json<{ holdId: string }>(await reserve(token, [event.tickets(4)], { "idempotency-key": "try-1" }), 201);
    const b = await json<{ holdId: string }>(await reserve(token, [event.tickets(4)], { "idempotency-key": "try-1" }), 201);
    expect(b.holdId).toBe(a.holdId);
  });

  it("enforces the per-fan limit, counting the new hold", async () => {
    const event = await smallEvent();
    const nine = Array.from({ length: 9 }, (_, i) => event.tickets(i));
    const body = await problem(await reserve(await fan(), nine), 400);
    expect(body.detail).toContain("at most 8");
  });

  it.each([
    ["tickets of two events", async (a: string, b: string) => ({ ticketIds: [`${a}.0`, `${b}.0`] })],
    ["a ticket listed twice", async (a: string) => ({ ticketIds: [`${a}.0`, `${a}.0`] })],
    ["a ticket index the event does not have", async (a: string) => ({ ticketIds: [`${a}.999`] })],
    ["an event that does not exist", async () => ({ ticketIds: ["ev_doesnotexist0000.1"] })],
    ["an empty list", async () => ({ ticketIds: [] })],
    ["a malformed ticket id", async () => ({ ticketIds: ["seat-1"] })],
    ["a body with both forms", async (a: string) => ({ ticketIds: [`${a}.0`], ticketId: `${a}.1` })],
    ["a user id in the body", async (a: string) => ({ ticketIds: [`${a}.0`], userId: "someone-else" })],
  ])("answers 400 problem+json for %s", async (_name, body) => {
    const [a, b] = [await smallEvent(), await smallEvent()];
    const res = await call("POST", "/api/booking/reserve", { token: await fan(), body: await body(a.id, b.id) });
    await problem(res, 400);
  });

  it("answers 401 without a token", async () => {
    const event = await smallEvent();
    await problem(await call("POST", "/api/booking/reserve", { body: { ticketIds: [event.tickets(0)] } }), 401);
  });

  it("refuses holds before the on-sale time", async () => {
    const event = await smallEvent({ onSaleAt: new Date(Date.now() + 86_400_000).toISOString() });
    const body = await problem(await reserve(await fan(), [event.tickets(0)]), 409);
    expect(body.detail).toContain("on sale");
  });
});

describe("a hold's owner", () => {
  it("sees the hold; anyone else gets 404", async () => {
    const event = await smallEvent();
    const token = await fan();
    const h = await hold(token, [event.tickets(0)]);
    const mine = await json<{ state: string; ticketIds: string[]; totalCents: number }>(await call("GET", `/api/booking/holds/${h.holdId}`, { token }), 200);
    expect(mine).toMatchObject({ state: "held", ticketIds: [event.tickets(0)], totalCents: 5000 });
    await problem(await call("GET", `/api/booking/holds/${h.holdId}`, { token: await fan() }), 404);
    await problem(await call("DELETE", `/api/booking/holds/${h.holdId}`, { token: await fan() }), 404);
  });

  it("releases the hold and the seats are free at once", async () => {
    const event = await smallEvent();
    const token = await fan();
    const h = await hold(token, [event.tickets(0)]);
    const res = await call("DELETE", `/api/booking/holds/${h.holdId}`, { token });
    expect(res.status).toBe(204);
    await hold(await fan(), [event.tickets(0)]);
  });

  it("answers 400 for a malformed hold id and 404 for an unknown one", async () => {
    const token = await fan();
    await problem(await call("GET", "/api/booking/holds/not-a-hold", { token }), 400);
    await problem(await call("GET", "/api/booking/holds/hd_doesnotexist000_abcdefghjkmn", { token }), 404);
  });
});

describe("expiry", () => {
  it("a hold past its expiry is free even if the alarm never ran", async () => {
    const event = await smallEvent();
    const owner = await fan();
    const h = await hold(owner, [event.tickets(0)]);
    await travel(event.id, TEN_MINUTES + 1);
    await hold(await fan(), [event.tickets(0)]);
    const old = await json<{ state: string }>(await call("GET", `/api/booking/holds/${h.holdId}`, { token: owner }), 200);
    expect(old.state).toBe("expired");
  });

  it("the alarm releases due holds, and a second run changes nothing", async () => {
    const event = await smallEvent();
    const owner = await fan();
    const h = await hold(owner, [event.tickets(0)]);
    await travel(event.id, TEN_MINUTES + 1);
    expect(await runDurableObjectAlarm(room(event.id))).toBe(true);
    expect(await ticketStatus(event.id, 0)).toBe("available");
    const state = await json<{ state: string }>(await call("GET", `/api/booking/holds/${h.holdId}`, { token: owner }), 200);
    expect(state.state).toBe("expired");
    const seq = (await room(event.id).availability(event.id))?.seq;
    await runDurableObjectAlarm(room(event.id));
    expect((await room(event.id).availability(event.id))?.seq).toBe(seq);
    expect(await ticketStatus(event.id, 0)).toBe("available");
  });

  it("an alarm that fires early releases nothing and re-arms for the hold", async () => {
    const event = await smallEvent();
    await hold(await fan(), [event.tickets(0)]);
    expect(await runDurableObjectAlarm(room(event.id))).toBe(true);
    expect(await ticketStatus(event.id, 0)).toBe("held");
    await travel(event.id, TEN_MINUTES + 1);
    expect(await runDurableObjectAlarm(room(event.id))).toBe(true);
    expect(await ticketStatus(event.id, 0)).toBe("available");
  });

  it("an alarm fired twice for the same expiry is harmless", async () => {
    const event = await smallEvent();
    const [a, b] = [await fan(), await fan()];
    await hold(a, [event.tickets(0)]);
    await travel(event.id, TEN_MINUTES + 1);
    await runDurableObjectAlarm(room(event.id));
    await hold(b, [event.tickets(0)]);
    // A duplicate delivery of the old alarm must not touch the new hold.
    await runInDurableObject(room(event.id), (instance) => instance.alarm());
    expect(await ticketStatus(event.id, 0)).toBe("held");
    await problem(await reserve(a, [event.tickets(0)]), 409);
  });
});
