/**
 * Attacks on the mid-sale controls (docs/operations.md "Mid-sale controls"):
 * races between controls and with fans, holds in every state, a restart of
 * the room, hostile settings, and whether the audit tells the truth.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { AuditEntry, OpsFigures } from "../../src/shared/ops";
import { checkout, fan, hold, pay, reserve, room, runAlarm, smallEvent, stalledClaim, travel } from "../booking-helpers";
import { call, callWith, evictRooms, json, makeEvent, organizerToken, problem } from "../helpers";
import { queuedEvent, queueRoom } from "../queue-helpers";

const post = (eventId: string, control: string, token: string, body: unknown) => call("POST", `/api/events/${eventId}/ops/${control}`, { token, body });
const audit = async (eventId: string, token: string) => (await json<{ entries: AuditEntry[] }>(await call("GET", `/api/events/${eventId}/ops/audit?limit=200`, { token }), 200)).entries;
const figures = async (eventId: string, token: string) => json<OpsFigures>(await call("GET", `/api/events/${eventId}/ops`, { token }), 200);
const holdView = async (holdId: string, token: string) => json<{ state: string; expiresAt: string }>(await call("GET", `/api/booking/holds/${holdId}`, { token }), 200);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Live holds in the room, read inside it. */
const liveHolds = (eventId: string) =>
  runInDurableObject(room(eventId), (instance) => {
    const ledger = (instance as unknown as { ledger?: { state: { holds: Map<string, { state: string; expiresAt: number }> } } }).ledger;
    const now = instance.now();
    return [...(ledger?.state.holds.values() ?? [])].filter((h) => h.state === "booking" || ((h.state === "held" || h.state === "paying") && h.expiresAt > now)).length;
  });

describe("pause against a crowd", () => {
  it("once the pause answer is back, no hold is created: 50 fans racing it get 201 before or 503 after", async () => {
    const organizer = await organizerToken();
    const event = await makeEvent(organizer, { venue: { sections: [{ name: "Floor", capacity: 60 }] }, prices: [{ section: "Floor", priceCents: 1000 }] });
    const fans = await Promise.all(Array.from({ length: 50 }, () => fan()));
    const attempts = fans.map(async (token, i) => {
      await sleep((i % 25) * 4);
      const res = await reserve(token, [`${event.id}.${i}`]);
      await res.body?.cancel();
      return res.status;
    });
    await sleep(40);
    await json(await post(event.id, "pause", organizer, { reason: "wrong price on sale" }), 200);
    const heldAtPause = await liveHolds(event.id);
    const statuses = await Promise.all(attempts);
    expect(statuses.every((s) => s === 201 || s === 503), statuses.join(",")).toBe(true);
    expect(await liveHolds(event.id)).toBe(heldAtPause);
    expect(statuses.filter((s) => s === 201).length).toBe(heldAtPause);
    const room = (await figures(event.id, organizer)).seatRoom;
    expect(room?.totals.holdsCreated).toBe(heldAtPause);
    expect(room?.health.rejected.paused).toBe(50 - heldAtPause);
  });

  it("a pause survives a real eviction of the room, and figures show it afterwards; resume after the restart works", async () => {
    const event = await smallEvent();
    await json(await post(event.id, "pause", event.organizer, { reason: "incident", retryAfterSeconds: 45 }), 200);
    await evictRooms(room(event.id));
    const refused = await reserve(await fan(), [event.tickets(0)]);
    expect(refused.status).toBe(503);
    expect(refused.headers.get("retry-after")).toBe("45");
    expect((await figures(event.id, event.organizer)).seatRoom?.paused).toMatchObject({ reason: "incident", retryAfterSeconds: 45 });
    await json(await post(event.id, "resume", event.organizer, {}), 200);
    await evictRooms(room(event.id));
    expect((await reserve(await fan(), [event.tickets(0)])).status).toBe(201);
  });
});

