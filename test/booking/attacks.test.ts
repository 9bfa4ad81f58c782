/**
 * The booking lifecycle attacked as a scalper, a rival fan and a payments
 * engineer would (issue #8's hostile review): concurrent tabs, confirm
 * storms, forged and malformed webhooks, stale steps arriving late, clocks
 * going back, outages and hostile input. Each test asserts a promise; the
 * ones that first failed (a post-dated signature with two timestamps,
 * malformed signed events answered with a 500, a clock going back after an
 * eviction, a stalled sale of a voided booking, partial refunds) now pass.
 */

import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { writeBooking } from "../../src/lifecycle/records";
import { withSession } from "../../src/shared/database";
import { signAdmission } from "../../src/shared/queue";
import { signEvent } from "../../workers/api/payments/webhook-events";
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
  paymentEvent,
  providerOutage,
  query,
  redeliver,
  reserve,
  room,
  runAlarm,
  SETTLED_BOOKING,
  smallEvent,
  ticketStatus,
  travel,
  type HoldBody,
} from "../booking-helpers";

const MINUTE = 60_000;

/** Any answer must be a 4xx problem+json (never a 5xx), and must not leak secrets. */
async function expect4xx(response: Response, label: string): Promise<{ status: number; body: string }> {
  const body = await response.text();
  expect(response.status, `${label}: ${body.slice(0, 300)}`).toBeGreaterThanOrEqual(400);
  expect(response.status, `${label}: ${body.slice(0, 300)}`).toBeLessThan(500);
  expect(response.headers.get("content-type"), label).toBe("application/problem+json");
  noSecrets(body, label);
  return { status: response.status, body };
}

function noSecrets(body: string, label: string) {
  for (const secret of [env.DATABASE_URL, "whsec_", "postgres://", "postgresql://", String(env.STRIPE_WEBHOOK_SECRET ?? "whsec_")]) {
    if (secret) expect(body.includes(secret), `${label} leaks ${secret.slice(0, 12)}…`).toBe(false);
  }
  expect(/at .*\.(ts|js):\d+/.test(body), `${label} leaks a stack trace`).toBe(false);
}

async function signedRaw(payload: string, timestamp?: number) {
  return signEvent(env, payload, timestamp);
}

async function postWebhook(payload: string, signature: string): Promise<Response> {
  return call("POST", "/api/webhooks/stripe", { body: payload, headers: { "stripe-signature": signature } });
}

// ---------------------------------------------------------------------------
describe("promise 8: an Idempotency-Key means one request", () => {
  it("a key is scoped to its event: the same key on another event is a separate request, and each replays its own hold", async () => {
    const [a, b] = [await smallEvent(), await smallEvent()];
    const token = await fan();
    const headers = { "idempotency-key": "same-key-two-events" };
    const first = await json<HoldBody>(await reserve(token, [a.tickets(0)], headers), 201);
    const second = await json<HoldBody>(await reserve(token, [b.tickets(0)], headers), 201);
    expect(second.eventId).toBe(b.id);
    expect((await json<HoldBody>(await reserve(token, [a.tickets(0)], headers), 201)).holdId).toBe(first.holdId);
    expect((await json<HoldBody>(await reserve(token, [b.tickets(0)], headers), 201)).holdId).toBe(second.holdId);
    await problem(await reserve(token, [a.tickets(1)], headers), 422);
  });

  it("reusing a key for other seats of the same event is a 422 (also after the hold was replaced)", async () => {
    const event = await smallEvent();
    const token = await fan();
    const headers = { "idempotency-key": "k-replaced" };
    expect((await reserve(token, [event.tickets(0)], headers)).status).toBe(201);
    expect((await reserve(token, [event.tickets(1)])).status).toBe(201);
    await problem(await reserve(token, [event.tickets(2)], headers), 422);
    // Same body, but the hold ended: not a second hold either.
    expect((await reserve(token, [event.tickets(0)], headers)).status).toBe(409);
  });

  it("a key is per fan: another fan's key does not replay their hold", async () => {
    const event = await smallEvent();
    const headers = { "idempotency-key": "shared-key" };
    const mine = await json<HoldBody>(await reserve(await fan(), [event.tickets(0)], headers), 201);
    const theirs = await reserve(await fan(), [event.tickets(0)], headers);
    expect(theirs.status).toBe(409);
    expect(await theirs.text()).not.toContain(mine.holdId);
  });
});

