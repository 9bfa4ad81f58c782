import { createExecutionContext, runInDurableObject, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { app } from "../../workers/api/app";
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
  liveBookings,
  NOTHING_SOLD,
  pay,
  paymentEvent,
  query,
  redeliver,
  reserve,
  room,
  SETTLED_BOOKING,
  smallEvent,
  ticketStatus,
  travel,
  type WebhookAnswer,
} from "../booking-helpers";

const AUTHORIZED = "payment_intent.amount_capturable_updated";
const DAY = 86_400_000;

interface BookingBody {
  id: string;
  status: string;
  amountCents: number;
  refundedCents: number;
  holdId: string;
  tickets: { id: string; priceCents: number }[];
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
    expect(body).toMatchObject({ state: "expired" });
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
    expect(delivery.webhook).toMatchObject({ outcome: "settled", state: SETTLED_BOOKING, steps: ["claimOrCancel", "bookOrCancel", "markSold", "capture", "confirmBooking"] });

    const booking = await bookingOf(token, h.holdId);
    expect(booking).toMatchObject({ status: "confirmed", amountCents: 10_000, refundedCents: 0 });
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
    const { event, paymentIntentId } = await atCheckout([0]);
    const failed = await act(paymentIntentId, "fail");
    expect(failed.delivered[0]?.webhook).toMatchObject({ outcome: "pending", state: { payment: "pending", booking: "none", hold: "open" } });
    expect(await ticketStatus(event.id, 0)).toBe("held");
    expect((await pay(paymentIntentId)).webhook.state).toEqual(SETTLED_BOOKING);
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
    const { event, paymentIntentId } = await atCheckout([5]);
    await evictRooms();
    expect(await ticketStatus(event.id, 5)).toBe("held");
    expect((await pay(paymentIntentId)).webhook.state).toEqual(SETTLED_BOOKING);
    await evictRooms();
    expect(await ticketStatus(event.id, 5)).toBe("sold");
    await problem(await reserve(await fan(), [event.tickets(5)]), 409);
  });

  it("a room whose storage is lost rebuilds the sold seats from Postgres", async () => {
    const { event, paymentIntentId } = await atCheckout([6]);
    await pay(paymentIntentId);
    await runInDurableObject(room(event.id), async (_instance, state) => {
      await state.storage.deleteAll();
    });
    await evictRooms();
    await problem(await reserve(await fan(), [event.tickets(6)]), 409);
  });
});

