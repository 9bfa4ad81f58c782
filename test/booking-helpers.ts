/**
 * Helpers for booking suites: holds, checkout, signed webhook deliveries,
 * the room's clock, and direct reads of Postgres for assertions.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { createPool } from "../src/shared/neon";
import { signEvent } from "../workers/api/payments/webhook-events";
import { call, json, makeEvent, organizerToken, tokenFor, word, type EventOptions } from "./helpers";

export interface HoldBody {
  holdId: string;
  eventId: string;
  ticketIds: string[];
  expiresAt: string;
  totalCents: number;
  currency: string;
}

export interface ConfirmBody {
  holdId: string;
  paymentIntentId: string;
  clientSecret: string;
  amountCents: number;
  currency: string;
  provider: string;
  expiresAt: string;
}

export const fan = (name = `fan-${word(6)}`) => tokenFor(name, ["fan"]);

/** A small event (8 seats in Stalls at 50.00, 5 GA places on the Floor at 30.00). */
export async function smallEvent(options: EventOptions = {}): Promise<{ id: string; ticketCount: number; tickets: (i: number) => string; organizer: string }> {
  const organizer = await organizerToken();
  const event = await makeEvent(organizer, options);
  return { ...event, organizer, tickets: (i: number) => `${event.id}.${i}` };
}

/** A fan at checkout: a small event, their hold of `seats` and its payment intent. */
export async function atCheckout(seats: number[] = [0], options: EventOptions = {}) {
  const event = await smallEvent(options);
  const token = await fan();
  const h = await hold(token, seats.map((s) => event.tickets(s)));
  const { paymentIntentId } = await checkout(token, h.holdId);
  return { event, token, hold: h, paymentIntentId };
}

/** A fan's confirmed booking of `seats` of a small event (paid through the simulated provider). */
export async function bookedEvent(seats: number[] = [0], options: EventOptions = {}) {
  const at = await atCheckout(seats, options);
  await pay(at.paymentIntentId);
  const view = await json<{ state: string; bookingId?: string }>(await call("GET", `/api/booking/holds/${at.hold.holdId}`, { token: at.token }), 200);
  expect(view.state).toBe("booked");
  return { ...at, bookingId: view.bookingId ?? "" };
}

/** The facts a webhook answers with: booked and paid, or nothing sold and nobody charged. */
export const SETTLED_BOOKING = { payment: "captured", booking: "confirmed", hold: "booked", refund: "none" };
export const NOTHING_SOLD = { payment: "cancelled", booking: "none", hold: "ended", refund: "none" };

export function reserve(token: string, ticketIds: string[], headers: Record<string, string> = {}): Promise<Response> {
  return call("POST", "/api/booking/reserve", { token, body: { ticketIds }, headers });
}

export async function hold(token: string, ticketIds: string[]): Promise<HoldBody> {
  return json<HoldBody>(await reserve(token, ticketIds), 201);
}

export async function checkout(token: string, holdId: string): Promise<ConfirmBody> {
  return json<ConfirmBody>(await call("PUT", "/api/booking/confirm", { token, body: { holdId } }), 200);
}

export interface WebhookAnswer {
  outcome: string;
  ignored?: true;
  steps?: string[];
  state?: { payment: string; booking: string; hold: string };
}

export interface Delivery {
  stripeEventId: string;
  type: string;
  webhookStatus: number;
  webhook: WebhookAnswer;
}

export interface PaymentAction {
  paymentIntentId: string;
  status: string;
  events: { stripeEventId: string; type: string }[];
  delivered: Delivery[];
}

/** The simulated card network acts (authorize, fail, capture, cancel); its events are delivered now or kept for later. */
export async function act(paymentIntentId: string, action: "authorize" | "fail" | "capture" | "cancel" | "refund", deliver: "now" | "later" = "now"): Promise<PaymentAction> {
  return json(await call("POST", `/api/dev/payments/${paymentIntentId}/${action}?deliver=${deliver}`), 200);
}

/** The simulated card is authorized and the event goes through the webhook; returns that first delivery. */
export async function pay(paymentIntentId: string): Promise<Delivery> {
  const result = await act(paymentIntentId, "authorize");
  const first = result.delivered[0];
  expect(first, "the authorization was delivered").toBeDefined();
  return first as Delivery;
}

/** The card is authorized, and the event Stripe would send is kept for the test to deliver. */
export async function authorizedLater(paymentIntentId: string): Promise<string> {
  const { events } = await act(paymentIntentId, "authorize", "later");
  const [event] = events;
  expect(event?.type).toBe("payment_intent.amount_capturable_updated");
  return event?.stripeEventId ?? "";
}