// ---------------------------------------------------------------------------
describe("promise 9: webhook edges", () => {
  async function authorizedEvent() {
    const { event, paymentIntentId } = await atCheckout([0]);
    await act(paymentIntentId, "authorize", "later");
    const payload = JSON.stringify(paymentEvent("payment_intent.amount_capturable_updated", await intentObject(paymentIntentId)));
    return { event, paymentIntentId, payload };
  }

  it("a post-dated signature is refused even with a second t= in the header", async () => {
    const { payload, paymentIntentId } = await authorizedEvent();
    const future = Math.floor(Date.now() / 1000) + 3600;
    const postDated = await signedRaw(payload, future);
    // Stripe's parser takes the last t=, the future check the first one.
    const smuggled = `t=${Math.floor(Date.now() / 1000)},${postDated}`;
    const response = await postWebhook(payload, smuggled);
    expect(response.status, await response.clone().text()).toBe(400);
    await response.body?.cancel();
    expect(await intentRow(paymentIntentId)).toMatchObject({ status: "requires_capture" });
  });

  it("a post-dated signature is refused when its timestamp is written t=+<seconds>", async () => {
    const { payload } = await authorizedEvent();
    const future = Math.floor(Date.now() / 1000) + 3600;
    const postDated = (await signedRaw(payload, future)).replace(`t=${future}`, `t=+${future}`);
    const response = await postWebhook(payload, postDated);
    expect(response.status, await response.clone().text()).toBe(400);
    await response.body?.cancel();
  });

  it("a plainly post-dated signature is refused", async () => {
    const { payload } = await authorizedEvent();
    const response = await postWebhook(payload, await signedRaw(payload, Math.floor(Date.now() / 1000) + 3600));
    await problem(response, 400);
  });

  it.each([
    ["an intent id with a NUL byte", { object: "payment_intent", id: "pi_sim_\u0000abc" }],
    ["a 10 kB intent id", { object: "payment_intent", id: `pi_${"x".repeat(10_000)}` }],
    ["an intent id that is a number", { object: "payment_intent", id: 42 }],
    ["a charge naming an unknown intent", { object: "charge", id: "ch_1", payment_intent: "pi_does_not_exist" }],
    ["unicode ids", { object: "payment_intent", id: "pi_\u{1F3AB}\u202e" }],
  ])("a validly signed event for an unknown payment intent (%s) is 200 ignored", async (_name, object) => {
    const response = await deliver(paymentEvent("payment_intent.succeeded", object as Record<string, unknown>));
    const text = await response.text();
    expect(response.status, text).toBe(200);
    expect(JSON.parse(text)).toMatchObject({ ignored: true });
  });

  it.each([
    ["an event id with a NUL byte", (e: Record<string, unknown>) => ({ ...e, id: "evt_\u0000" })],
    ["no data", (e: Record<string, unknown>) => ({ ...e, data: undefined })],
    ["data.object null", (e: Record<string, unknown>) => ({ ...e, data: { object: null } })],
    ["data a string", (e: Record<string, unknown>) => ({ ...e, data: "x" })],
  ])("a validly signed but malformed event (%s) is never a 5xx", async (_name, mutate) => {
    const event = mutate(paymentEvent("payment_intent.succeeded", { object: "payment_intent", id: "pi_unknown_intent" }));
    const response = await deliver(event);
    const text = await response.text();
    expect(response.status, text).toBeLessThan(500);
    noSecrets(text, "webhook");
  });

  it.each([["null"], ["[]"], ['"a string"'], ["42"]])("a validly signed non-object payload %s is never a 5xx", async (payload) => {
    const response = await postWebhook(payload, await signedRaw(payload));
    const text = await response.text();
    expect(response.status, text).toBeLessThan(500);
  });

  it("events pointing at another event's metadata, for another fan's intent, change nothing of theirs", async () => {
    const event = await smallEvent();
    const other = await smallEvent();
    const token = await fan();
    const h = await hold(token, [event.tickets(0)]);
    const { paymentIntentId } = await checkout(token, h.holdId);
    const forged = await intentObject(paymentIntentId, { status: "requires_capture", amount_capturable: 5000, metadata: { eventId: other.id, holdId: `hd_${other.id.slice(3)}_abcdefghjkmn` } });
    for (const type of ["payment_intent.amount_capturable_updated", "payment_intent.succeeded", "payment_intent.canceled", "charge.refunded"]) {
      const answer = await json<{ state?: unknown }>(await deliver(paymentEvent(type, forged)), 200);
      expect(answer.state).toEqual({ payment: "pending", booking: "none", hold: "open", refund: "none" });
    }
    expect(await ticketStatus(event.id, 0)).toBe("held");
    expect(await intentRow(paymentIntentId)).toMatchObject({ status: "requires_payment_method" });
  });
});

// ---------------------------------------------------------------------------
describe("promise 1: the per-fan limit on every path", () => {
  it("ten tabs reserving at once leave one live hold within the limit", async () => {
    const event = await smallEvent({ perUserLimit: 2 });
    const token = await fan();
    const answers = await Promise.all(
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => reserve(token, i % 2 ? [event.tickets(i % 8)] : [event.tickets(i % 8), event.tickets((i + 1) % 8)])),
    );
    for (const a of answers) expect([201, 400, 409]).toContain(a.status);
    await Promise.all(answers.map((a) => a.text()));
    const inspection = await room(event.id).inspect(event.id);
    const live = inspection?.activeHolds.filter((h) => h.live) ?? [];
    expect(live).toHaveLength(1);
    expect(live.reduce((n, h) => n + h.seats.length, 0)).toBeLessThanOrEqual(2);
    expect((await invariants(event.id, false)).violations).toEqual([]);
  });

  it("three lapsed checkouts authorized late, delivered together with the alarm, book at most the limit", async () => {
    const event = await smallEvent({ perUserLimit: 2 });
    const token = await fan();
    const auths: string[] = [];
    for (const seat of [0, 2, 4]) {
      const h = await hold(token, [event.tickets(seat)]);
      const { paymentIntentId } = await checkout(token, h.holdId);
      auths.push(await authorizedLater(paymentIntentId));
      await travel(event.id, 13 * MINUTE);
    }
    await Promise.all([...auths.map((id) => redeliver(id)), runAlarm(event.id), ...auths.map((id) => redeliver(id))]);
    await runAlarm(event.id);
    expect((await liveBookings(event.id)).length).toBeLessThanOrEqual(2);
    expect((await invariants(event.id)).violations).toEqual([]);
  });

  it("the clock going back (an eviction) does not give a fan two live holds over the limit", async () => {
    const event = await smallEvent({ perUserLimit: 2 });
    const token = await fan();
    const a = await hold(token, [event.tickets(0), event.tickets(1)]);
    const payA = await checkout(token, a.holdId);
    await travel(event.id, 13 * MINUTE);
    const b = await hold(token, [event.tickets(2), event.tickets(3)]);
    // The room restarts; its clock is real time again, before A's expiry.
    await evictRooms();
    const payB = await checkout(token, b.holdId);
    await act(payA.paymentIntentId, "authorize");
    await act(payB.paymentIntentId, "authorize");
    expect((await liveBookings(event.id)).length).toBeLessThanOrEqual(2);
  });
});

