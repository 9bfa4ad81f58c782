/**
 * Helpers for the mail suites: a fan whose token carries an address, their
 * paid booking, and direct reads of the outbox.
 */
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { signToken } from "../../workers/api/auth";
import { hold, pay, query, smallEvent, type ConfirmBody } from "../booking-helpers";
import { call, json, word, type EventOptions } from "../helpers";

export interface OutboxRow extends Record<string, unknown> {
  id: string;
  dedupe_key: string;
  kind: string;
  to_address: string;
  language: string;
  subject: string;
  text: string;
  html: string;
  state: string;
  attempts: number;
  last_error: string | null;
  queued_at: Date | null;
  sent_at: Date | null;
}

/** A fan with an address in their token (as the identity provider would put it). */
export async function mailedFan(name = `fan-${word(6)}`) {
  const email = `${name}@example.test`;
  return { id: name, email, token: await signToken(env, { id: name, roles: ["fan"], email }) };
}

export async function outboxBy(dedupeKey: string): Promise<OutboxRow[]> {
  return query<OutboxRow>("select * from mail_outbox where dedupe_key = $1", [dedupeKey]);
}

export async function outboxTo(address: string): Promise<OutboxRow[]> {
  return query<OutboxRow>("select * from mail_outbox where to_address = $1 order by created_at", [address]);
}

export async function outboxRow(id: string): Promise<OutboxRow> {
  const [row] = await query<OutboxRow>("select * from mail_outbox where id = $1", [id]);
  expect(row, `outbox row ${id}`).toBeDefined();
  return row as OutboxRow;
}

/** Checkout with the fan's language headers, as their browser sends them. */
export async function checkoutWith(token: string, holdId: string, headers: Record<string, string>): Promise<ConfirmBody> {
  return json<ConfirmBody>(await call("PUT", "/api/booking/confirm", { token, body: { holdId }, headers }), 200);
}

/** A fan with an address books `seats` of a small event and pays; the booking is confirmed. */
export async function mailedBooking(seats: number[] = [0], options: { headers?: Record<string, string>; event?: EventOptions } = {}) {
  const event = await smallEvent(options.event);
  const fan = await mailedFan();
  const h = await hold(fan.token, seats.map((s) => event.tickets(s)));
  const { paymentIntentId } = await checkoutWith(fan.token, h.holdId, options.headers ?? {});
  await pay(paymentIntentId);
  const view = await json<{ state: string; bookingId?: string }>(await call("GET", `/api/booking/holds/${h.holdId}`, { token: fan.token }), 200);
  expect(view.state).toBe("booked");
  return { event, fan, holdId: h.holdId, paymentIntentId, bookingId: view.bookingId ?? "" };
}

/** A queue binding that keeps what it is given (or refuses everything). */
export function recordingQueue(options: { fail?: boolean } = {}) {
  const sent: unknown[] = [];
  const refuse = () => Promise.reject(new Error("queue unavailable"));
  const queue = {
    send: async (body: unknown) => (options.fail ? refuse() : void sent.push(body)),
    sendBatch: async (messages: Iterable<{ body: unknown }>) => (options.fail ? refuse() : void sent.push(...[...messages].map((m) => m.body))),
  };
  return { sent, queue: queue as unknown as Queue };
}
