import { abortAllDurableObjects, createExecutionContext, runDurableObjectAlarm, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../workers/api/app";
import { signEvent } from "../../workers/api/payments/webhook-events";
import { call, json, problem } from "../helpers";
import {
  checkout,
  deliver,
  fan,
  hold,
  intentObject,
  intentRow,
  liveBookings,
  pay,
  paymentEvent,
  query,
  reserve,
  room,
  smallEvent,
  ticketStatus,
  travel,
} from "../booking-helpers";

const AUTHORIZED = "payment_intent.amount_capturable_updated";
const DAY = 86_400_000;

interface BookingBody {
  id: string;
  status: string;
  amountCents: number;
  holdId: string;
  tickets: { id: string; priceCents: number }[];
}

/** Authorizes the simulated card without delivering the event, and returns the event Stripe would send. */
async function authorizedEvent(paymentIntentId: string): Promise<Record<string, unknown>> {
  await query("update simulated_payment_intents set status = 'requires_capture', amount_capturable = amount where id = $1", [paymentIntentId]);
  return paymentEvent(AUTHORIZED, await intentObject(paymentIntentId));
}

async function bookingOf(token: string, holdId: string): Promise<BookingBody | undefined> {
  const { bookings } = await json<{ bookings: BookingBody[] }>(await call("GET", "/api/me/bookings", { token }), 200);
  return bookings.find((b) => b.holdId === holdId);
}

describe("checkout", () => {
  it("creates one payment intent per hold, authorize-only, for the hold's total", async () => {
    const event = await smallEvent();
    const token = await fan();
    const h = await hold(token, [event.tickets(0), event.tickets(8)]);
    const first = await checkout(token, h.holdId);
    expect(first).toMatchObject({ holdId: h.holdId, amountCents: 8000, currency: "usd", provider: "simulated" });
    expect(first.clientSecret).toContain(first.paymentIntentId);
    const again = await json<{ paymentIntentId: string }>(await call("POST", "/api/booking/confirm", { token, body: { holdId: h.holdId } }), 200);
    expect(again.paymentIntentId).toBe(first.paymentIntentId);
    const intent = await intentRow(first.paymentIntentId);
    expect(intent).toMatchObject({ amount: 8000, status: "requires_payment_method", metadata: { eventId: event.id, holdId: h.holdId } });
  });

  it("extends the hold once by the grace when checkout starts", async () => {
    const event = await smallEvent();
    const token = await fan();
    const h = await hold(token, [event.tickets(0)]);
    const first = await checkout(token, h.holdId);
    expect(Date.parse(first.expiresAt) - Date.parse(h.expiresAt)).toBe(120_000);
    const second = await checkout(token, h.holdId);
    expect(second.expiresAt).toBe(first.expiresAt);
  });

  it("refuses checkout of an expired hold, and of someone else's", async () => {
    const event = await smallEvent();
    const token = await fan();
    const h = await hold(token, [event.tickets(0)]);
    await problem(await call("PUT", "/api/booking/confirm", { token: await fan(), body: { holdId: h.holdId } }), 404);
    await travel(event.id, 11 * 60_000);
    const body = await problem(await call("PUT", "/api/booking/confirm", { token, body: { holdId: h.holdId } }), 409);
    expect(body.detail).toContain("expired");
  });

  it.each([
    ["no hold id", {}],
    ["a malformed hold id", { holdId: "nope" }],
    ["an extra field", { holdId: "hd_abc_abcdefghjkmn", amount: 1 }],
  ])("answers 400 for %s", async (_name, body) => {
    await problem(await call("PUT", "/api/booking/confirm", { token: await fan(), body }), 400);
  });
});

describe("payment", () => {
  it("books the seats, captures the payment and shows the booking to its owner only", async () => {
    const event = await smallEvent();
    const token = await fan("alice");
    const h = await hold(token, [event.tickets(2), event.tickets(3)]);
    const { paymentIntentId } = await checkout(token, h.holdId);
    const delivery = await pay(paymentIntentId);
    expect(delivery.webhookStatus).toBe(200);
    expect(delivery.webhook.outcome).toBe("booked");

    const booking = await bookingOf(token, h.holdId);
    expect(booking).toMatchObject({ status: "confirmed", amountCents: 10_000 });
    expect(booking?.tickets.map((t) => t.id)).toEqual([event.tickets(2), event.tickets(3)]);
    const one = await json<BookingBody>(await call("GET", `/api/bookings/${booking?.id}`, { token }), 200);
    expect(one.id).toBe(booking?.id);
    await problem(await call("GET", `/api/bookings/${booking?.id}`, { token: await fan() }), 404);

    expect(await intentRow(paymentIntentId)).toMatchObject({ status: "succeeded", amount_received: 10_000 });
    expect(await ticketStatus(event.id, 2)).toBe("sold");
    const detail = await json<{ availability: { sold: number; held: number } }>(await call("GET", `/api/events/${event.id}`), 200);
    expect(detail.availability).toMatchObject({ sold: 2, held: 0 });
    const hv = await json<{ state: string; bookingId: string }>(await call("GET", `/api/booking/holds/${h.holdId}`, { token }), 200);
    expect(hv).toMatchObject({ state: "booked", bookingId: booking?.id });
    await problem(await reserve(await fan(), [event.tickets(2)]), 409);
  });

  it("a declined card leaves the hold in checkout, and the fan can pay again", async () => {
    const event = await smallEvent();
    const token = await fan();
    const h = await hold(token, [event.tickets(0)]);
    const { paymentIntentId } = await checkout(token, h.holdId);
    const failed = await json<{ webhookStatus: number }>(await call("POST", `/api/dev/payments/${paymentIntentId}/fail`), 200);
    expect(failed.webhookStatus).toBe(200);
    expect(await ticketStatus(event.id, 0)).toBe("held");
    expect((await pay(paymentIntentId)).webhook.outcome).toBe("booked");
  });

  it("counts booked tickets against the per-fan limit", async () => {
    const event = await smallEvent({ perUserLimit: 2 });
    const token = await fan();
    const h = await hold(token, [event.tickets(0), event.tickets(1)]);
    await pay((await checkout(token, h.holdId)).paymentIntentId);
    const body = await problem(await reserve(token, [event.tickets(2)]), 400);
    expect(body.detail).toContain("booked 2");
  });

  it("survives the room being evicted mid-checkout", async () => {
    const event = await smallEvent();
    const token = await fan();
    const h = await hold(token, [event.tickets(5)]);
    const { paymentIntentId } = await checkout(token, h.holdId);
    await abortAllDurableObjects();
    expect(await ticketStatus(event.id, 5)).toBe("held");
    expect((await pay(paymentIntentId)).webhook.outcome).toBe("booked");
    await abortAllDurableObjects();
    expect(await ticketStatus(event.id, 5)).toBe("sold");
    await problem(await reserve(await fan(), [event.tickets(5)]), 409);
  });

  it("a room whose storage is lost rebuilds the sold seats from Postgres", async () => {
    const event = await smallEvent();
    const token = await fan();
    const h = await hold(token, [event.tickets(6)]);
    await pay((await checkout(token, h.holdId)).paymentIntentId);
    await runInDurableObject(room(event.id), async (_instance, state) => {
      await state.storage.deleteAll();
    });
    await abortAllDurableObjects();
    await problem(await reserve(await fan(), [event.tickets(6)]), 409);
  });
});

describe("a hold left in booking (the webhook died between steps)", () => {
  it("stays out of reach, then the alarm books it if Postgres has the booking", async () => {
    const event = await smallEvent();
    const token = await fan();
    const h = await hold(token, [event.tickets(9)]);
    const { paymentIntentId } = await checkout(token, h.holdId);
    const plan = await room(event.id).beginBooking(event.id, h.holdId, paymentIntentId);
    expect(plan.kind).toBe("book");
    await travel(event.id, 20 * 60_000);
    await problem(await reserve(await fan(), [event.tickets(9)]), 409);
    // Postgres got the booking before the webhook died.
    const userId = plan.kind === "book" ? plan.hold.userId : "";
    await query("insert into bookings (id, event_id, user_id, hold_id, payment_intent_id, status, amount_cents, currency) values ('bk_stuck000000000001', $1, $2, $3, $4, 'authorized', 3000, 'usd')", [event.id, userId, h.holdId, paymentIntentId]);
    await query("insert into booked_tickets (booking_id, event_id, seat_index, price_cents) values ('bk_stuck000000000001', $1, 9, 3000)", [event.id]);
    await runDurableObjectAlarm(room(event.id));
    expect(await ticketStatus(event.id, 9)).toBe("sold");
  });

  it("is ended by the alarm when Postgres has no booking for it", async () => {
    const event = await smallEvent();
    const token = await fan();
    const h = await hold(token, [event.tickets(10)]);
    const { paymentIntentId } = await checkout(token, h.holdId);
    await room(event.id).beginBooking(event.id, h.holdId, paymentIntentId);
    await travel(event.id, 20 * 60_000);
    await runDurableObjectAlarm(room(event.id));
    expect(await ticketStatus(event.id, 10)).toBe("available");
  });
});

describe("webhooks", () => {
  it("answers 400 to a bad signature and changes nothing", async () => {
    const event = await smallEvent();
    const token = await fan();
    const h = await hold(token, [event.tickets(0)]);
    const { paymentIntentId } = await checkout(token, h.holdId);
    const stripeEvent = await authorizedEvent(paymentIntentId);
    const forged = `t=${Math.floor(Date.now() / 1000)},v1=${"0".repeat(64)}`;
    await problem(await deliver(stripeEvent, forged), 400);
    await problem(await call("POST", "/api/webhooks/stripe", { body: JSON.stringify(stripeEvent) }), 400);
    expect(await liveBookings(event.id)).toEqual([]);
  });

  it("a duplicate delivery books once", async () => {
    const event = await smallEvent();
    const token = await fan();
    const h = await hold(token, [event.tickets(0)]);
    const { paymentIntentId } = await checkout(token, h.holdId);
    const stripeEvent = await authorizedEvent(paymentIntentId);
    const [a, b] = await Promise.all([deliver(stripeEvent), deliver(stripeEvent)]);
    expect([a.status, b.status]).toEqual([200, 200]);
    const again = await json<{ outcome: string }>(await deliver(stripeEvent), 200);
    expect(again.outcome).toBe("confirmed");
    expect((await liveBookings(event.id)).map((r) => r.seat_index)).toEqual([0]);
    expect((await query("select count(*)::int as n from bookings where hold_id = $1", [h.holdId]))[0]).toEqual({ n: 1 });
    expect(await intentRow(paymentIntentId)).toMatchObject({ status: "succeeded" });
  });

  it("an authorization arriving after the hold expired and its seats were taken is cancelled: no charge", async () => {
    const event = await smallEvent();
    const [slow, quick] = [await fan(), await fan()];
    const h = await hold(slow, [event.tickets(0)]);
    const { paymentIntentId } = await checkout(slow, h.holdId);
    await travel(event.id, 13 * 60_000);
    await hold(quick, [event.tickets(0)]);
    const outcome = await json<{ outcome: string }>(await deliver(await authorizedEvent(paymentIntentId)), 200);
    expect(outcome.outcome).toBe("cancelled");
    expect(await intentRow(paymentIntentId)).toMatchObject({ status: "canceled", amount_received: 0 });
    expect(await liveBookings(event.id)).toEqual([]);
    expect(await ticketStatus(event.id, 0)).toBe("held");
  });

  it("an authorization arriving days late books the seats if they are still free", async () => {
    const event = await smallEvent();
    const token = await fan();
    const h = await hold(token, [event.tickets(1)]);
    const { paymentIntentId } = await checkout(token, h.holdId);
    await travel(event.id, 2 * DAY);
    const outcome = await json<{ outcome: string }>(await deliver(await authorizedEvent(paymentIntentId)), 200);
    expect(outcome.outcome).toBe("booked");
    expect((await liveBookings(event.id)).map((r) => r.seat_index)).toEqual([1]);
    expect(await ticketStatus(event.id, 1)).toBe("sold");
  });

  it("an authorization for a hold the fan released is cancelled", async () => {
    const event = await smallEvent();
    const token = await fan();
    const h = await hold(token, [event.tickets(2)]);
    const { paymentIntentId } = await checkout(token, h.holdId);
    const stripeEvent = await authorizedEvent(paymentIntentId);
    await call("DELETE", `/api/booking/holds/${h.holdId}`, { token });
    const outcome = await json<{ outcome: string }>(await deliver(stripeEvent), 200);
    expect(["cancelled", "reconciled"]).toContain(outcome.outcome);
    expect(await intentRow(paymentIntentId)).toMatchObject({ status: "canceled" });
    expect(await liveBookings(event.id)).toEqual([]);
  });

  it("a stale authorization event for a payment cancelled meanwhile books nothing", async () => {
    const event = await smallEvent();
    const token = await fan();
    const h = await hold(token, [event.tickets(3)]);
    const { paymentIntentId } = await checkout(token, h.holdId);
    const stale = await authorizedEvent(paymentIntentId);
    await query("update simulated_payment_intents set status = 'canceled', amount_capturable = 0 where id = $1", [paymentIntentId]);
    const cancelled = paymentEvent("payment_intent.canceled", await intentObject(paymentIntentId));
    expect((await json<{ outcome: string }>(await deliver(cancelled), 200)).outcome).toBe("released");
    await json(await deliver(stale), 200);
    expect(await liveBookings(event.id)).toEqual([]);
    expect(await ticketStatus(event.id, 3)).toBe("available");
  });

  it("a captured payment that is no booking is refunded", async () => {
    const event = await smallEvent();
    const token = await fan();
    const h = await hold(token, [event.tickets(4)]);
    const { paymentIntentId } = await checkout(token, h.holdId);
    await query("update simulated_payment_intents set status = 'succeeded', amount_received = amount where id = $1", [paymentIntentId]);
    const captured = paymentEvent("payment_intent.succeeded", await intentObject(paymentIntentId));
    expect((await json<{ outcome: string }>(await deliver(captured), 200)).outcome).toBe("refunded");
    expect(await intentRow(paymentIntentId)).toMatchObject({ amount_refunded: 5000 });
  });

  it("with Postgres down it answers non-2xx so Stripe retries, writes nothing, and the retry books", async () => {
    const event = await smallEvent();
    const token = await fan();
    const h = await hold(token, [event.tickets(7)]);
    const { paymentIntentId } = await checkout(token, h.holdId);
    const stripeEvent = await authorizedEvent(paymentIntentId);
    const payload = JSON.stringify(stripeEvent);
    const ctx = createExecutionContext();
    const down = await app.fetch(
      new Request("http://tickets.test/api/webhooks/stripe", {
        method: "POST",
        headers: { "content-type": "application/json", "stripe-signature": await signEvent(env, payload) },
        body: payload,
      }),
      { ...env, DATABASE_URL: "postgres://postgres@127.0.0.1:1/none" },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(down.status).toBeGreaterThanOrEqual(500);
    expect(await query("select * from payment_events where id = $1", [stripeEvent.id])).toEqual([]);
    expect(await liveBookings(event.id)).toEqual([]);
    expect(await intentRow(paymentIntentId)).toMatchObject({ status: "requires_capture" });

    expect((await json<{ outcome: string }>(await deliver(stripeEvent), 200)).outcome).toBe("booked");
    expect((await liveBookings(event.id)).map((r) => r.seat_index)).toEqual([7]);
  });

  it("ignores events for payments that are not ours, but records them", async () => {
    const stranger = paymentEvent("payment_intent.succeeded", { id: "pi_elsewhere", object: "payment_intent", metadata: {} });
    expect((await json<{ outcome: string }>(await deliver(stranger), 200)).outcome).toBe("ignored");
    expect(await query("select type from payment_events where id = $1", [stranger.id])).toEqual([{ type: "payment_intent.succeeded" }]);
  });
});