// ---------------------------------------------------------------------------
describe("promise 2: a hold cannot be renewed forever", () => {
  it("twenty release/re-reserve loops over other seats never move the window's expiry", async () => {
    const event = await smallEvent();
    const token = await fan();
    let current = await hold(token, [event.tickets(0)]);
    const first = current.expiresAt;
    for (let i = 1; i <= 20; i++) {
      await travel(event.id, 25_000);
      expect((await call("DELETE", `/api/booking/holds/${current.holdId}`, { token })).status).toBe(204);
      const next = await reserve(token, [event.tickets(i % 8)]);
      if (next.status !== 201) {
        await next.body?.cancel();
        break;
      }
      current = await json<HoldBody>(next, 201);
      expect(current.expiresAt).toBe(first);
    }
  });

  it("checkout, release, reserve, checkout again: the grace is given once", async () => {
    const event = await smallEvent();
    const token = await fan();
    const first = await hold(token, [event.tickets(0)]);
    const firstPay = await checkout(token, first.holdId);
    const limit = Date.parse(first.expiresAt) + 120_000;
    expect(Date.parse(firstPay.expiresAt)).toBe(limit);
    for (let i = 1; i < 6; i++) {
      await travel(event.id, MINUTE);
      const inspection = await room(event.id).inspect(event.id);
      const mine = inspection?.activeHolds.find((h) => h.live);
      if (!mine) break;
      await call("DELETE", `/api/booking/holds/${mine.id}`, { token });
      const again = await reserve(token, [event.tickets(i)]);
      if (again.status !== 201) break;
      const h = await json<HoldBody>(again, 201);
      expect(Date.parse(h.expiresAt)).toBeLessThanOrEqual(limit);
      const paid = await checkout(token, h.holdId);
      expect(Date.parse(paid.expiresAt)).toBeLessThanOrEqual(limit);
    }
  });

});

// ---------------------------------------------------------------------------
describe("promise 7: a stalled booking cannot take seats from another fan", () => {
  it("a stalled webhook's markSold for a booking voided meanwhile does not cost the next fan their purchase", async () => {
    const event = await smallEvent();
    const alice = await fan();
    const a = await hold(alice, [event.tickets(0)]);
    const payA = await checkout(alice, a.holdId);
    const authA = await authorizedLater(payA.paymentIntentId);
    // Alice's webhook claims and writes the booking, then stalls before telling the room the seats are sold.
    const claim = await room(event.id).claim(event.id, a.holdId, payA.paymentIntentId, { amountCents: a.totalCents, currency: "usd" });
    expect(claim.kind).toBe("claimed");
    const booking = await withSession(env, (db) =>
      writeBooking(db(), { cause: undefined, eventId: event.id, holdId: a.holdId, userId: claim.kind === "claimed" ? claim.hold.userId : "", seats: [0], amountCents: a.totalCents, currency: "usd", paymentIntentId: payA.paymentIntentId }),
    );
    // The bank drops Alice's authorization: the booking is voided and the seat is on sale again.
    await act(payA.paymentIntentId, "cancel");
    expect(await ticketStatus(event.id, 0)).toBe("available");
    // Bob buys it.
    const bob = await fan();
    const b = await hold(bob, [event.tickets(0)]);
    const payB = await checkout(bob, b.holdId);
    const authB = await authorizedLater(payB.paymentIntentId);
    // Alice's stalled webhook wakes up with its old snapshot of the booking.
    await room(event.id).markSold(event.id, a.holdId, payA.paymentIntentId, { id: booking.id, userId: booking.userId, seats: [0] });
    await runAlarm(event.id);
    // ... and finishes its loop (Stripe retries it too).
    await redeliver(authA);
    expect((await redeliver(authB)).webhook.state).toEqual(SETTLED_BOOKING);
    expect(await intentRow(payB.paymentIntentId)).toMatchObject({ status: "succeeded" });
  });
});