describe("webhooks", () => {
  it("answers 400 to a bad signature and changes nothing", async () => {
    const { event, paymentIntentId } = await atCheckout([0]);
    await act(paymentIntentId, "authorize", "later");
    const stripeEvent = paymentEvent(AUTHORIZED, await intentObject(paymentIntentId));
    const forged = `t=${Math.floor(Date.now() / 1000)},v1=${"0".repeat(64)}`;
    await problem(await deliver(stripeEvent, forged), 400);
    await problem(await call("POST", "/api/webhooks/stripe", { body: JSON.stringify(stripeEvent) }), 400);
    expect(await liveBookings(event.id)).toEqual([]);
  });

  it("answers 400 to a signature dated more than five minutes ahead, and to one older than five minutes", async () => {
    const { paymentIntentId } = await atCheckout([1]);
    const stripeEvent = paymentEvent("payment_intent.processing", await intentObject(paymentIntentId));
    const payload = JSON.stringify(stripeEvent);
    const sign = (offsetSeconds: number) => signEvent(env, payload, Math.floor(Date.now() / 1000) + offsetSeconds);
    const ahead = await problem(await deliver(stripeEvent, await sign(3600)), 400);
    expect(ahead.detail).toContain("future");
    await problem(await deliver(stripeEvent, await sign(-3600)), 400);
    expect((await deliver(stripeEvent, await sign(60))).status).toBe(200);
  });

  it("a duplicate delivery books once", async () => {
    const { event, hold: h, paymentIntentId } = await atCheckout([0]);
    const stripeEventId = await authorizedLater(paymentIntentId);
    const [a, b] = await Promise.all([redeliver(stripeEventId), redeliver(stripeEventId)]);
    expect([a.webhookStatus, b.webhookStatus]).toEqual([200, 200]);
    const again = await redeliver(stripeEventId);
    expect(again.webhook).toMatchObject({ outcome: "settled", steps: [], state: SETTLED_BOOKING });
    expect((await liveBookings(event.id)).map((r) => r.seat_index)).toEqual([0]);
    expect((await query("select count(*)::int as n from bookings where hold_id = $1", [h.holdId]))[0]).toEqual({ n: 1 });
    expect(await intentRow(paymentIntentId)).toMatchObject({ status: "succeeded" });
  });

  it("an authorization arriving after the hold expired and its seats were taken is cancelled: no charge", async () => {
    const { event, paymentIntentId } = await atCheckout([0]);
    const stripeEventId = await authorizedLater(paymentIntentId);
    await travel(event.id, 13 * 60_000);
    await hold(await fan(), [event.tickets(0)]);
    expect((await redeliver(stripeEventId)).webhook.state).toEqual(NOTHING_SOLD);
    expect(await intentRow(paymentIntentId)).toMatchObject({ status: "canceled", amount_received: 0 });
    expect(await liveBookings(event.id)).toEqual([]);
    expect(await ticketStatus(event.id, 0)).toBe("held");
  });

  it("an authorization arriving days late books the seats if they are still free", async () => {
    const { event, paymentIntentId } = await atCheckout([1]);
    const stripeEventId = await authorizedLater(paymentIntentId);
    await travel(event.id, 2 * DAY);
    const late = await redeliver(stripeEventId);
    expect(late.webhook.state).toEqual(SETTLED_BOOKING);
    expect(late.webhook.steps?.[0]).toBe("claimOrCancel");
    expect((await liveBookings(event.id)).map((r) => r.seat_index)).toEqual([1]);
    expect(await ticketStatus(event.id, 1)).toBe("sold");
  });

  it("an authorization for a hold the fan released is cancelled", async () => {
    const { event, token, hold: h, paymentIntentId } = await atCheckout([2]);
    const stripeEventId = await authorizedLater(paymentIntentId);
    expect((await call("DELETE", `/api/booking/holds/${h.holdId}`, { token })).status).toBe(204);
    expect((await redeliver(stripeEventId)).webhook.state).toEqual(NOTHING_SOLD);
    expect(await intentRow(paymentIntentId)).toMatchObject({ status: "canceled" });
    expect(await liveBookings(event.id)).toEqual([]);
  });

  it("a stale authorization event for a payment cancelled meanwhile books nothing", async () => {
    const { event, paymentIntentId } = await atCheckout([3]);
    const stale = await authorizedLater(paymentIntentId);
    const cancelled = await act(paymentIntentId, "cancel");
    expect(cancelled.delivered[0]?.webhook).toMatchObject({ steps: ["releaseHold"], state: NOTHING_SOLD });
    expect((await redeliver(stale)).webhook).toMatchObject({ steps: [], state: NOTHING_SOLD });
    expect(await liveBookings(event.id)).toEqual([]);
    expect(await ticketStatus(event.id, 3)).toBe("available");
  });

  it("money captured out of band for a hold that lapsed and was taken is refunded", async () => {
    const { event, paymentIntentId } = await atCheckout([4]);
    await act(paymentIntentId, "authorize", "later");
    const captured = await act(paymentIntentId, "capture", "later");
    await travel(event.id, 13 * 60_000);
    await hold(await fan(), [event.tickets(4)]);
    const succeeded = captured.events.find((e) => e.type === "payment_intent.succeeded");
    const answer = await redeliver(succeeded?.stripeEventId ?? "");
    expect(answer.webhook).toMatchObject({ steps: ["refundPayment"], state: { payment: "refunded", booking: "none", hold: "ended" } });
    expect(await intentRow(paymentIntentId)).toMatchObject({ amount_refunded: 5000 });
    expect(await liveBookings(event.id)).toEqual([]);
  });

  it("money captured out of band while the fan is still paying is refunded, and the hold's seats go back on sale", async () => {
    const { event, paymentIntentId } = await atCheckout([5]);
    await act(paymentIntentId, "authorize", "later");
    const captured = await act(paymentIntentId, "capture", "later");
    const succeeded = captured.events.find((e) => e.type === "payment_intent.succeeded");
    const answer = await redeliver(succeeded?.stripeEventId ?? "");
    expect(answer.webhook).toMatchObject({ steps: ["refundPayment", "releaseHold"], state: { payment: "refunded", booking: "none", hold: "ended" } });
    expect(await ticketStatus(event.id, 5)).toBe("available");
    expect(await liveBookings(event.id)).toEqual([]);
  });

  it("with Postgres down it answers non-2xx so Stripe retries, writes nothing, and the retry books", async () => {
    const { event, paymentIntentId } = await atCheckout([7]);
    await act(paymentIntentId, "authorize", "later");
    const stripeEvent = paymentEvent(AUTHORIZED, await intentObject(paymentIntentId));
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
    expect(down.status).toBe(503);
    expect(await query("select * from payment_events where id = $1", [stripeEvent.id])).toEqual([]);
    expect(await liveBookings(event.id)).toEqual([]);
    expect(await intentRow(paymentIntentId)).toMatchObject({ status: "requires_capture" });

    expect((await json<WebhookAnswer>(await deliver(stripeEvent), 200)).state).toEqual(SETTLED_BOOKING);
    expect((await liveBookings(event.id)).map((r) => r.seat_index)).toEqual([7]);
  });

  it("ignores events for payments that are not ours, but records them", async () => {
    const stranger = paymentEvent("payment_intent.succeeded", { id: "pi_elsewhere", object: "payment_intent", metadata: {} });
    expect(await json<WebhookAnswer>(await deliver(stranger), 200)).toMatchObject({ outcome: "ignored", ignored: true });
    expect(await query("select type from payment_events where id = $1", [stranger.id])).toEqual([{ type: "payment_intent.succeeded" }]);
  });

  it("answers a validly signed event for an unknown payment intent with 200 { ignored: true }, not a 5xx Stripe would retry for days", async () => {
    const unknown = paymentEvent(AUTHORIZED, {
      id: "pi_sim_AAAAAAAAAAAAAAAAAAAA",
      object: "payment_intent",
      status: "requires_capture",
      metadata: { eventId: "ev_0000000000000000", holdId: "hd_0000000000000000_aaaaaaaaaaaa" },
    });
    const answer = await json<WebhookAnswer>(await deliver(unknown), 200);
    expect(answer).toMatchObject({ outcome: "ignored", ignored: true });
  });
});
