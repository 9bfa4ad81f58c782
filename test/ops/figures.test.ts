/**
 * The live operating figures against a scripted sale: known holds, releases,
 * expiries, bookings, refusals and admissions give exact figures.
 */
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { call, json, problem, tokenFor, withinOneRateWindow } from "../helpers";
import { checkout, fan, hold, pay, reserve, runAlarm, smallEvent, travel } from "../booking-helpers";
import { join, queuedEvent, queueRoom, status } from "../queue-helpers";
import { SseReader } from "../sse";
import type { OpsFigures } from "../../src/shared/ops";

const figures = async (eventId: string, token: string) => json<OpsFigures>(await call("GET", `/api/events/${eventId}/ops`, { token }), 200);

describe("the SeatRoom's figures", () => {
  it("count a scripted sale exactly: holds created, booked, released, expired; seats by section; refusals", async () => {
    const event = await smallEvent();
    const [a, b, c, d, e] = await Promise.all([fan(), fan(), fan(), fan(), fan()]);

    // A holds two Stalls seats and pays; B holds one and gives it back; C holds two and lets them lapse.
    const held = await hold(a, [event.tickets(0), event.tickets(1)]);
    await pay((await checkout(a, held.holdId)).paymentIntentId);
    const released = await hold(b, [event.tickets(2)]);
    expect((await call("DELETE", `/api/booking/holds/${released.holdId}`, { token: b })).status).toBe(204);
    await hold(c, [event.tickets(3), event.tickets(4)]);
    await travel(event.id, 11 * 60_000);
    await runAlarm(event.id);
    // E holds one seat now; D asks for a sold one.
    await hold(e, [event.tickets(5)]);
    expect((await reserve(d, [event.tickets(0)])).status).toBe(409);

    const now = await figures(event.id, event.organizer);
    const room = now.seatRoom;
    if (!room) throw new Error(`no room figures: ${JSON.stringify(now.unavailable)}`);
    expect(now.unavailable).toEqual([]);
    expect(room.seats).toMatchObject({ total: 13, sold: 2, held: 1, blocked: 0, available: 10 });
    expect(room.seats.bySection).toEqual([
      { name: "Stalls", total: 8, available: 5, held: 1, sold: 2, blocked: 0 },
      { name: "Floor", total: 5, available: 5, held: 0, sold: 0, blocked: 0 },
    ]);
    expect(room.totals).toMatchObject({ holdsCreated: 4, holdsBooked: 1, holdsReleased: 1, holdsExpired: 1, seatsSold: 2, seatsHeld: 6, seatsFreed: 3, authorized: 1, paymentsFailed: 0 });
    expect(room.health.rejected).toMatchObject({ sold_out: 1, limit: 0, paused: 0, no_admission: 0 });
    expect(room.holds.live).toBe(1);
    expect(room.holds.conversion).toBeCloseTo(1 / 3, 5);
    expect(room.holds.medianSecondsToPay).not.toBeNull();
    expect(room.health.steps).toBeGreaterThanOrEqual(6);
    expect(room.paused).toBeNull();
    // The last hour by minute, and the counts in it add up to the totals.
    expect(room.history).toHaveLength(60);
    expect(room.history.reduce((n, m) => n + m.holdsCreated, 0)).toBe(4);
    expect(room.history.reduce((n, m) => n + m.rejected.sold_out, 0)).toBe(1);
    // Money, from Postgres: one booking captured, its authorization's event received.
    expect(now.payments).toMatchObject({ authorized: 0, captured: 1, cancelled: 0, refunded: 0, failed: 0 });
    expect(now.payments?.webhookLagP50Ms).not.toBeNull();
    expect(now.queue).toBeNull();
  });

  it("give a sell-out ETA from the rate seats are being taken", async () => {
    const event = await smallEvent();
    for (const seat of [0, 1, 2]) await hold(await fan(), [event.tickets(seat)]);
    const room = (await figures(event.id, event.organizer)).seatRoom;
    expect(room?.sellOut.seatsPerMinute).toBeGreaterThan(0);
    // 10 seats left at the rate shown.
    const rate = room?.sellOut.seatsPerMinute ?? 0;
    expect(room?.sellOut.etaSeconds).toBeCloseTo((10 / rate) * 60, -1);
  });

  it("count a hold refused for the fan's limit", async () => {
    const event = await smallEvent({ perUserLimit: 1 });
    const token = await fan();
    expect((await reserve(token, [event.tickets(0), event.tickets(1)])).status).toBe(400);
    const room = (await figures(event.id, event.organizer)).seatRoom;
    expect(room?.health.rejected.limit).toBe(1);
  });
});