describe("the audit under racing controls", () => {
  it("controls sent at once: pause/resume rounds all answer 200 with completed audit rows; two extensions each apply exactly once, audited once each", async () => {
    const event = await smallEvent();
    for (let round = 0; round < 4; round++) {
      const sent = await Promise.all([
        post(event.id, "pause", event.organizer, { reason: `pause ${round}` }),
        post(event.id, "resume", event.organizer, { reason: `resume ${round}` }),
      ]);
      for (const res of sent) expect(res.status).toBe(200);
    }
    const rows = await audit(event.id, event.organizer);
    expect(rows).toHaveLength(8);
    expect(rows.filter((e) => e.after !== null && (e.after as { state?: string }).state !== undefined)).toEqual([]);
    await json(await post(event.id, "resume", event.organizer, {}), 200);
    // Resuming what is not paused: a no-op, audited as such.
    await json(await post(event.id, "resume", event.organizer, { reason: "not paused" }), 200);
    expect((await audit(event.id, event.organizer))[0]).toMatchObject({ action: "sales_resumed", reason: "not paused", before: null, after: null });

    const token = await fan();
    const held = await hold(token, [event.tickets(0), event.tickets(1)]);
    const before = Date.parse(held.expiresAt);
    const [a, b] = await Promise.all([
      post(event.id, "extend-holds", event.organizer, { minutes: 3, reason: "outage A" }),
      post(event.id, "extend-holds", event.organizer, { minutes: 4, reason: "outage B" }),
    ]);
    expect(await json(a, 200)).toMatchObject({ holds: 1, seats: 2 });
    expect(await json(b, 200)).toMatchObject({ holds: 1, seats: 2 });
    expect(Date.parse((await holdView(held.holdId, token)).expiresAt) - before).toBe(7 * 60_000);
    const entries = (await audit(event.id, event.organizer)).filter((e) => e.action === "holds_extended");
    expect(entries.map((e) => e.reason).sort()).toEqual(["outage A", "outage B"]);
    expect(entries.every((e) => (e.after as { holds: number }).holds === 1)).toBe(true);
  });

  // Found by the attack round (fixed since): ops/audit.ts `audited` writes the row (its `at`, by which the audit is ordered, newest
  // first) BEFORE the room call, and the room applies controls in the order the calls reach it. When
  // one operator's call reaches the room late (a room loading, a slow hop), the audit's order is not
  // the order the controls took effect: the newest row says "sales_resumed" while sales are paused.
  // Repro (deterministic with a room call delayed 300 ms, callWith below): POST .../ops/pause whose
  // room call is slow, and 50 ms later POST .../ops/resume; GET .../ops/audit -> entries[0] is
  // sales_resumed (before: null, i.e. it resumed nothing), but GET .../ops -> seatRoom.paused is set
  // and fans get 503. Should: the audit's order (or a sequence number the room returns) reflects the
  // order of effect, so the newest row tells the state now; at least `at` should be the completion.
  it("the newest audit row tells the state the sale is in, even when one control's room call is slow", async () => {
    const event = await smallEvent();
    const slowRooms = {
      ...env.SEAT_ROOM,
      getByName: (name: string) => {
        const stub = env.SEAT_ROOM.getByName(name);
        return new Proxy(stub, {
          get: (target, key) =>
            key === "pauseSales"
              ? async (...args: Parameters<typeof target.pauseSales>) => {
                  await sleep(300);
                  return target.pauseSales(...args);
                }
              : (Reflect.get(target, key) as unknown),
        });
      },
    } as unknown as Env["SEAT_ROOM"];
    const slowPause = callWith({ SEAT_ROOM: slowRooms }, "POST", `/api/events/${event.id}/ops/pause`, { token: event.organizer, body: { reason: "operator A: wrong price" } });
    await sleep(50);
    const resume = await post(event.id, "resume", event.organizer, { reason: "operator B: all clear" });
    await json(resume, 200);
    await json(await slowPause, 200);
    const paused = (await figures(event.id, event.organizer)).seatRoom?.paused ?? null;
    const [newest] = await audit(event.id, event.organizer);
    expect(newest?.action === "sales_paused", `room paused=${JSON.stringify(paused)}, newest audit row=${JSON.stringify(newest)}`).toBe(paused !== null);
  });

});

