/** Helpers for the waitlist suites: fans with an address, joining, reading one's entry, a sold-out small event. */
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { WaitlistEntry } from "../src/shared/waitlist";
import { signToken } from "../workers/api/auth";
import { checkout, hold, pay, smallEvent, type HoldBody } from "./booking-helpers";
import { call, json, word, type EventOptions } from "./helpers";

/** A fan's entry as the API answers it. */
export type Entry = WaitlistEntry;

/** A fan whose token carries an address (the offer's mail goes there). */
export async function mailFan(name = `wl-${word(8)}`): Promise<{ id: string; token: string; email: string }> {
  const email = `${name}@example.test`;
  return { id: name, email, token: await signToken(env, { id: name, roles: ["fan"], email }) };
}

export function joinRequest(eventId: string, token: string, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Response> {
  return call("POST", `/api/events/${eventId}/waitlist`, { token, body, headers });
}

/** `count` new fans join one after another, each for `quantity` seats (of `section`). */
export async function lineUp(eventId: string, count: number, quantity = 1, section?: string): Promise<Awaited<ReturnType<typeof mailFan>>[]> {
  const fans = [];
  for (let i = 0; i < count; i++) {
    const fan = await mailFan();
    await joinList(eventId, fan.token, quantity, section);
    fans.push(fan);
  }
  return fans;
}

/** Joins and expects a new entry (201). */
export async function joinList(eventId: string, token: string, quantity: number, section?: string): Promise<Entry> {
  return json<Entry>(await joinRequest(eventId, token, section ? { quantity, section } : { quantity }), 201);
}

export async function entryOf(eventId: string, token: string): Promise<Entry> {
  return json<Entry>(await call("GET", `/api/events/${eventId}/waitlist/me`, { token }), 200);
}

export function leaveList(eventId: string, token: string): Promise<Response> {
  return call("DELETE", `/api/events/${eventId}/waitlist/me`, { token });
}

/**
 * A small event (seats 0-7 in Stalls, 8-12 on the Floor) with every seat
 * held: the Stalls by one fan, each Floor place by its own fan, so tests can
 * give seats back one by one.
 */
export async function soldOutEvent(options: EventOptions = {}) {
  const event = await smallEvent(options);
  const stalls = await mailFan();
  const stallsHold = await hold(stalls.token, [0, 1, 2, 3, 4, 5, 6, 7].map(event.tickets));
  const floor: { fan: Awaited<ReturnType<typeof mailFan>>; hold: HoldBody }[] = [];
  for (const seat of [8, 9, 10, 11, 12]) {
    const holder = await mailFan();
    floor.push({ fan: holder, hold: await hold(holder.token, [event.tickets(seat)]) });
  }
  /** The holder of Floor place `i` (seat 8 + i) gives it back. */
  const returnFloor = async (i: number) => {
    const place = floor[i];
    if (!place) throw new Error(`no Floor hold ${i}`);
    expect((await releaseHold(place.fan.token, place.hold.holdId)).status).toBe(204);
  };
  return { event, stalls: { fan: stalls, hold: stallsHold }, floor, returnFloor };
}

/** A new fan holds, checks out and pays for `seats` (through the simulated provider). */
export async function buy(ticketIds: string[]): Promise<void> {
  const buyer = await mailFan();
  const held = await hold(buyer.token, ticketIds);
  await pay((await checkout(buyer.token, held.holdId)).paymentIntentId);
}

/** The fan's entry, or null when they have none (404). */
export async function entryOrNull(eventId: string, token: string): Promise<Entry | null> {
  const res = await call("GET", `/api/events/${eventId}/waitlist/me`, { token });
  if (res.status === 404) {
    await res.body?.cancel();
    return null;
  }
  return json<Entry>(res, 200);
}

/** The live statuses of an event's seats (one digit each). */
export async function statuses(eventId: string): Promise<string> {
  return (await json<{ statuses: string }>(await call("GET", `/api/events/${eventId}/seats`), 200)).statuses;
}

export function releaseHold(token: string, holdId: string): Promise<Response> {
  return call("DELETE", `/api/booking/holds/${holdId}`, { token });
}

/** Asserts the entry is an offer of `count` tickets that lapses about `seconds` from now. */
export function expectOffer(entry: Entry, count: number, seconds = 900): void {
  expect(entry.state).toBe("offered");
  expect(entry.holdId).toMatch(/^hd_/);
  expect(entry.ticketIds).toHaveLength(count);
  const left = (Date.parse(entry.expiresAt ?? "") - Date.now()) / 1000;
  expect(left).toBeGreaterThan(seconds - 60);
  expect(left).toBeLessThanOrEqual(seconds + 1);
}
