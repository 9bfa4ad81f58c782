/**
 * A hostile review of the organizer features of issue #10: rival
 * organizers, staff tokens with odd claims, scalpers racing the box office,
 * payments races around refunds and cancellation, and hostile input to every
 * new route. Each test names a promise that must hold.
 */
import { introspectWorkflowInstance } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { SignJWT } from "jose";
import { describe, expect, it } from "vitest";
import { instanceId } from "../../src/lifecycle/cancellation";
import {
  act,
  atCheckout,
  authorizedLater,
  bookedEvent,
  checkout,
  fan,
  hold,
  intentRow,
  invariants,
  pay,
  providerOutage,
  query,
  redeliver,
  reserve,
  runAlarm,
  smallEvent,
  stalledClaim,
  ticketStatus,
  travel,
} from "../booking-helpers";
import { call, json, problem, tokenFor, word } from "../helpers";

type Event = Awaited<ReturnType<typeof smallEvent>>;

const rival = () => tokenFor(`rival-${word(6)}`, ["organizer"], `org-${word(8)}`);
const refund = (bookingId: string, token: string, body: Record<string, unknown> = {}) => call("POST", `/api/organizer/bookings/${bookingId}/refund`, { token, body });
const block = (event: Event, ticketIds: unknown, token = event.organizer) => call("POST", `/api/events/${event.id}/blocks`, { token, body: { ticketIds, reason: "camera" } });
const cancel = (event: Event, token = event.organizer) => call("POST", `/api/events/${event.id}/cancel`, { token, body: { reason: "the artist is ill" } });
const cursorOf = (fields: Record<string, unknown>) => btoa(JSON.stringify(fields)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

/** A token signed with the server's key carrying whatever claims an identity provider might put in it. */
async function rawToken(claims: Record<string, unknown>, sub = `odd-${word(6)}`): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "HS256" })
    .setSubject(sub)
    .setIssuedAt(now)
    .setExpirationTime(now + 600)
    .sign(new TextEncoder().encode(env.JWT_SECRET));
}