describe("extending holds in every state", () => {
  it("extends held and paying holds; leaves a claim being booked, a captured booking and a lapsed hold as they are", async () => {
    const event = await smallEvent();
    const [a, b, c, d, e] = await Promise.all([fan(), fan(), fan(), fan(), fan()]);
    // At 0: b books and pays (captured), c's payment is being claimed, d holds and will lapse.
    const booked = await hold(b, [event.tickets(1)]);
    await pay((await checkout(b, booked.holdId)).paymentIntentId);
    const claiming = await hold(c, [event.tickets(2)]);
    const claimIntent = (await checkout(c, claiming.holdId)).paymentIntentId;
    await stalledClaim(event.id, claiming.holdId, claimIntent, claiming.totalCents);
    const lapsing = await hold(d, [event.tickets(3)]);
    // At 9 min: a holds, e holds and starts paying. At 11 min d has lapsed (10 min holds).
    await travel(event.id, 9 * 60_000);
    const held = await hold(a, [event.tickets(0)]);
    const paying = await hold(e, [event.tickets(4), event.tickets(5)]);
    await checkout(e, paying.holdId);
    await travel(event.id, 2 * 60_000);
    const heldBefore = Date.parse((await holdView(held.holdId, a)).expiresAt);
    const payingBefore = Date.parse((await holdView(paying.holdId, e)).expiresAt);
    const lapsedView = await holdView(lapsing.holdId, d);

    const extended = await json<{ holds: number; seats: number }>(await post(event.id, "extend-holds", event.organizer, { minutes: 10, reason: "checkout outage" }), 200);
    expect(extended).toMatchObject({ holds: 2, seats: 3 });
    expect(Date.parse((await holdView(held.holdId, a)).expiresAt) - heldBefore).toBe(10 * 60_000);
    expect(Date.parse((await holdView(paying.holdId, e)).expiresAt) - payingBefore).toBe(10 * 60_000);
    expect(await holdView(lapsing.holdId, d)).toEqual(lapsedView);
    expect((await holdView(booked.holdId, b)).state).toBe("booked");
    expect((await holdView(claiming.holdId, c)).state).not.toBe("held");
    // The lapsed hold's seat is free to anyone; the extended ones are not, past their first expiry.
    expect((await reserve(await fan(), [event.tickets(3)])).status).toBe(201);
    await travel(event.id, 10 * 60_000);
    await runAlarm(event.id);
    expect((await holdView(held.holdId, a)).state).toBe("held");
    expect((await reserve(await fan(), [event.tickets(0)])).status).toBe(409);
    // Past the extension (made at 9 min, 10 + 10 minutes, and the paying hold's 2 minutes of grace) they end;
    // extending then brings nothing back.
    await travel(event.id, 11 * 60_000);
    await runAlarm(event.id);
    expect((await holdView(held.holdId, a)).state).toBe("expired");
    const late = await json<{ holds: number }>(await post(event.id, "extend-holds", event.organizer, { minutes: 60, reason: "too late" }), 200);
    expect(late.holds).toBe(0);
    expect((await holdView(held.holdId, a)).state).toBe("expired");
    expect((await reserve(await fan(), [event.tickets(0)])).status).toBe(201);
  });

  it("refuses fractional, huge, negative, string and non-finite minutes, and hostile extras, with 400 and no audit row", async () => {
    const event = await smallEvent();
    const token = await fan();
    const held = await hold(token, [event.tickets(0)]);
    const bodies: unknown[] = [
      { minutes: 1.5, reason: "x" },
      { minutes: 1e9, reason: "x" },
      { minutes: -5, reason: "x" },
      { minutes: "5", reason: "x" },
      { minutes: null, reason: "x" },
      '{"minutes": 1e309, "reason": "x"}',
      { minutes: 5, reason: "   " },
      { minutes: 5, reason: "x".repeat(201) },
      { minutes: 5, reason: "x", holds: "all" },
      '{"minutes": 5, "reason": "x", "__proto__": {"minutes": 60}}',
      [{ minutes: 5, reason: "x" }],
    ];
    for (const body of bodies) {
      await problem(await post(event.id, "extend-holds", event.organizer, body), 400);
    }
    expect(await audit(event.id, event.organizer)).toEqual([]);
    expect((await holdView(held.holdId, token)).expiresAt).toBe(held.expiresAt);
  });
});

