import { describe, expect, it } from "vitest";
import { bookedEvent, fan, hold, intentRow, invariants, providerOutage, query, reserve } from "../booking-helpers";
import { call, json, problem, tokenFor, word } from "../helpers";

interface RefundResult {
  bookingId: string;
  status: string;
  amountCents: number;
  refundedCents: number;
  refunds: { id: string; status: string; amountCents: number; ticketIds: string[]; restock: boolean; failure: string | null }[];
}

interface FanBooking {
  id: string;
  status: string;
  refundedCents: number;
  tickets: { id: string; refunded: boolean; token: string | null }[];
}

const refund = (bookingId: string, token: string, body: Record<string, unknown> = {}) =>
  call("POST", `/api/organizer/bookings/${bookingId}/refund`, { token, body });

async function fanBooking(token: string, bookingId: string): Promise<FanBooking> {
  return json<FanBooking>(await call("GET", `/api/bookings/${bookingId}`, { token }), 200);
}

const ticketStatus = async (eventId: string, seat: number) =>
  (await json<{ tickets: { status: string }[] }>(await call("GET", `/api/events/${eventId}/tickets`), 200)).tickets[seat]?.status;

describe("refunding a whole booking", () => {
  it("returns all the money, voids every ticket at once and puts the seats back on sale", async () => {
    const booked = await bookedEvent([0, 1]);
    const { event } = booked;
    const before = await fanBooking(booked.token, booked.bookingId);
    const tokens = before.tickets.map((t) => t.token ?? "");
    const result = await json<RefundResult>(await refund(booked.bookingId, event.organizer, { reason: "show moved" }), 200);
    expect(result).toMatchObject({ bookingId: booked.bookingId, status: "refunded", amountCents: 10_000, refundedCents: 10_000 });
    expect(result.refunds).toMatchObject([{ status: "succeeded", amountCents: 10_000, ticketIds: [event.tickets(0), event.tickets(1)], restock: true }]);
    expect((await intentRow(booked.paymentIntentId)).amount_refunded).toBe(10_000);
    for (const token of tokens) await problem(await call("GET", `/api/tickets/verify?token=${token}`), 409);
    const after = await fanBooking(booked.token, booked.bookingId);
    expect(after).toMatchObject({ status: "refunded", refundedCents: 10_000 });
    expect(after.tickets.map((t) => [t.refunded, t.token])).toEqual([[true, null], [true, null]]);
    expect(await ticketStatus(event.id, 0)).toBe("available");
    await hold(await fan(), [event.tickets(0), event.tickets(1)]);
    expect((await invariants(event.id, false)).violations).toEqual([]);
  });

  it("a retried request, or three at once, refund once", async () => {
    const booked = await bookedEvent([2]);
    const answers = await Promise.all([1, 2, 3].map(() => refund(booked.bookingId, booked.event.organizer)));
    for (const answer of answers) expect(answer.status).toBe(200);
    const again = await json<RefundResult>(await refund(booked.bookingId, booked.event.organizer), 200);
    expect(again.refunds).toHaveLength(1);
    expect(again).toMatchObject({ status: "refunded", refundedCents: 5_000 });
    expect((await intentRow(booked.paymentIntentId)).amount_refunded).toBe(5_000);
    const rows = await query<{ n: number }>("select count(*)::int as n from refunds where booking_id = $1", [booked.bookingId]);
    expect(rows[0]?.n).toBe(1);
  });
});

