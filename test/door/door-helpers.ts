/** Helpers for the door suites: door staff of an event's org, a fan's tickets and their codes. */
import { env } from "cloudflare:workers";
import type { HeldTicket } from "../../src/shared/booking";
import { signToken } from "../../workers/api/auth";
import { base64url } from "../../src/shared/ticket-codes";
import { bookedEvent } from "../booking-helpers";
import { call, json, tokenFor, word } from "../helpers";

/** The org an organizer's token acts for (a personal org when it names none). */
export function orgOf(token: string): string {
  const claims = JSON.parse(atob((token.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/"))) as { sub: string; org?: string };
  return claims.org ?? `user:${claims.sub}`;
}

/** Door staff of the event's organization. */
export const doorStaff = (organizer: string) => tokenFor(`door-${word(6)}`, ["door"], orgOf(organizer));

/** A fan with an email claim (for transfers by email). */
export const fanWithEmail = (email: string) => signToken(env, { id: `fan-${word(6)}`, roles: ["fan"], email });

export async function myTickets(token: string, holderKey?: string): Promise<HeldTicket[]> {
  const query = holderKey ? `?holderKey=${holderKey}` : "";
  return (await json<{ tickets: HeldTicket[] }>(await call("GET", `/api/me/tickets${query}`, { token }), 200)).tickets;
}

/** A booked event whose fan's tickets are listed with their print codes. */
export async function ticketsAtTheDoor(seats: number[]) {
  const booked = await bookedEvent(seats);
  const tickets = await myTickets(booked.token);
  const door = await doorStaff(booked.event.organizer);
  return { ...booked, tickets, door, code: (i: number) => tickets[i]?.pass ?? "" };
}

export const checkin = (token: string, code: string, gate = "north") => call("POST", "/api/checkin", { token, body: { token: code, gate } });

export const transfer = (token: string, bookingId: string, ticketIds: string[], to: { userId: string } | { email: string }) =>
  call("POST", `/api/bookings/${bookingId}/transfer`, { token, body: { ticketIds, to } });

/** A device's P-256 key pair, as the fan's page makes it. */
export async function holderKeys() {
  const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"])) as CryptoKeyPair;
  const raw = new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer);
  return { privateKey: pair.privateKey, publicKey: base64url(raw) };
}