describe("a rival organizer (another org) reaches nothing of an event, by any route", () => {
  it("every organizer route answers another org's event as a missing one (404), and nothing changes", async () => {
    const { event, bookingId } = await bookedEvent([0]);
    const blocked = await json<{ blockId: string }>(await block(event, [event.tickets(5)]), 201);
    const them = await rival();
    const id = event.id;
    const attempts: [string, string, unknown?][] = [
      ["GET", `/api/events/${id}/bookings`],
      ["GET", `/api/events/${id}/report`],
      ["GET", `/api/events/${id}/report/sales.svg`],
      ["GET", `/api/events/${id}/orders.csv`],
      ["GET", `/api/events/${id}/attendees.csv`],
      ["GET", `/api/events/${id}/blocks`],
      ["POST", `/api/events/${id}/blocks`, { ticketIds: [event.tickets(6)], reason: "mine now" }],
      ["DELETE", `/api/events/${id}/blocks/${blocked.blockId}`],
      ["PATCH", `/api/events/${id}`, { name: "Taken over" }],
      ["PATCH", `/api/events/${id}`, { queue: { enabled: true, closed: true } }],
      ["POST", `/api/organizer/bookings/${bookingId}/refund`, {}],
      ["POST", `/api/events/${id}/cancel`, { reason: "sabotage" }],
      ["GET", `/api/events/${id}/cancellation`],
    ];
    for (const [method, path, body] of attempts) {
      const res = await call(method, path, { token: them, ...(body === undefined ? {} : { body }) });
      expect(`${method} ${path} → ${res.status}`).toBe(`${method} ${path} → 404`);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    }
    const [row] = await query<{ name: string; status: string }>("select name, status from events where id = $1", [id]);
    expect(row?.status).toBe("scheduled");
    expect(row?.name).not.toBe("Taken over");
    expect(await ticketStatus(id, 5)).toBe("blocked");
    expect(await ticketStatus(id, 6)).toBe("available");
    expect((await query<{ status: string }>("select status from bookings where id = $1", [bookingId]))[0]?.status).toBe("confirmed");
  });

  it("a block id of another event cannot be released through one's own event (404), even within one org", async () => {
    const mine = await smallEvent();
    const theirs = await smallEvent();
    const sameOrg = await json<{ id: string }>(
      await call("POST", "/api/events", {
        token: mine.organizer,
        body: { name: `Second ${word(6)}`, type: "concert", startsAt: "2027-07-01T19:30:00Z", venueId: (await query<{ venue_id: string }>("select venue_id from events where id = $1", [mine.id]))[0]?.venue_id, performerId: (await query<{ performer_id: string }>("select performer_id from events where id = $1", [mine.id]))[0]?.performer_id, prices: [{ section: "Stalls", priceCents: 5000 }, { section: "Floor", priceCents: 3000 }] },
      }),
      201,
    );
    const foreign = await json<{ blockId: string }>(await block(theirs, [theirs.tickets(1)]), 201);
    const sibling = await json<{ blockId: string }>(await call("POST", `/api/events/${sameOrg.id}/blocks`, { token: mine.organizer, body: { ticketIds: [`${sameOrg.id}.2`], reason: "vip" } }), 201);
    await problem(await call("DELETE", `/api/events/${mine.id}/blocks/${foreign.blockId}`, { token: mine.organizer }), 404);
    await problem(await call("DELETE", `/api/events/${mine.id}/blocks/${sibling.blockId}`, { token: mine.organizer }), 404);
    expect(await ticketStatus(theirs.id, 1)).toBe("blocked");
    expect(await ticketStatus(sameOrg.id, 2)).toBe("blocked");
  });

  it("a refund of another org's booking is a 404 and returns no money, whatever tickets it names", async () => {
    const { event, bookingId, paymentIntentId } = await bookedEvent([0, 1]);
    const them = await smallEvent();
    await problem(await refund(bookingId, them.organizer), 404);
    await problem(await refund(bookingId, them.organizer, { ticketIds: [event.tickets(0)] }), 404);
    // Its own event's ticket ids with the other org's booking id: still the booking decides.
    await problem(await refund(bookingId, them.organizer, { ticketIds: [them.tickets(0)] }), 404);
    expect((await intentRow(paymentIntentId)).amount_refunded).toBe(0);
    expect(await ticketStatus(event.id, 0)).toBe("sold");
  });

  it("a crafted cursor never lists another org's events, and one Postgres cannot read is a 400, not a 500", async () => {
    const mine = await smallEvent();
    const theirs = await smallEvent();
    const them = (await query<{ starts_at: string }>("select starts_at::text from events where id = $1", [theirs.id]))[0]?.starts_at ?? "";
    // A cursor positioned just before the rival's event, sent by my org.
    const early = await json<{ events: { id: string }[] }>(await call("GET", `/api/organizer/events?cursor=${cursorOf({ t: "1970-01-01T00:00:00Z", i: "" })}&limit=50`, { token: mine.organizer }), 200);
    expect(early.events.map((e) => e.id)).toEqual([mine.id]);
    const near = await json<{ events: { id: string }[] }>(await call("GET", `/api/organizer/events?cursor=${cursorOf({ t: them, i: "" })}`, { token: mine.organizer }), 200);
    expect(near.events.map((e) => e.id)).not.toContain(theirs.id);
    for (const t of ["1", "2020-02-31", "Tue, 01 Jan 2030 00:00:00 GMT foo", "+275760-09-13T00:00:00Z", "0"]) {
      const res = await call("GET", `/api/organizer/events?cursor=${cursorOf({ t, i: "x" })}`, { token: mine.organizer });
      expect(`${t} → ${res.status}`).toMatch(/→ (200|400)$/);
      const bookings = await call("GET", `/api/events/${mine.id}/bookings?cursor=${cursorOf({ t, i: "x" })}`, { token: mine.organizer });
      expect(`${t} → ${bookings.status}`).toMatch(/→ (200|400)$/);
    }
  });
});