// ---------------------------------------------------------------------------
describe("promise 3: repeating checkout never loses a payment being booked", () => {
  it.each([0, 1, 2, 3])("a confirm storm racing the authorization and a release ends consistent (round %i)", async (round) => {
    const { event, token, hold: h, paymentIntentId } = await atCheckout([0]);
    const authorization = await authorizedLater(paymentIntentId);
    const confirms = [0, 1, 2].map(() => call("PUT", "/api/booking/confirm", { token, body: { holdId: h.holdId } }));
    const release = round % 2 ? call("DELETE", `/api/booking/holds/${h.holdId}`, { token }) : Promise.resolve(new Response(null, { status: 204 }));
    const [delivery, ...answers] = await Promise.all([redeliver(authorization), release, ...confirms]);
    for (const a of answers) {
      expect(a.status, await a.clone().text()).toBeLessThan(500);
      if (a.status === 200) expect((await json<{ paymentIntentId: string }>(a, 200)).paymentIntentId).toBe(paymentIntentId);
      else await a.body?.cancel();
    }
    expect(delivery.webhookStatus).toBe(200);
    await runAlarm(event.id);
    const intent = await intentRow(paymentIntentId);
    const booked = await liveBookings(event.id);
    // Either booked and charged, or nothing sold and nobody charged.
    if (intent.status === "succeeded") expect(booked.map((b) => b.seat_index)).toEqual([0]);
    else expect({ status: intent.status, booked }).toEqual({ status: "canceled", booked: [] });
    expect((await invariants(event.id)).violations).toEqual([]);
  });

  it("a confirm while the authorization's claim is in flight and the room is evicted loses nothing", async () => {
    const { event, token, hold: h, paymentIntentId } = await atCheckout([0]);
    const authorization = await authorizedLater(paymentIntentId);
    await room(event.id).claim(event.id, h.holdId, paymentIntentId, { amountCents: h.totalCents, currency: "usd" });
    await evictRooms();
    const again = await call("PUT", "/api/booking/confirm", { token, body: { holdId: h.holdId } });
    expect(again.status).toBe(409);
    await again.body?.cancel();
    expect(await intentRow(paymentIntentId)).toMatchObject({ status: "requires_capture" });
    expect((await redeliver(authorization)).webhook.state).toEqual(SETTLED_BOOKING);
  });

  it("evicting every room between checkout and payment still books", async () => {
    const { event, token, hold: h, paymentIntentId } = await atCheckout([0]);
    await evictRooms();
    const again = await checkout(token, h.holdId);
    expect(again.paymentIntentId).toBe(paymentIntentId);
    await evictRooms();
    const paid = await act(paymentIntentId, "authorize");
    expect(paid.delivered[0]?.webhook.state).toEqual(SETTLED_BOOKING);
    expect((await invariants(event.id)).violations).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
describe("payments: amounts, refunds, the alarm racing webhooks", () => {
  it("an authorization for less than the hold's total is cancelled, nothing is booked", async () => {
    const event = await smallEvent();
    const token = await fan();
    const h = await hold(token, [event.tickets(0), event.tickets(1)]);
    const { paymentIntentId } = await checkout(token, h.holdId);
    await query("update simulated_payment_intents set status = 'requires_capture', amount_capturable = 100 where id = $1", [paymentIntentId]);
    const answer = await json<{ state: unknown }>(await deliver(paymentEvent("payment_intent.amount_capturable_updated", await intentObject(paymentIntentId))), 200);
    expect(answer.state).toEqual(NOTHING_SOLD);
    expect(await liveBookings(event.id)).toEqual([]);
  });

  it("an authorization in another currency is cancelled", async () => {
    const { paymentIntentId } = await atCheckout([0]);
    await query("update simulated_payment_intents set status = 'requires_capture', amount_capturable = 999999, currency = 'jpy' where id = $1", [paymentIntentId]);
    const answer = await json<{ state: unknown }>(await deliver(paymentEvent("payment_intent.amount_capturable_updated", await intentObject(paymentIntentId))), 200);
    expect(answer.state).toEqual(NOTHING_SOLD);
  });

  it.each([0, 1, 2])("a refund out of band racing the capture ends refunded with the seats free (round %i)", async () => {
    const { event, paymentIntentId } = await atCheckout([0]);
    const authorization = await authorizedLater(paymentIntentId);
    const refunder = (async () => {
      for (let i = 0; i < 200; i++) {
        const r = await call("POST", `/api/dev/payments/${paymentIntentId}/refund?deliver=now`);
        const ok = r.status === 200;
        await r.body?.cancel();
        if (ok) return;
      }
    })();
    await Promise.all([redeliver(authorization), refunder]);
    await runAlarm(event.id);
    expect(await intentRow(paymentIntentId)).toMatchObject({ status: "succeeded", amount_refunded: 5000 });
    expect(await liveBookings(event.id)).toEqual([]);
    expect(await ticketStatus(event.id, 0)).toBe("available");
    expect((await invariants(event.id)).violations).toEqual([]);
  });

  it.each([0, 1, 2])("the alarm racing a late authorization's webhook books once (round %i)", async () => {
    const { event, paymentIntentId } = await atCheckout([0]);
    const authorization = await authorizedLater(paymentIntentId);
    await travel(event.id, 13 * MINUTE);
    const [delivery] = await Promise.all([redeliver(authorization), runAlarm(event.id), runAlarm(event.id), redeliver(authorization)]);
    expect(delivery.webhookStatus).toBe(200);
    await runAlarm(event.id);
    expect((await liveBookings(event.id)).map((b) => b.seat_index)).toEqual([0]);
    expect(await intentRow(paymentIntentId)).toMatchObject({ status: "succeeded", amount_received: 5000 });
    expect((await invariants(event.id)).violations).toEqual([]);
  });

  it("the alarm fencing an overdue claim while the webhook retries books or cancels, never both", async () => {
    const { event, hold: h, paymentIntentId } = await atCheckout([0]);
    const authorization = await authorizedLater(paymentIntentId);
    await room(event.id).claim(event.id, h.holdId, paymentIntentId, { amountCents: h.totalCents, currency: "usd" });
    await travel(event.id, 6 * MINUTE);
    await Promise.all([runAlarm(event.id), redeliver(authorization), runAlarm(event.id)]);
    await runAlarm(event.id);
    const intent = await intentRow(paymentIntentId);
    const booked = await liveBookings(event.id);
    if (intent.status === "succeeded") expect(booked).toHaveLength(1);
    else expect(booked).toEqual([]);
    expect((await invariants(event.id)).violations).toEqual([]);
  });

  it("a cancel, a refund and duplicates of every event after a confirmed booking never free its seats (except the refund)", async () => {
    const { event, paymentIntentId } = await atCheckout([0]);
    const paid = await act(paymentIntentId, "authorize");
    // A cancel of a captured payment is a no-op at the provider (Stripe refuses it).
    const cancel = await act(paymentIntentId, "cancel");
    expect(cancel.status).toBe("succeeded");
    for (const type of ["payment_intent.canceled", "payment_intent.payment_failed", "charge.refund.updated", "refund.updated"]) {
      const obj = type.startsWith("payment_intent") ? await intentObject(paymentIntentId, { status: "canceled" }) : { object: "refund", id: "re_1", payment_intent: paymentIntentId, status: "succeeded" };
      expect((await json<{ state: unknown }>(await deliver(paymentEvent(type, obj)), 200)).state).toEqual(SETTLED_BOOKING);
    }
    await Promise.all(paid.delivered.map((d) => redeliver(d.stripeEventId)));
    expect(await ticketStatus(event.id, 0)).toBe("sold");
  });
});

// ---------------------------------------------------------------------------
describe("promise 6: no sale after the start, and re-holds obey every reserve rule", () => {
  async function queuedEvent() {
    const event = await smallEvent();
    await json(await call("PATCH", `/api/events/${event.id}`, { token: event.organizer, body: { queue: { enabled: true } } }), 200);
    const userId = `queued-${crypto.randomUUID()}`;
    const token = await fan(userId);
    return { event, userId, token };
  }

  it("a late authorization after the fan released in the same session is refused", async () => {
    const { event, userId, token } = await queuedEvent();
    const admission = await signAdmission(env, { userId, eventId: event.id, sessionId: `s-${crypto.randomUUID()}`, expiresAt: Date.now() + 2 * 3_600_000 });
    const headers = { "x-admission-token": admission };
    const first = await json<HoldBody>(await reserve(token, [event.tickets(0)], headers), 201);
    const { paymentIntentId } = await checkout(token, first.holdId);
    const authorization = await authorizedLater(paymentIntentId);
    await travel(event.id, 13 * MINUTE);
    const second = await json<HoldBody>(await reserve(token, [event.tickets(1)], headers), 201);
    expect((await call("DELETE", `/api/booking/holds/${second.holdId}`, { token })).status).toBe(204);
    expect((await redeliver(authorization)).webhook.state).toEqual(NOTHING_SOLD);
  });

  it("a late authorization after the waiting-room session lapsed is refused", async () => {
    const { event, userId, token } = await queuedEvent();
    const admission = await signAdmission(env, { userId, eventId: event.id, sessionId: `s-${crypto.randomUUID()}`, expiresAt: Date.now() + 14 * MINUTE });
    const first = await json<HoldBody>(await reserve(token, [event.tickets(0)], { "x-admission-token": admission }), 201);
    const { paymentIntentId } = await checkout(token, first.holdId);
    const authorization = await authorizedLater(paymentIntentId);
    await travel(event.id, 15 * MINUTE);
    expect((await redeliver(authorization)).webhook.state).toEqual(NOTHING_SOLD);
  });

  it("a claim made just before the start is not booked by the alarm after the start once the provider returns", async () => {
    const event = await smallEvent({ startsAt: new Date(Date.now() + 8 * MINUTE).toISOString() });
    const token = await fan();
    const h = await hold(token, [event.tickets(0)]);
    const { paymentIntentId } = await checkout(token, h.holdId);
    await authorizedLater(paymentIntentId);
    await travel(event.id, 7 * MINUTE);
    await room(event.id).claim(event.id, h.holdId, paymentIntentId, { amountCents: h.totalCents, currency: "usd" });
    await travel(event.id, 10 * MINUTE);
    await runAlarm(event.id);
    // Claimed (and authorized) before the start, so completing it is not a new sale: either end is consistent.
    const status = (await intentRow(paymentIntentId)).status;
    expect(["succeeded", "canceled"]).toContain(status);
    expect((await liveBookings(event.id)).length).toBe(status === "succeeded" ? 1 : 0);
  });
});

// ---------------------------------------------------------------------------
describe("hostile input: every booking, webhook and dev route answers 4xx problem+json", () => {
  const BIG = "x".repeat(9 * 1024 * 1024);
  type Case = [string, string, string, { body?: unknown; headers?: Record<string, string>; auth?: boolean }];
  const evt = "ev_0123456789abcdef";
  const cases: Case[] = [
    ["reserve: no token", "POST", "/api/booking/reserve", { body: { ticketIds: [`${evt}.0`] }, auth: false }],
    ["reserve: invalid JSON", "POST", "/api/booking/reserve", { body: "{" }],
    ["reserve: JSON null", "POST", "/api/booking/reserve", { body: "null" }],
    ["reserve: JSON array", "POST", "/api/booking/reserve", { body: "[]" }],
    ["reserve: ticketIds a string", "POST", "/api/booking/reserve", { body: { ticketIds: "x" } }],
    ["reserve: empty ticketIds", "POST", "/api/booking/reserve", { body: { ticketIds: [] } }],
    ["reserve: 51 tickets", "POST", "/api/booking/reserve", { body: { ticketIds: Array.from({ length: 51 }, (_, i) => `${evt}.${i}`) } }],
    ["reserve: numbers", "POST", "/api/booking/reserve", { body: { ticketIds: [1, 2] } }],
    ["reserve: NUL in a ticket id", "POST", "/api/booking/reserve", { body: { ticketIds: [`${evt}.0\u0000`] } }],
    ["reserve: unicode digits", "POST", "/api/booking/reserve", { body: { ticketIds: [`${evt}.\u0663`] } }],
    ["reserve: an unknown event", "POST", "/api/booking/reserve", { body: { ticketIds: [`${evt}.0`] } }],
    ["reserve: a seat past the end", "POST", "/api/booking/reserve", { body: { ticketIds: [`${evt}.999999`] } }],
    ["reserve: a venue id as event", "POST", "/api/booking/reserve", { body: { ticketIds: ["vn_0123456789abcdef.0"] } }],
    ["reserve: two events", "POST", "/api/booking/reserve", { body: { ticketIds: [`${evt}.0`, "ev_zz.0"] } }],
    ["reserve: the same seat twice", "POST", "/api/booking/reserve", { body: { ticketIds: [`${evt}.1`, `${evt}.01`] } }],
    ["reserve: both shapes", "POST", "/api/booking/reserve", { body: { ticketIds: [`${evt}.0`], ticketId: `${evt}.0` } }],
    ["reserve: an extra field", "POST", "/api/booking/reserve", { body: { ticketIds: [`${evt}.0`], priceCents: 1 } }],
    ["reserve: __proto__", "POST", "/api/booking/reserve", { body: '{"ticketIds":["ev_0123456789abcdef.0"],"__proto__":{"x":1}}' }],
    ["reserve: text/plain", "POST", "/api/booking/reserve", { body: '{"ticketIds":["ev_0123456789abcdef.0"]}', headers: { "content-type": "text/plain" } }],
    ["reserve: 9 MiB body", "POST", "/api/booking/reserve", { body: `{"ticketIds":["${BIG}"]}` }],
    ["reserve: a 201-char idempotency key", "POST", "/api/booking/reserve", { body: { ticketIds: [`${evt}.0`] }, headers: { "idempotency-key": "k".repeat(201) } }],
    ["reserve: a blank idempotency key", "POST", "/api/booking/reserve", { body: { ticketIds: [`${evt}.0`] }, headers: { "idempotency-key": "   " } }],
    ["reserve: a garbage admission token", "POST", "/api/booking/reserve", { body: { ticketIds: [`${evt}.0`] }, headers: { "x-admission-token": "a.b.c" } }],
    ["reserve: a 2001-char admission token", "POST", "/api/booking/reserve", { body: { ticketIds: [`${evt}.0`] }, headers: { "x-admission-token": "a".repeat(2001) } }],
    ["confirm: invalid JSON", "PUT", "/api/booking/confirm", { body: "{" }],
    ["confirm: holdId a number", "PUT", "/api/booking/confirm", { body: { holdId: 1 } }],
    ["confirm: holdId an array", "PUT", "/api/booking/confirm", { body: { holdId: ["hd_x_abcdefghjkmn"] } }],
    ["confirm: NUL in holdId", "PUT", "/api/booking/confirm", { body: { holdId: "hd_x_abcdefghjkm\u0000" } }],
    ["confirm: a hold of an unknown event", "PUT", "/api/booking/confirm", { body: { holdId: "hd_0123456789abcdef_abcdefghjkmn" } }],
    ["confirm: a 41-char event body", "PUT", "/api/booking/confirm", { body: { holdId: `hd_${"a".repeat(41)}_abcdefghjkmn` } }],
    ["confirm: POST alias, empty body", "POST", "/api/booking/confirm", {}],
    ["hold: malformed id", "GET", "/api/booking/holds/nope", {}],
    ["hold: NUL", "GET", "/api/booking/holds/hd_x_abcdefghjkm%00", {}],
    ["hold: unicode", "GET", "/api/booking/holds/hd_%E2%80%AE_abcdefghjkmn", {}],
    ["hold: unknown event", "GET", "/api/booking/holds/hd_0123456789abcdef_abcdefghjkmn", {}],
    ["hold: a 10 kB id", "DELETE", `/api/booking/holds/hd_${"a".repeat(10_000)}_abcdefghjkmn`, {}],
    ["release: unknown event", "DELETE", "/api/booking/holds/hd_0123456789abcdef_abcdefghjkmn", {}],
    ["webhook: no signature", "POST", "/api/webhooks/stripe", { body: { id: "evt_1" }, auth: false }],
    ["webhook: garbage signature", "POST", "/api/webhooks/stripe", { body: { id: "evt_1" }, headers: { "stripe-signature": "t=1,v1=00" }, auth: false }],
    ["webhook: empty body", "POST", "/api/webhooks/stripe", { body: "", headers: { "stripe-signature": "t=1,v1=00" }, auth: false }],
    ["webhook: invalid JSON", "POST", "/api/webhooks/stripe", { body: "{", headers: { "stripe-signature": "t=1,v1=00" }, auth: false }],
    ["webhook: 9 MiB body", "POST", "/api/webhooks/stripe", { body: `{"x":"${BIG}"}`, headers: { "stripe-signature": "t=1,v1=00" }, auth: false }],
    ["webhook: t=NaN", "POST", "/api/webhooks/stripe", { body: { id: "evt_1" }, headers: { "stripe-signature": "t=abc,v1=zz" }, auth: false }],
    ["webhook: a huge t", "POST", "/api/webhooks/stripe", { body: { id: "evt_1" }, headers: { "stripe-signature": `t=${"9".repeat(400)},v1=zz` }, auth: false }],
    ["dev: NUL intent", "POST", "/api/dev/payments/pi_sim_%00/authorize", { auth: false }],
    ["dev: unknown intent", "POST", "/api/dev/payments/pi_sim_AAAAAAAAAAAAAAAAAAAA/authorize", { auth: false }],
    ["dev: unknown action", "POST", "/api/dev/payments/pi_sim_AAAAAAAAAAAAAAAAAAAA/steal", { auth: false }],
    ["dev: bad deliver", "POST", "/api/dev/payments/pi_sim_AAAAAAAAAAAAAAAAAAAA/authorize?deliver=maybe", { auth: false }],
    ["dev: unknown event", "POST", `/api/dev/payments/events/evt_sim_${"0".repeat(32)}/deliver`, { auth: false }],
    ["dev: malformed event", "POST", "/api/dev/payments/events/evt_%00/deliver", { auth: false }],
    ["dev: events of a malformed intent", "GET", "/api/dev/payments/%F0%9F%8E%AB/events", { auth: false }],
    ["outage: negative", "POST", "/api/dev/payments/outage", { body: { seconds: -1 }, auth: false }],
    ["outage: a string", "POST", "/api/dev/payments/outage", { body: { seconds: "1" }, auth: false }],
    ["outage: too long", "POST", "/api/dev/payments/outage", { body: { seconds: 1e12 }, auth: false }],
    ["outage: an extra field", "POST", "/api/dev/payments/outage", { body: { seconds: 0, scope: "*" }, auth: false }],
    ["outage: NUL event", "POST", "/api/dev/payments/outage", { body: { seconds: 1, eventId: "ev_\u0000" }, auth: false }],
    ["outage: no body", "POST", "/api/dev/payments/outage", { auth: false }],
  ];

  it.each(cases)("%s", async (label, method, path, options) => {
    const token = options.auth === false ? undefined : await fan();
    const response = await call(method, path, { token, body: options.body, headers: options.headers });
    await expect4xx(response, label);
  });

  it("another fan's hold: view, release and confirm are 404 and leave it alone", async () => {
    const event = await smallEvent();
    const owner = await fan();
    const h = await hold(owner, [event.tickets(0)]);
    const thief = await fan();
    for (const [method, path, body] of [
      ["GET", `/api/booking/holds/${h.holdId}`, undefined],
      ["DELETE", `/api/booking/holds/${h.holdId}`, undefined],
      ["PUT", "/api/booking/confirm", { holdId: h.holdId }],
    ] as const) {
      expect((await expect4xx(await call(method, path, { token: thief, body }), `${method} ${path}`)).status).toBe(404);
    }
    expect(await ticketStatus(event.id, 0)).toBe("held");
    expect((await checkout(owner, h.holdId)).holdId).toBe(h.holdId);
  });

  it("no answer of a checkout or webhook carries the webhook secret or the database url", async () => {
    const event = await smallEvent();
    const token = await fan();
    const h = await hold(token, [event.tickets(0)]);
    const confirm = await call("PUT", "/api/booking/confirm", { token, body: { holdId: h.holdId } });
    const text = await confirm.text();
    noSecrets(text, "confirm");
    const { paymentIntentId } = JSON.parse(text) as { paymentIntentId: string };
    const view = await call("GET", `/api/booking/holds/${h.holdId}`, { token });
    const viewText = await view.text();
    noSecrets(viewText, "hold view");
    expect(viewText).not.toContain("secret");
    const paid = await call("POST", `/api/dev/payments/${paymentIntentId}/authorize`);
    noSecrets(await paid.text(), "dev authorize");
  });
});

// ---------------------------------------------------------------------------
describe("promise 4/5: late steps and duplicates never free sold seats; the room follows Postgres", () => {
  it("a stalled webhook of a voided booking, finishing after the seat was re-sold, does not put the sold seat back on sale", async () => {
    const event = await smallEvent();
    const alice = await fan();
    const a = await hold(alice, [event.tickets(0)]);
    const payA = await checkout(alice, a.holdId);
    const authA = await authorizedLater(payA.paymentIntentId);
    const claim = await room(event.id).claim(event.id, a.holdId, payA.paymentIntentId, { amountCents: a.totalCents, currency: "usd" });
    const booking = await withSession(env, (db) =>
      writeBooking(db(), { cause: undefined, eventId: event.id, holdId: a.holdId, userId: claim.kind === "claimed" ? claim.hold.userId : "", seats: [0], amountCents: a.totalCents, currency: "usd", paymentIntentId: payA.paymentIntentId }),
    );
    await act(payA.paymentIntentId, "cancel");
    // Bob buys the seat and his booking is confirmed.
    const bob = await fan();
    const b = await hold(bob, [event.tickets(0)]);
    const payB = await checkout(bob, b.holdId);
    expect((await act(payB.paymentIntentId, "authorize")).delivered[0]?.webhook.state).toEqual(SETTLED_BOOKING);
    // Alice's stalled webhook: its markSold with the old booking, then a retried delivery of her authorization.
    await room(event.id).markSold(event.id, a.holdId, payA.paymentIntentId, { id: booking.id, userId: booking.userId, seats: [0] });
    await redeliver(authA);
    expect(await ticketStatus(event.id, 0)).toBe("sold");
    const carol = await reserve(await fan(), [event.tickets(0)]);
    expect(carol.status).toBe(409);
    await carol.body?.cancel();
    expect((await invariants(event.id, false)).violations).toEqual([]);
  });

  it("a partial refund from the provider's dashboard is recorded on the booking (refunded_cents)", async () => {
    const event = await smallEvent();
    const token = await fan();
    const h = await hold(token, [event.tickets(0), event.tickets(1)]);
    const { paymentIntentId } = await checkout(token, h.holdId);
    await act(paymentIntentId, "authorize");
    await query("update simulated_payment_intents set amount_refunded = 5000 where id = $1", [paymentIntentId]);
    const answer = await json<{ state: unknown }>(
      await deliver(paymentEvent("charge.refunded", { object: "charge", id: "ch_partial", payment_intent: paymentIntentId, amount: 10_000, amount_refunded: 5000 })),
      200,
    );
    expect(answer.state).toEqual({ ...SETTLED_BOOKING, refund: "recorded" });
    const [row] = await query<{ status: string; refunded_cents: number }>("select status, refunded_cents from bookings where payment_intent_id = $1", [paymentIntentId]);
    expect(row).toMatchObject({ status: "confirmed", refunded_cents: 5000 });
  });

  it("a seat the room lost is sold again by the reconciler before anyone can book it twice", async () => {
    const event = await smallEvent();
    const token = await fan();
    const h = await hold(token, [event.tickets(0)]);
    await act((await checkout(token, h.holdId)).paymentIntentId, "authorize");
    const { runInDurableObject } = await import("cloudflare:test");
    await runInDurableObject(room(event.id), (_i, state) => {
      state.storage.sql.exec("DELETE FROM sold WHERE seat_index = 0");
    });
    await evictRooms();
    // The seat looks free: a second fan holds and pays for it.
    const other = await fan();
    const o = await hold(other, [event.tickets(0)]);
    const paid = await act((await checkout(other, o.holdId)).paymentIntentId, "authorize");
    expect(paid.delivered[0]?.webhook.state).toEqual(NOTHING_SOLD);
    expect(await liveBookings(event.id)).toHaveLength(1);
    await travel(event.id, MINUTE);
    await runAlarm(event.id);
    expect(await ticketStatus(event.id, 0)).toBe("sold");
    expect((await invariants(event.id)).violations).toEqual([]);
  });
});

// ---------------------------------------------------------------------------
describe("outages answer 503, never 500, and lose nothing", () => {
  it("confirm and the webhook during a provider outage are 503 problem+json; afterwards the payment books", async () => {
    const { event, token, hold: h, paymentIntentId } = await atCheckout([0]);
    const authorization = await authorizedLater(paymentIntentId);
    await providerOutage(event.id, 600);
    try {
      const again = await call("PUT", "/api/booking/confirm", { token, body: { holdId: h.holdId } });
      expect(again.status).toBe(503);
      expect(again.headers.get("content-type")).toBe("application/problem+json");
      await again.body?.cancel();
      const delivery = await redeliver(authorization);
      expect(delivery.webhookStatus).toBe(503);
      const release = await call("DELETE", `/api/booking/holds/${h.holdId}`, { token: await fan() });
      expect(release.status).toBe(404);
      await release.body?.cancel();
    } finally {
      await providerOutage(event.id, 0);
    }
    expect((await redeliver(authorization)).webhook.state).toEqual(SETTLED_BOOKING);
  });

  it("a first confirm during an outage, then one after it, creates one payment and keeps the grace once", async () => {
    const event = await smallEvent();
    const token = await fan();
    const h = await hold(token, [event.tickets(0)]);
    await providerOutage(event.id, 600);
    try {
      const first = await call("PUT", "/api/booking/confirm", { token, body: { holdId: h.holdId } });
      expect(first.status).toBe(503);
      await first.body?.cancel();
    } finally {
      await providerOutage(event.id, 0);
    }
    const paid = await checkout(token, h.holdId);
    expect(Date.parse(paid.expiresAt) - Date.parse(h.expiresAt)).toBe(120_000);
    expect((await act(paid.paymentIntentId, "authorize")).delivered[0]?.webhook.state).toEqual(SETTLED_BOOKING);
  });
});