describe("the waiting room's control", () => {
  it("refuses hostile settings with 400, writes no audit row and leaves the queue as it was", async () => {
    const event = await queuedEvent({ batchSize: 50 });
    const before = (await figures(event.id, event.organizer)).queue?.settings;
    const bodies: unknown[] = [
      { batchSize: -1 },
      { batchSize: 0 },
      { batchSize: 10_001 },
      { batchSize: 2.5 },
      { batchSize: "100" },
      { tickSeconds: 0 },
      { tickSeconds: 61 },
      { maxActive: 1e12 },
      { sessionMinutes: -1 },
      { paused: "yes" },
      { closed: 1 },
      { enabled: false },
      { batchSize: 10, enabled: false },
      { batchSize: 10, queue: { enabled: false } },
      '{"batchSize": 10, "__proto__": {"enabled": false}}',
      '{"batchSize": 10, "constructor": {"prototype": {"enabled": false}}}',
      { reason: "only a reason" },
      null,
      "batchSize=10",
    ];
    for (const body of bodies) {
      const res = await post(event.id, "queue", event.organizer, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
      await res.body?.cancel();
    }
    const entries = await audit(event.id, event.organizer);
    // Only the PATCH that turned the queue on.
    expect(entries).toHaveLength(1);
    const after = (await figures(event.id, event.organizer)).queue;
    expect(after?.enabled).toBe(true);
    expect(after?.settings).toEqual(before);
  });

  // Found by the attack round (fixed since): routes/ops.ts (controlQueue) merges the settings sent into the event row it read at the
  // start of the request (`{ ...event.queue, ...settings }`), and catalog/writes.ts patchEvent then
  // writes that whole `queue` object, without re-reading it under its row lock. Two operators acting
  // at once lose one change: one sends {paused: true} (an incident), the other {batchSize: 7}; the
  // second write carries the first's stale `paused: false` (or drops batchSize). Repro: two concurrent
  // POST /api/events/<id>/ops/queue with {paused: true} and {batchSize: 7}; GET /ops -> queue.settings
  // has only one of them (both audited as done). Should: each control changes only the fields it
  // names (merge under the row lock in patchEvent, or compare-and-set on the version read).
  it("two operators' queue changes sent at once both take effect (no lost update)", async () => {
    const event = await queuedEvent({ batchSize: 100 });
    for (let round = 0; round < 4; round++) {
      const batchSize = 7 + round;
      const [a, b] = await Promise.all([
        post(event.id, "queue", event.organizer, { paused: round % 2 === 0, reason: `incident ${round}` }),
        post(event.id, "queue", event.organizer, { batchSize, reason: `slow ${round}` }),
      ]);
      await json(a, 200);
      await json(b, 200);
      const settings = (await figures(event.id, event.organizer)).queue?.settings;
      expect(settings, `round ${round}`).toMatchObject({ paused: round % 2 === 0, batchSize });
    }
  });

  it("a queue change on a cancelled event is refused 409, audited as failed, and the queue stays closed", async () => {
    const event = await queuedEvent({ batchSize: 40 });
    expect((await call("POST", `/api/events/${event.id}/cancel`, { token: event.organizer, body: { reason: "artist ill" } })).status).toBe(202);
    await problem(await post(event.id, "queue", event.organizer, { closed: false, paused: false, reason: "reopen it" }), 409);
    const [entry] = await audit(event.id, event.organizer);
    expect(entry).toMatchObject({ action: "queue_changed", reason: "reopen it", after: { state: "failed" } });
    const settings = await runInDurableObject(queueRoom(event.id), async (instance) => (await instance.opsFigures(event.id))?.settings);
    expect(settings).toMatchObject({ closed: true });
  });

  // DEFECT (docs vs code): docs/operations.md says the audit lists "every control and every change to
  // the event, from any route", but POST /api/events/:id/cancel (routes/cancellation.ts) writes no
  // ops_audit row (AUDIT_ACTIONS has no cancellation): the biggest change of all is missing from the
  // live page's audit. Repro: cancel an event, GET .../ops/audit -> entries do not mention it.
  // Should: one audited row (e.g. action "event_cancelled", the reason, the actor).
  it("cancelling the event is in its audit", async () => {
    const event = await smallEvent();
    expect((await call("POST", `/api/events/${event.id}/cancel`, { token: event.organizer, body: { reason: "venue flooded" } })).status).toBe(202);
    const entries = await audit(event.id, event.organizer);
    expect(entries.some((e) => e.reason === "venue flooded")).toBe(true);
  });
});