describe("staff tokens with odd claims act for no org but their own", () => {
  it("roles that are not exactly 'organizer' (case, spaces, nesting, a string) get no organizer route (403)", async () => {
    const event = await smallEvent();
    const org = (await query<{ org_id: string }>("select org_id from events where id = $1", [event.id]))[0]?.org_id ?? "";
    for (const roles of [["Organizer"], [" organizer"], [["organizer"]], "organizer", { 0: "organizer" }, ["door"], ["fan"], [], [null, 1, true]]) {
      const token = await rawToken({ roles, org });
      const res = await call("GET", `/api/events/${event.id}/bookings`, { token });
      expect(`${JSON.stringify(roles)} → ${res.status}`).toBe(`${JSON.stringify(roles)} → 403`);
      expect((await call("POST", `/api/events/${event.id}/cancel`, { token, body: { reason: "x" } })).status).toBe(403);
    }
  });

  it("an org claim that is empty, too long, unicode, not a string, or names nothing reaches no event", async () => {
    const event = await smallEvent();
    for (const org of ["", "a".repeat(201), "ácme", "demo\u0000", "org/../demo", ["demo"], 42, null]) {
      const token = await rawToken({ roles: ["organizer"], org });
      const res = await call("GET", `/api/events/${event.id}/report`, { token });
      expect(`${JSON.stringify(org)} → ${res.status}`).toMatch(/→ 40[14]$/);
    }
    // The demo org, or another user's personal org named in the claim, is not this event's org.
    for (const org of ["demo", `user:someone-${word(6)}`, "a".repeat(200)]) {
      await problem(await call("GET", `/api/events/${event.id}/report`, { token: await rawToken({ roles: ["organizer"], org }) }), 404);
    }
  });

  it("a door user of the event's own org cannot refund, block, cancel, export or read bookings (403)", async () => {
    const { event, bookingId } = await bookedEvent([1]);
    const org = (await query<{ org_id: string }>("select org_id from events where id = $1", [event.id]))[0]?.org_id ?? "";
    const door = await tokenFor(`door-${word(6)}`, ["door", "fan"], org);
    await problem(await refund(bookingId, door), 403);
    await problem(await block(event, [event.tickets(3)], door), 403);
    await problem(await cancel(event, door), 403);
    await problem(await call("GET", `/api/events/${event.id}/orders.csv`, { token: door }), 403);
    await problem(await call("GET", `/api/events/${event.id}/bookings`, { token: door }), 403);
    await problem(await call("PATCH", `/api/events/${event.id}`, { token: door, body: { name: "door" } }), 403);
  });
});

describe("hostile input to the new routes", () => {
  it("blocks: wrong types, 20,001 ids, duplicates, other events' ids and absurd seat numbers are 400s that block nothing", async () => {
    const event = await smallEvent();
    const other = await smallEvent();
    const bodies: unknown[] = [
      { ticketIds: event.tickets(0), reason: "x" },
      { ticketIds: [0, 1], reason: "x" },
      { ticketIds: [], reason: "x" },
      { ticketIds: [event.tickets(0)], reason: "" },
      { ticketIds: [event.tickets(0)], reason: "x".repeat(201) },
      { ticketIds: [event.tickets(0)] },
      { ticketIds: [event.tickets(0)], reason: "x", extra: true },
      { ticketIds: Array.from({ length: 20_001 }, (_, i) => event.tickets(i % 13)), reason: "x" },
      { ticketIds: [event.tickets(0), event.tickets(0)], reason: "x" },
      { ticketIds: [event.tickets(0), other.tickets(1)], reason: "x" },
      { ticketIds: [`${event.id}.13`], reason: "x" },
      { ticketIds: [`${event.id}.99999999999999999999999`], reason: "x" },
      { ticketIds: [`${event.id}.-1`], reason: "x" },
      { ticketIds: [`${event.id}.1e3`], reason: "x" },
      "not json",
      null,
    ];
    for (const body of bodies) {
      const res = await call("POST", `/api/events/${event.id}/blocks`, { token: event.organizer, body });
      expect(`${JSON.stringify(body).slice(0, 80)} → ${res.status}`).toMatch(/→ 400$/);
    }
    const blocks = await json<{ blocks: unknown[] }>(await call("GET", `/api/events/${event.id}/blocks`, { token: event.organizer }), 200);
    expect(blocks.blocks).toEqual([]);
    expect(await ticketStatus(other.id, 1)).toBe("available");
    await problem(await call("DELETE", `/api/events/${event.id}/blocks/not-a-block`, { token: event.organizer }), 400);
    await problem(await call("DELETE", `/api/events/${event.id}/blocks/bl_0000000000000000`, { token: event.organizer }), 404);
  });

  it("refunds: wrong types, 501 ids, another booking's or event's tickets are 400s that refund nothing", async () => {
    const { event, bookingId, paymentIntentId } = await bookedEvent([0, 1]);
    const neighbour = await fan();
    await hold(neighbour, [event.tickets(2)]);
    for (const body of [
      { ticketIds: event.tickets(0) },
      { ticketIds: [] },
      { ticketIds: Array.from({ length: 501 }, () => event.tickets(0)) },
      { ticketIds: [event.tickets(2)] },
      { ticketIds: [event.tickets(0), `ev_0000000000000000.0`] },
      { restock: "false" },
      { reason: "" },
      { amountCents: 1 },
    ]) {
      const res = await refund(bookingId, event.organizer, body);
      expect(`${JSON.stringify(body).slice(0, 80)} → ${res.status}`).toMatch(/→ 400$/);
    }
    await problem(await call("POST", `/api/organizer/bookings/not-a-booking/refund`, { token: event.organizer, body: {} }), 400);
    expect((await intentRow(paymentIntentId)).amount_refunded).toBe(0);
    expect(await ticketStatus(event.id, 0)).toBe("sold");
  });

  it("a refund naming one ticket twice refunds it once, at its price", async () => {
    const { event, bookingId, paymentIntentId } = await bookedEvent([0, 8]);
    const result = await json<{ status: string; refundedCents: number }>(await refund(bookingId, event.organizer, { ticketIds: [event.tickets(8), event.tickets(8)] }), 200);
    expect(result).toMatchObject({ status: "confirmed", refundedCents: 3_000 });
    expect((await intentRow(paymentIntentId)).amount_refunded).toBe(3_000);
  });

  it("listing: limits, unknown parameters and unknown statuses are 400s", async () => {
    const event = await smallEvent();
    for (const q of ["limit=0", "limit=51", "limit=abc", "status=paid", "evil=1", `cursor=${"A".repeat(501)}`]) {
      await problem(await call("GET", `/api/events/${event.id}/bookings?${q}`, { token: event.organizer }), 400);
    }
    await problem(await call("GET", `/api/organizer/events?limit=-1`, { token: event.organizer }), 400);
  });
});