/** Claims the hold's seats as a webhook would just before writing the booking, and stalls there. */
export async function stalledClaim(eventId: string, holdId: string, paymentIntentId: string, amountCents: number) {
  const claim = await room(eventId).claim(eventId, holdId, paymentIntentId, { amountCents, currency: "usd" });
  expect(claim.kind).toBe("claimed");
  return claim;
}

/** Delivers an outbox event (again) to the webhook. */
export async function redeliver(stripeEventId: string): Promise<Delivery> {
  return json(await call("POST", `/api/dev/payments/events/${stripeEventId}/deliver`), 200);
}

/** The events the simulated provider would have sent for a payment, oldest first. */
export async function outbox(paymentIntentId: string): Promise<{ stripeEventId: string; type: string; deliveries: number }[]> {
  return (await json<{ events: { stripeEventId: string; type: string; deliveries: number }[] }>(await call("GET", `/api/dev/payments/${paymentIntentId}/events`), 200)).events;
}

/** The simulated provider fails every call about the event's payments for `seconds` (0 ends it). */
export async function providerOutage(eventId: string, seconds: number): Promise<void> {
  await json(await call("POST", "/api/dev/payments/outage", { body: { seconds, eventId } }), 200);
}

export interface InvariantReport {
  checked: string[];
  violations: { eventId: string; invariant: string; detail: string }[];
}

/** The invariant checker over one event (settled: nothing may be in flight). */
export async function invariants(eventId: string, settled = true): Promise<InvariantReport> {
  return json(await call("GET", `/api/dev/invariants?eventId=${eventId}&settled=${settled ? 1 : 0}`), 200);
}

/** Delivers a Stripe event, signed like Stripe signs it, to the webhook endpoint. */
export async function deliver(event: Record<string, unknown>, signature?: string): Promise<Response> {
  const payload = JSON.stringify(event);
  return call("POST", "/api/webhooks/stripe", {
    body: payload,
    headers: { "stripe-signature": signature ?? (await signEvent(env, payload)) },
  });
}

export function paymentEvent(type: string, intent: Record<string, unknown>, id = `evt_test_${word(16)}`): Record<string, unknown> {
  return { id, object: "event", api_version: "2025-01-27.acacia", created: Math.floor(Date.now() / 1000), livemode: false, type, data: { object: intent } };
}

export function room(eventId: string) {
  return env.SEAT_ROOM.getByName(eventId);
}

/**
 * Runs the room's alarm handler now and waits for it, whether or not an
 * alarm is armed (the handler is idempotent; an automatic run may overlap).
 */
export async function runAlarm(eventId: string): Promise<void> {
  await runInDurableObject(room(eventId), (instance) => instance.alarm());
}

/** Moves the event's room clock forward by `ms` (cumulative). */
export async function travel(eventId: string, ms: number): Promise<void> {
  await runInDurableObject(room(eventId), (instance) => {
    const before = instance.now;
    instance.now = () => before() + ms;
  });
}

/** A query straight to the test database, for assertions. */
export async function query<T extends Record<string, unknown>>(text: string, params: unknown[] = []): Promise<T[]> {
  const pool = createPool(env.DATABASE_URL, { localProxy: env.NEON_LOCAL_PROXY });
  try {
    return (await pool.query<T>(text, params)).rows;
  } finally {
    await pool.end();
  }
}

export async function intentRow(id: string) {
  const [row] = await query<{ status: string; amount_received: number; amount_refunded: number; amount_capturable: number; metadata: Record<string, string>; amount: number; currency: string; client_secret: string }>(
    "select * from simulated_payment_intents where id = $1",
    [id],
  );
  expect(row, `payment intent ${id}`).toBeDefined();
  return row as NonNullable<typeof row>;
}

/** The intent as Stripe puts it in an event, from the simulated provider's table. */
export async function intentObject(id: string, change: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const row = await intentRow(id);
  return {
    id,
    object: "payment_intent",
    amount: row.amount,
    amount_capturable: row.amount_capturable,
    amount_received: row.amount_received,
    currency: row.currency,
    metadata: row.metadata,
    status: row.status,
    capture_method: "manual",
    ...change,
  };
}

export async function liveBookings(eventId: string): Promise<{ booking_id: string; seat_index: number }[]> {
  return query("select booking_id, seat_index from booked_tickets where event_id = $1 and not released order by seat_index", [eventId]);
}

export async function ticketStatus(eventId: string, seat: number): Promise<string> {
  const cursor = seat > 0 ? `&cursor=${seat - 1}` : "";
  const page = await json<{ tickets: { status: string }[] }>(await call("GET", `/api/events/${eventId}/tickets?limit=1${cursor}`), 200);
  return page.tickets[0]?.status ?? "missing";
}
