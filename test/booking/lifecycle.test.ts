/**
 * The promises of the booking lifecycle (issue #8), one regression test per
 * way they were broken: each of these failed before the lifecycle had one
 * owner. Webhook edges are in payments.test.ts.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { Fenced, writeBooking } from "../../src/lifecycle/records";
import { withSession } from "../../src/shared/database";
import { signAdmission } from "../../src/shared/queue";
import { call, evictRooms, json, problem } from "../helpers";
import {
  act,
  atCheckout,
  authorizedLater,
  checkout,
  deliver,
  fan,
  hold,
  intentObject,
  intentRow,
  invariants,
  liveBookings,
  NOTHING_SOLD,
  pay,
  paymentEvent,
  providerOutage,
  query,
  redeliver,
  reserve,
  room,
  runAlarm,
  SETTLED_BOOKING,
  smallEvent,
  stalledClaim,
  ticketStatus,
  travel,
  type HoldBody,
} from "../booking-helpers";

const MINUTE = 60_000;

describe("the per-fan limit holds on every path", () => {
  it("two lapsed checkouts authorized late do not together exceed the limit", async () => {
    const event = await smallEvent({ perUserLimit: 2 });
    const token = await fan();
    const a = await hold(token, [event.tickets(0), event.tickets(1)]);
    const payA = await checkout(token, a.holdId);
    await travel(event.id, 13 * MINUTE);
    const b = await hold(token, [event.tickets(2), event.tickets(3)]);
    const payB = await checkout(token, b.holdId);
    await travel(event.id, 13 * MINUTE);
    const [eventA, eventB] = [await authorizedLater(payA.paymentIntentId), await authorizedLater(payB.paymentIntentId)];
    // A's webhook has claimed its seats and is writing the booking when B's arrives.
    await stalledClaim(event.id, a.holdId, payA.paymentIntentId, a.totalCents);
    expect((await redeliver(eventB)).webhook.state).toEqual(NOTHING_SOLD);
    expect((await redeliver(eventA)).webhook.state).toEqual(SETTLED_BOOKING);
    expect((await liveBookings(event.id)).map((t) => t.seat_index)).toEqual([0, 1]);
    expect(await intentRow(payB.paymentIntentId)).toMatchObject({ status: "canceled", amount_received: 0 });
    expect((await invariants(event.id)).violations).toEqual([]);
  });

  it("delivered at the same moment, two late authorizations still book at most the limit", async () => {
    const event = await smallEvent({ perUserLimit: 2 });
    const token = await fan();
    const a = await hold(token, [event.tickets(0), event.tickets(1)]);
    const payA = await checkout(token, a.holdId);
    await travel(event.id, 13 * MINUTE);
    const b = await hold(token, [event.tickets(4), event.tickets(5)]);
    const payB = await checkout(token, b.holdId);
    await travel(event.id, 13 * MINUTE);
    const both = [await authorizedLater(payA.paymentIntentId), await authorizedLater(payB.paymentIntentId)];
    await Promise.all(both.map((id) => redeliver(id)));
    expect(await liveBookings(event.id)).toHaveLength(2);
  });

  it("a hold swapped while a late re-hold is being booked counts that re-hold", async () => {
    const event = await smallEvent({ perUserLimit: 3 });
    const token = await fan();
    const late = await hold(token, [event.tickets(0), event.tickets(1)]);
    const { paymentIntentId } = await checkout(token, late.holdId);
    await travel(event.id, 13 * MINUTE);
    await hold(token, [event.tickets(4)]);
    await authorizedLater(paymentIntentId);
    await stalledClaim(event.id, late.holdId, paymentIntentId, late.totalCents);
    // Swapping the current hold for two seats would make four with the re-hold being booked.
    const body = await problem(await reserve(token, [event.tickets(5), event.tickets(6)]), 400);
    expect(body.detail).toContain("at most 3");
    expect((await reserve(token, [event.tickets(5)])).status).toBe(201);
  });

  it("when a paying hold lapses, the alarm cancels its payment", async () => {
    const { event, paymentIntentId } = await atCheckout([0]);
    await travel(event.id, 13 * MINUTE);
    await runAlarm(event.id);
    expect(await intentRow(paymentIntentId)).toMatchObject({ status: "canceled" });
    // A card authorized afterwards cannot be: nothing can be charged for the lapsed hold.
    await problem(await call("POST", `/api/dev/payments/${paymentIntentId}/authorize`), 409);
  });

  it("a release cancels the payment started for the hold", async () => {
    const { event, token, hold: h, paymentIntentId } = await atCheckout([0]);
    expect((await call("DELETE", `/api/booking/holds/${h.holdId}`, { token })).status).toBe(204);
    await runAlarm(event.id);
    expect(await intentRow(paymentIntentId)).toMatchObject({ status: "canceled" });
  });
});

describe("a hold cannot be renewed forever", () => {
  it("reserving the seats you hold keeps the original expiry, and they go free when it passes", async () => {
    const event = await smallEvent();
    const token = await fan();
    const first = await hold(token, [event.tickets(0)]);
    const renewals: HoldBody[] = [];
    for (let i = 0; i < 4; i++) {
      await travel(event.id, 2 * MINUTE);
      renewals.push(await hold(token, [event.tickets(0)]));
    }
    expect(renewals.map((h) => h.expiresAt)).toEqual(renewals.map(() => first.expiresAt));
    await travel(event.id, 2 * MINUTE + 1);
    expect((await reserve(await fan(), [event.tickets(0)])).status).toBe(201);
  });

  it("releasing and reserving again keeps the window's expiry too", async () => {
    const event = await smallEvent();
    const token = await fan();
    const first = await hold(token, [event.tickets(0)]);
    await travel(event.id, 5 * MINUTE);
    await call("DELETE", `/api/booking/holds/${first.holdId}`, { token });
    const again = await hold(token, [event.tickets(0)]);
    expect(again.expiresAt).toBe(first.expiresAt);
  });

  it("checkout's grace is given once per window, not once per hold", async () => {
    const event = await smallEvent();
    const token = await fan();
    const first = await hold(token, [event.tickets(0)]);
    const paying = await checkout(token, first.holdId);
    await call("DELETE", `/api/booking/holds/${first.holdId}`, { token });
    const again = await hold(token, [event.tickets(1)]);
    expect(again.expiresAt).toBe(paying.expiresAt);
    expect((await checkout(token, again.holdId)).expiresAt).toBe(paying.expiresAt);
  });
});

describe("repeating checkout never loses a payment", () => {
  it("a second confirm while the payment is being booked answers 409 with the hold's state and cancels nothing", async () => {
    const { event, token, hold: h, paymentIntentId } = await atCheckout([0]);
    const authorization = await authorizedLater(paymentIntentId);
    await stalledClaim(event.id, h.holdId, paymentIntentId, h.totalCents);
    const again = await problem(await call("PUT", "/api/booking/confirm", { token, body: { holdId: h.holdId } }), 409);
    expect(again).toMatchObject({ state: "booking" });
    expect(await intentRow(paymentIntentId)).toMatchObject({ status: "requires_capture" });
    expect((await redeliver(authorization)).webhook.state).toEqual(SETTLED_BOOKING);
  });

  it.each([0, 1, 2, 3, 4, 5])("a confirm racing the authorization's webhook never cancels it (round %i)", async () => {
    const { token, hold: h, paymentIntentId } = await atCheckout([0]);
    const authorization = await authorizedLater(paymentIntentId);
    const [confirm, delivery] = await Promise.all([call("PUT", "/api/booking/confirm", { token, body: { holdId: h.holdId } }), redeliver(authorization)]);
    expect([200, 409]).toContain(confirm.status);
    if (confirm.status === 200) expect((await json<{ paymentIntentId: string }>(confirm, 200)).paymentIntentId).toBe(paymentIntentId);
    else await confirm.body?.cancel();
    expect(delivery.webhook.state).toEqual(SETTLED_BOOKING);
    expect(await intentRow(paymentIntentId)).toMatchObject({ status: "succeeded" });
  });

  it("a double click creates one payment", async () => {
    const event = await smallEvent();
    const token = await fan();
    const h = await hold(token, [event.tickets(0)]);
    const answers = await Promise.all([0, 1, 2].map(() => call("PUT", "/api/booking/confirm", { token, body: { holdId: h.holdId } })));
    const ids = await Promise.all(answers.map(async (a) => (await json<{ paymentIntentId: string }>(a, 200)).paymentIntentId));
    expect(new Set(ids).size).toBe(1);
    expect(await query("select id from simulated_payment_intents where metadata->>'holdId' = $1", [h.holdId])).toHaveLength(1);
  });
});

describe("a cancel event never frees sold seats", () => {
  it("payment_intent.canceled for a confirmed booking changes nothing", async () => {
    const { event, paymentIntentId } = await atCheckout([0]);
    await pay(paymentIntentId);
    const stray = paymentEvent("payment_intent.canceled", await intentObject(paymentIntentId, { status: "canceled" }));
    expect((await json<{ state: unknown }>(await deliver(stray), 200)).state).toEqual(SETTLED_BOOKING);
    expect(await ticketStatus(event.id, 0)).toBe("sold");
    await problem(await reserve(await fan(), [event.tickets(0)]), 409);
    expect((await invariants(event.id)).violations).toEqual([]);
  });

  it("late duplicates of every event of a booking change nothing", async () => {
    const { event, paymentIntentId } = await atCheckout([0]);
    const paid = await act(paymentIntentId, "authorize");
    await travel(event.id, 3 * 86_400_000);
    for (const delivery of paid.delivered) expect((await redeliver(delivery.stripeEventId)).webhook).toMatchObject({ steps: [], state: SETTLED_BOOKING });
    await problem(await reserve(await fan(), [event.tickets(0)]), 409);
  });
});

describe("the room and Postgres never disagree for good", () => {
  it("a booking voided before capture gives its seats back, and a stale 'sold' after it is undone", async () => {
    const { event, hold: h, paymentIntentId } = await atCheckout([0]);
    await authorizedLater(paymentIntentId);
    const claim = await stalledClaim(event.id, h.holdId, paymentIntentId, h.totalCents);
    const booking = await withSession(env, (db) =>
      writeBooking(db(), { cause: undefined, eventId: event.id, holdId: h.holdId, userId: claim.kind === "claimed" ? claim.hold.userId : "", seats: [0], amountCents: 5000, currency: "usd", paymentIntentId }),
    );
    // The authorization is cancelled (it expired at the bank) before the webhook could capture it.
    const cancelled = await act(paymentIntentId, "cancel");
    expect(cancelled.delivered[0]?.webhook).toMatchObject({ steps: ["voidBooking", "returnSeats"], state: { payment: "cancelled", booking: "cancelled", hold: "ended" } });
    expect(await ticketStatus(event.id, 0)).toBe("available");
    // The stalled webhook wakes up and tells the room the seats are sold: the reconciler undoes it.
    await room(event.id).markSold(event.id, h.holdId, paymentIntentId, { id: booking.id, userId: booking.userId, seats: [0] });
    await travel(event.id, 4 * MINUTE);
    await runAlarm(event.id);
    expect((await reserve(await fan(), [event.tickets(0)])).status).toBe(201);
    expect((await invariants(event.id, false)).violations).toEqual([]);
  });

  it("the reconciler marks sold what Postgres booked, frees what it did not, and fixes the sold count", async () => {
    const event = await smallEvent();
    const token = await fan();
    const h = await hold(token, [event.tickets(0), event.tickets(1)]);
    await pay((await checkout(token, h.holdId)).paymentIntentId);
    // The room loses one sold seat and invents another; Postgres' count drifts.
    await runInDurableObject(room(event.id), (_instance, state) => {
      state.storage.sql.exec("DELETE FROM sold WHERE seat_index = 1");
      state.storage.sql.exec("INSERT INTO sold (seat_index, booking_id, user_id) VALUES (7, 'bk_invented00000000', 'nobody')");
    });
    await evictRooms();
    await query("update events set sold_count = 99 where id = $1", [event.id]);
    expect((await invariants(event.id, false)).violations.map((v) => v.invariant).sort()).toEqual(["room agrees with Postgres", "room agrees with Postgres", "sold count"]);
    await travel(event.id, MINUTE);
    await runAlarm(event.id);
    expect(await ticketStatus(event.id, 1)).toBe("sold");
    expect((await reserve(await fan(), [event.tickets(1)])).status).toBe(409);
    expect((await reserve(await fan(), [event.tickets(7)])).status).toBe(201);
    expect((await invariants(event.id, false)).violations).toEqual([]);
  });
});

describe("no sale after the event started", () => {
  it("a late authorization after the start is cancelled even though the seats are free", async () => {
    const event = await smallEvent({ startsAt: new Date(Date.now() + 20 * MINUTE).toISOString() });
    const token = await fan();
    const h = await hold(token, [event.tickets(0)]);
    const { paymentIntentId } = await checkout(token, h.holdId);
    const authorization = await authorizedLater(paymentIntentId);
    await travel(event.id, 30 * MINUTE);
    expect((await redeliver(authorization)).webhook.state).toEqual(NOTHING_SOLD);
    expect(await liveBookings(event.id)).toEqual([]);
  });

  it("an authorization landing on a live hold after the start is cancelled", async () => {
    const event = await smallEvent({ startsAt: new Date(Date.now() + 5 * MINUTE).toISOString() });
    const token = await fan();
    const h = await hold(token, [event.tickets(0)]);
    const { paymentIntentId } = await checkout(token, h.holdId);
    await travel(event.id, 6 * MINUTE);
    const answer = await act(paymentIntentId, "authorize");
    expect(answer.delivered[0]?.webhook.state).toEqual(NOTHING_SOLD);
    expect(await intentRow(paymentIntentId)).toMatchObject({ status: "canceled" });
  });

  it("a re-hold obeys an ended waiting-room session", async () => {
    const event = await smallEvent();
    await json(await call("PATCH", `/api/events/${event.id}`, { token: event.organizer, body: { queue: { enabled: true } } }), 200);
    const userId = `queued-${crypto.randomUUID()}`;
    const token = await fan(userId);
    const admission = await signAdmission(env, { userId, eventId: event.id, sessionId: "session-1", expiresAt: Date.now() + 2 * 3_600_000 });
    const headers = { "x-admission-token": admission };
    const first = await json<HoldBody>(await reserve(token, [event.tickets(0)], headers), 201);
    const { paymentIntentId: lapsed } = await checkout(token, first.holdId);
    const authorization = await authorizedLater(lapsed);
    await travel(event.id, 13 * MINUTE);
    // The fan shops again in the same session and books: the session ends.
    const second = await json<HoldBody>(await reserve(token, [event.tickets(1)], headers), 201);
    await pay((await checkout(token, second.holdId)).paymentIntentId);
    expect((await redeliver(authorization)).webhook.state).toEqual(NOTHING_SOLD);
    expect((await liveBookings(event.id)).map((t) => t.seat_index)).toEqual([1]);
  });
});

describe("a stalled booking cannot take seats from another fan", () => {
  it("once the room has let a stalled claim go, its late commit is refused and its payment cancelled", async () => {
    const { event, hold: h, paymentIntentId } = await atCheckout([0]);
    const authorization = await authorizedLater(paymentIntentId);
    const claim = await stalledClaim(event.id, h.holdId, paymentIntentId, h.totalCents);
    // The webhook died after claiming; the provider is down, so the room cannot settle it either.
    await providerOutage(event.id, 3600);
    try {
      await travel(event.id, 6 * MINUTE);
      await runAlarm(event.id);
      const other = await hold(await fan(), [event.tickets(0)]);
      expect(other.ticketIds).toEqual([event.tickets(0)]);
      // The stalled webhook resumes its commit: the fence refuses it.
      const commit = withSession(env, (db) =>
        writeBooking(db(), { cause: undefined, eventId: event.id, holdId: h.holdId, userId: claim.kind === "claimed" ? claim.hold.userId : "", seats: [0], amountCents: 5000, currency: "usd", paymentIntentId }),
      );
      await expect(commit).rejects.toBeInstanceOf(Fenced);
    } finally {
      await providerOutage(event.id, 0);
    }
    // Stripe retries the authorization: nothing is booked and the card is released.
    expect((await redeliver(authorization)).webhook.state).toEqual(NOTHING_SOLD);
    expect(await liveBookings(event.id)).toEqual([]);
    expect(await ticketStatus(event.id, 0)).toBe("held");
  });

  it("a claim whose webhook died is completed by the room's alarm when it can be", async () => {
    const { event, hold: h, paymentIntentId } = await atCheckout([0]);
    await authorizedLater(paymentIntentId);
    await stalledClaim(event.id, h.holdId, paymentIntentId, h.totalCents);
    await travel(event.id, 20 * MINUTE);
    await problem(await reserve(await fan(), [event.tickets(0)]), 409);
    await runAlarm(event.id);
    expect(await ticketStatus(event.id, 0)).toBe("sold");
    expect(await intentRow(paymentIntentId)).toMatchObject({ status: "succeeded" });
    expect((await invariants(event.id)).violations).toEqual([]);
  });
});

describe("idempotency keys mean the same request", () => {
  it("reusing a key with a different body answers 422 problem+json", async () => {
    const event = await smallEvent();
    const token = await fan();
    const headers = { "idempotency-key": "checkout-1" };
    expect((await reserve(token, [event.tickets(0)], headers)).status).toBe(201);
    const body = await problem(await reserve(token, [event.tickets(1)], headers), 422);
    expect(body.detail).toContain("Idempotency-Key");
    expect((await reserve(token, [event.tickets(0)], headers)).status).toBe(201);
  });
});