describe("payments: refunds are made once and never exceed what was paid", () => {
  it("racing refunds of different tickets and of the whole booking return exactly the amount paid", async () => {
    const { event, bookingId, paymentIntentId } = await bookedEvent([0, 1, 8]);
    const answers = await Promise.all([
      refund(bookingId, event.organizer, { ticketIds: [event.tickets(0)] }),
      refund(bookingId, event.organizer, { ticketIds: [event.tickets(1)] }),
      refund(bookingId, event.organizer, { ticketIds: [event.tickets(8)] }),
      refund(bookingId, event.organizer),
      refund(bookingId, event.organizer, { ticketIds: [event.tickets(0), event.tickets(8)] }),
    ]);
    for (const a of answers) expect(a.status).toBe(200);
    expect((await intentRow(paymentIntentId)).amount_refunded).toBe(13_000);
    const [sum] = await query<{ cents: number }>("select coalesce(sum(amount_cents), 0)::int as cents from refunds where booking_id = $1 and status <> 'failed'", [bookingId]);
    expect(sum?.cents).toBe(13_000);
    expect((await query<{ status: string; refunded_cents: number }>("select status, refunded_cents from bookings where id = $1", [bookingId]))[0]).toEqual({ status: "refunded", refunded_cents: 13_000 });
    expect((await invariants(event.id, false)).violations).toEqual([]);
  });

  it("a booking whose payment is still being captured cannot be refunded (409) and nothing is voided", async () => {
    const { event, bookingId } = await bookedEvent([3]);
    // As if the capture had not finished yet.
    await query("update bookings set status = 'authorized' where id = $1", [bookingId]);
    try {
      await problem(await refund(bookingId, event.organizer), 409);
      expect((await query<{ n: number }>("select count(*)::int as n from booked_tickets where booking_id = $1 and released", [bookingId]))[0]?.n).toBe(0);
    } finally {
      await query("update bookings set status = 'confirmed' where id = $1", [bookingId]);
    }
  });

  it("a payment refunded from the provider's dashboard is not refunded again by the organizer", async () => {
    const { event, bookingId, paymentIntentId } = await bookedEvent([4]);
    await act(paymentIntentId, "refund");
    const after = await json<{ status: string; refundedCents: number }>(await refund(bookingId, event.organizer), 200);
    expect(after).toMatchObject({ status: "refunded", refundedCents: 5_000 });
    expect((await intentRow(paymentIntentId)).amount_refunded).toBe(5_000);
  });

  it("after a partial refund from the dashboard, refunds in flight never ask for more than is left: the fan gets the amount paid, to the cent", async () => {
    const { event, bookingId, paymentIntentId } = await bookedEvent([0, 8]);
    // 20.00 returned out of band (Stripe's dashboard), and recorded on the booking as the lifecycle records it.
    await query("update simulated_payment_intents set amount_refunded = 2000 where id = $1", [paymentIntentId]);
    await query("update bookings set refunded_cents = 2000 where id = $1", [bookingId]);
    await providerOutage(event.id, 600);
    await problem(await refund(bookingId, event.organizer, { ticketIds: [event.tickets(0)] }), 503);
    await problem(await refund(bookingId, event.organizer, { ticketIds: [event.tickets(8)] }), 503);
    await providerOutage(event.id, 0);
    const done = await json<{ status: string; refunds: { amountCents: number; status: string }[] }>(await refund(bookingId, event.organizer), 200);
    expect(done.refunds.map((r) => r.status)).not.toContain("failed");
    expect((await intentRow(paymentIntentId)).amount_refunded).toBe(8_000);
    expect(done.status).toBe("refunded");
  });

  it("a refunded seat resold to another fan stays theirs when the old booking is refunded again", async () => {
    const first = await bookedEvent([0, 1]);
    const { event } = first;
    await json(await refund(first.bookingId, event.organizer, { ticketIds: [event.tickets(0)] }), 200);
    const buyer = await fan();
    const h = await hold(buyer, [event.tickets(0)]);
    const { paymentIntentId } = await checkout(buyer, h.holdId);
    await pay(paymentIntentId);
    expect(await ticketStatus(event.id, 0)).toBe("sold");
    // A retry of the first refund, then the rest of the old booking.
    await json(await refund(first.bookingId, event.organizer, { ticketIds: [event.tickets(0)] }), 200);
    await json(await refund(first.bookingId, event.organizer), 200);
    expect(await ticketStatus(event.id, 0)).toBe("sold");
    expect(await ticketStatus(event.id, 1)).toBe("available");
    const live = await query<{ seat_index: number; booking_id: string }>("select seat_index, booking_id from booked_tickets where event_id = $1 and not released", [event.id]);
    expect(live).toHaveLength(1);
    expect(live[0]?.seat_index).toBe(0);
    expect(live[0]?.booking_id).not.toBe(first.bookingId);
    expect((await intentRow(paymentIntentId)).amount_refunded).toBe(0);
    expect((await invariants(event.id, false)).violations).toEqual([]);
  });

  it("a seat kept back (restock false), released by the box office and resold, is not taken back by a retried refund", async () => {
    const first = await bookedEvent([2, 3]);
    const { event } = first;
    await json(await refund(first.bookingId, event.organizer, { ticketIds: [event.tickets(2)], restock: false }), 200);
    const blocks = await json<{ blocks: { blockId: string; ticketIds: string[] }[] }>(await call("GET", `/api/events/${event.id}/blocks`, { token: event.organizer }), 200);
    expect(blocks.blocks.map((b) => b.ticketIds)).toEqual([[event.tickets(2)]]);
    await json(await call("DELETE", `/api/events/${event.id}/blocks/${blocks.blocks[0]?.blockId ?? ""}`, { token: event.organizer }), 200);
    const buyer = await fan();
    const h = await hold(buyer, [event.tickets(2)]);
    await pay((await checkout(buyer, h.holdId)).paymentIntentId);
    await json(await refund(first.bookingId, event.organizer, { restock: false }), 200);
    expect(await ticketStatus(event.id, 2)).toBe("sold");
    expect(await ticketStatus(event.id, 3)).toBe("blocked");
    expect((await invariants(event.id, false)).violations).toEqual([]);
  });
});