describe("the waiting room's figures", () => {
  it("count joins, admissions, the line and the sessions", async () => {
    const event = await queuedEvent({ batchSize: 2 });
    const tickets: string[] = [];
    for (let i = 0; i < 3; i++) tickets.push((await join(event.id, await fan())).queueTicket ?? "");
    await runDurableObjectAlarm(queueRoom(event.id));
    const states = [];
    for (const t of tickets) states.push((await status(event.id, t)).state);
    expect(states.filter((s) => s === "admitted")).toHaveLength(2);

    const queue = (await figures(event.id, event.organizer)).queue;
    expect(queue).toMatchObject({ enabled: true, opened: true, waiting: 1, early: 0, late: 1, admittedTotal: 2, admittedThisMinute: 2, lastAdmittedNumber: 2, sessionsActive: 2 });
    expect(queue?.settings.batchSize).toBe(2);
    expect(queue?.medianWaitSeconds).not.toBeNull();
    expect(queue?.history.reduce((n, m) => n + m.joined, 0)).toBe(3);
    expect(queue?.history.at(-1)?.waiting).toBe(1);
  });

  it("the line's length carries over minutes in which nothing happened (before the opening, nothing ticks)", async () => {
    const event = await queuedEvent({}, new Date(Date.now() + 3_600_000).toISOString());
    for (let i = 0; i < 2; i++) await join(event.id, await fan());
    const { queueTravel } = await import("../queue-helpers");
    await queueTravel(event.id, 3 * 60_000);
    const queue = (await figures(event.id, event.organizer)).queue;
    expect(queue).toMatchObject({ opened: false, waiting: 2, early: 2, late: 0, admittedTotal: 0 });
    // The minute they joined, the quiet minutes after, and now: the line is 2 all along.
    expect(queue?.history.slice(-4).map((m) => m.waiting)).toEqual([2, 2, 2, 2]);
    expect(queue?.history.slice(-4).map((m) => m.joined)).toEqual([2, 0, 0, 0]);
  });

  it("count holds refused for a missing or bad admission token", async () => {
    const event = await queuedEvent({});
    const token = await fan();
    expect((await reserve(token, [event.tickets(0)])).status).toBe(403);
    expect((await reserve(token, [event.tickets(0)], { "x-admission-token": "not-a-token" })).status).toBe(403);
    const room = (await figures(event.id, event.organizer)).seatRoom;
    // The first is the room's refusal; the second the API's, handed to the room after the response.
    await expect.poll(async () => (await figures(event.id, event.organizer)).seatRoom?.health.rejected.no_admission).toBe(2);
    expect(room?.health.rejected.no_admission).toBeGreaterThanOrEqual(1);
  });
});

describe("who sees the figures", () => {
  it("the event's organizers and admins; another org's organizer gets 404, a fan or door staff 403", async () => {
    const event = await smallEvent();
    expect((await figures(event.id, event.organizer)).eventId).toBe(event.id);
    expect((await figures(event.id, await tokenFor("admin-ops", ["admin"], "platform"))).eventId).toBe(event.id);
    await problem(await call("GET", `/api/events/${event.id}/ops`, { token: await tokenFor("rival", ["organizer"], "rival-org") }), 404);
    await problem(await call("GET", `/api/events/${event.id}/ops`, { token: await fan() }), 403);
    await problem(await call("GET", `/api/events/${event.id}/ops`, { token: await tokenFor("gate", ["door"], "rival-org") }), 403);
    await problem(await call("GET", `/api/events/${event.id}/ops`), 401);
  });

  it("streams the figures every second, and they move with the sale", async () => {
    const event = await smallEvent();
    const response = await call("GET", `/api/events/${event.id}/ops/stream`, { token: event.organizer });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const stream = new SseReader(response);
    try {
      const [first] = await stream.readUntil((events) => events.length >= 1);
      expect(first?.event).toBe("figures");
      expect((JSON.parse(first?.data ?? "{}") as OpsFigures).seatRoom?.seats.held).toBe(0);
      await hold(await fan(), [event.tickets(0), event.tickets(1)]);
      const seen = await stream.readUntil((events) => events.some((e) => (JSON.parse(e.data) as OpsFigures).seatRoom?.seats.held === 2), 5_000);
      expect(seen.length).toBeGreaterThanOrEqual(2);
    } finally {
      await stream.close();
    }
  });
});

describe("refusals the API makes before the room", () => {
  it("a fan past the hold rate limit is counted as rate_limited in the event's figures", async () => {
    const event = await smallEvent();
    const token = await fan();
    await withinOneRateWindow(10);
    const statuses: number[] = [];
    for (let i = 0; i < 65 && !statuses.includes(429); i++) {
      const res = await reserve(token, [event.tickets(i % 2)]);
      await res.body?.cancel();
      statuses.push(res.status);
    }
    expect(statuses).toContain(429);
    await expect.poll(async () => (await figures(event.id, event.organizer)).seatRoom?.health.rejected.rate_limited).toBeGreaterThanOrEqual(1);
  });
});