describe("refunding some tickets", () => {
  it("keeps the booking confirmed with its refunded amount; only the refunded ticket is void", async () => {
    const booked = await bookedEvent([0, 8]);
    const { event } = booked;
    const [stalls, floor] = (await fanBooking(booked.token, booked.bookingId)).tickets;
    const result = await json<RefundResult>(await refund(booked.bookingId, event.organizer, { ticketIds: [event.tickets(8)] }), 200);
    expect(result).toMatchObject({ status: "confirmed", amountCents: 8_000, refundedCents: 3_000 });
    await problem(await call("GET", `/api/tickets/verify?token=${floor?.token ?? ""}`), 409);
    await json(await call("GET", `/api/tickets/verify?token=${stalls?.token ?? ""}`), 200);
    expect(await ticketStatus(event.id, 8)).toBe("available");
    expect(await ticketStatus(event.id, 0)).toBe("sold");
    const view = await fanBooking(booked.token, booked.bookingId);
    expect(view.tickets.map((t) => t.refunded)).toEqual([false, true]);
    expect(view.tickets[0]?.token).toEqual(expect.any(String));

    // The rest later: the booking is then refunded, to the cent.
    const rest = await json<RefundResult>(await refund(booked.bookingId, event.organizer), 200);
    expect(rest).toMatchObject({ status: "refunded", refundedCents: 8_000 });
    expect(rest.refunds.map((r) => r.amountCents)).toEqual([5_000, 3_000]);
    expect((await intentRow(booked.paymentIntentId)).amount_refunded).toBe(8_000);
    expect((await invariants(event.id, false)).violations).toEqual([]);
  });

  it("with restock false, the refunded seats are kept back in a block", async () => {
    const booked = await bookedEvent([3]);
    const { event } = booked;
    await json(await refund(booked.bookingId, event.organizer, { restock: false, reason: "obstructed view" }), 200);
    expect(await ticketStatus(event.id, 3)).toBe("blocked");
    await problem(await reserve(await fan(), [event.tickets(3)]), 409);
    const { blocks } = await json<{ blocks: { ticketIds: string[]; reason: string }[] }>(await call("GET", `/api/events/${event.id}/blocks`, { token: event.organizer }), 200);
    expect(blocks).toMatchObject([{ ticketIds: [event.tickets(3)], reason: "refunded, not restocked: obstructed view" }]);
  });

  it("refuses tickets that are not the booking's (400) and refunds a refunded ticket once", async () => {
    const booked = await bookedEvent([4, 5]);
    const { event } = booked;
    await problem(await refund(booked.bookingId, event.organizer, { ticketIds: [event.tickets(6)] }), 400);
    await json(await refund(booked.bookingId, event.organizer, { ticketIds: [event.tickets(4)] }), 200);
    const again = await json<RefundResult>(await refund(booked.bookingId, event.organizer, { ticketIds: [event.tickets(4)] }), 200);
    expect(again).toMatchObject({ status: "confirmed", refundedCents: 5_000 });
    expect(again.refunds).toHaveLength(1);
  });
});

describe("when the payment provider is down", () => {
  it("the tickets are void at once; the money goes back once the request is retried", async () => {
    const booked = await bookedEvent([6]);
    const { event } = booked;
    await providerOutage(event.id, 60);
    await problem(await refund(booked.bookingId, event.organizer), 503);
    const [pending] = await query<{ status: string }>("select status from refunds where booking_id = $1", [booked.bookingId]);
    expect(pending?.status).toBe("pending");
    expect(await ticketStatus(event.id, 6)).toBe("available");
    await providerOutage(event.id, 0);
    const done = await json<RefundResult>(await refund(booked.bookingId, event.organizer), 200);
    expect(done).toMatchObject({ status: "refunded", refundedCents: 5_000 });
    expect(done.refunds).toMatchObject([{ status: "succeeded" }]);
    expect((await intentRow(booked.paymentIntentId)).amount_refunded).toBe(5_000);
  });
});

describe("who may refund", () => {
  it("only the event's org: another org 404, a door user or a fan 403, no token 401", async () => {
    const booked = await bookedEvent([7]);
    const rival = await tokenFor(`rival-${word(6)}`, ["organizer"], `org-${word(8)}`);
    await problem(await refund(booked.bookingId, rival), 404);
    await problem(await refund(booked.bookingId, await tokenFor(`door-${word(6)}`, ["door"], `org-${word(8)}`)), 403);
    await problem(await refund(booked.bookingId, booked.token), 403);
    await problem(await call("POST", `/api/organizer/bookings/${booked.bookingId}/refund`, { body: {} }), 401);
    await problem(await refund(`bk_${"0".repeat(16)}`, booked.event.organizer), 404);
    expect((await fanBooking(booked.token, booked.bookingId)).status).toBe("confirmed");
  });
});