describe("the box office races the fans", () => {
  it("a block and a reserve of the same seat at once: exactly one wins", async () => {
    const event = await smallEvent();
    const results = await Promise.all([block(event, [event.tickets(4)]), reserve(await fan(), [event.tickets(4)])]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
  });

  it("a scalper's expired checkout whose card is authorized after the seat was blocked gets nothing and pays nothing", async () => {
    const { event, hold: h, paymentIntentId } = await atCheckout([6]);
    await travel(event.id, 15 * 60_000);
    await json(await block(event as Event, [event.tickets(6)]), 201);
    await pay(paymentIntentId);
    await runAlarm(event.id);
    expect(await ticketStatus(event.id, 6)).toBe("blocked");
    expect((await query<{ n: number }>("select count(*)::int as n from bookings where hold_id = $1 and status in ('authorized', 'confirmed')", [h.holdId]))[0]?.n).toBe(0);
    expect((await intentRow(paymentIntentId)).amount_received).toBe(0);
  });
});

describe("cancellation races", () => {
  it("cancelling twice at once starts one job and both answers say where it stands", async () => {
    const event = await smallEvent();
    await using job = await introspectWorkflowInstance(env.CANCELLATION, instanceId(event.id, 1));
    const answers = await Promise.all([cancel(event), cancel(event)]);
    for (const a of answers) expect(a.status).toBe(202);
    await job.waitForStatus("complete");
    expect(await query<{ generation: number }>("select generation from event_cancellations where event_id = $1", [event.id])).toEqual([{ generation: 1 }]);
  });

  it("a PATCH racing the cancellation never reopens the cancelled event's waiting room", async () => {
    const event = await smallEvent();
    await using job = await introspectWorkflowInstance(env.CANCELLATION, instanceId(event.id, 1));
    await Promise.all([call("PATCH", `/api/events/${event.id}`, { token: event.organizer, body: { queue: { enabled: true, closed: false } } }), cancel(event)]);
    await job.waitForStatus("complete");
    const [row] = await query<{ status: string; closed: boolean | null }>("select status, (queue->>'closed')::boolean as closed from events where id = $1", [event.id]);
    expect(row).toEqual({ status: "cancelled", closed: true });
    const joined = await call("POST", `/api/events/${event.id}/queue`, { token: await fan() });
    expect(joined.status).not.toBe(201);
  });

  it("a refund racing the cancellation's job refunds the booking once", async () => {
    const { event, bookingId, paymentIntentId } = await bookedEvent([0, 1]);
    await using job = await introspectWorkflowInstance(env.CANCELLATION, instanceId(event.id, 1));
    const [refunded] = await Promise.all([refund(bookingId, event.organizer, { ticketIds: [event.tickets(0)] }), cancel(event as Event), refund(bookingId, event.organizer)]);
    expect(refunded.status).toBe(200);
    await job.waitForStatus("complete");
    expect((await intentRow(paymentIntentId)).amount_refunded).toBe(10_000);
    expect((await query<{ status: string }>("select status from bookings where id = $1", [bookingId]))[0]?.status).toBe("refunded");
    expect((await invariants(event.id, false)).violations).toEqual([]);
  });

  it("a payment claimed just before the sale stopped is never left charged for a cancelled event", async () => {
    const { event, hold: h, paymentIntentId } = await atCheckout([3]);
    // The card is authorized and the webhook has claimed the seats, but has not written the booking yet.
    const authorization = await authorizedLater(paymentIntentId);
    await stalledClaim(event.id, h.holdId, paymentIntentId, h.totalCents);
    await using job = await introspectWorkflowInstance(env.CANCELLATION, instanceId(event.id, 1));
    await json(await cancel(event as Event), 202);
    await job.waitForStatus("complete");
    // The stalled webhook goes on; the room's alarm (and watchdog) runs.
    await redeliver(authorization);
    await runAlarm(event.id);
    const [booking] = await query<{ status: string }>("select status from bookings where hold_id = $1", [h.holdId]);
    const intent = await intentRow(paymentIntentId);
    const [cancellation] = await query<{ status: string }>("select status from event_cancellations where event_id = $1", [event.id]);
    const charged = intent.amount_received - intent.amount_refunded;
    const seen = JSON.stringify({ charged, booking: booking?.status, cancellation: cancellation?.status });
    // A cancelled event sells nothing: the late booking is refused and the authorization released.
    expect(charged, `charged for a cancelled event: ${seen}`).toBe(0);
    expect(booking, seen).toBeUndefined();
    expect(intent.status).toBe("canceled");
    expect(cancellation?.status).toBe("done");
  });
});
