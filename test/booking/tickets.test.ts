import { describe, expect, it } from "vitest";
import { issuePass } from "../../src/shared/ticket-codes";
import { call, json, organizerToken, problem } from "../helpers";
import { act, checkout, fan, hold, pay, reserve, smallEvent } from "../booking-helpers";

interface Booking {
  id: string;
  eventId: string;
  status: string;
  tickets: { id: string; token: string | null }[];
}

async function bookedTicket() {
  const event = await smallEvent();
  const token = await fan();
  const h = await hold(token, [event.tickets(1)]);
  const { paymentIntentId } = await checkout(token, h.holdId);
  await pay(paymentIntentId);
  const { bookings } = await json<{ bookings: Booking[] }>(await call("GET", "/api/me/bookings", { token }), 200);
  const booking = bookings.find((b) => b.eventId === event.id);
  return { event, token, booking, paymentIntentId };
}

describe("tickets at the door", () => {
  it("a confirmed booking's ticket carries a print code that verifies, and draws as a QR code", async () => {
    const { event, booking } = await bookedTicket();
    const ticketToken = booking?.tickets[0]?.token ?? "";
    expect(ticketToken.split(".")).toHaveLength(3);
    const verified = await json<{ valid: boolean; ticket: { id: string; row: string; seat: string }; event: { id: string } }>(
      await call("GET", `/api/tickets/verify?token=${ticketToken}`),
      200,
    );
    expect(verified).toMatchObject({ valid: true, ticket: { id: event.tickets(1), row: "A", seat: "2" }, event: { id: event.id } });
    const qr = await call("GET", `/api/tickets/qr.svg?token=${ticketToken}`);
    expect(qr.headers.get("content-type")).toBe("image/svg+xml");
    expect(await qr.text()).toContain("<svg");
  });

  it("rejects a forged token, and a token whose booking was refunded", async () => {
    const { event, booking, paymentIntentId } = await bookedTicket();
    const forged = await issuePass(
      { JWT_SECRET: "not-the-real-secret-0123456789" },
      { ticketId: event.tickets(1), bookingId: booking?.id ?? "", version: 1, section: "Stalls", row: "A", seat: "2" },
      new Date(Date.now() + 86_400_000),
    );
    await problem(await call("GET", `/api/tickets/verify?token=${forged}`), 400);
    await problem(await call("GET", `/api/tickets/qr.svg?token=${forged}`), 400);

    // The payment is refunded after all (from the provider's dashboard): the booking follows the money.
    const refund = await act(paymentIntentId, "refund");
    expect(refund.delivered[0]?.webhook.state).toEqual({ payment: "refunded", booking: "refunded", hold: "ended", refund: "recorded" });
    await problem(await call("GET", `/api/tickets/verify?token=${booking?.tickets[0]?.token}`), 409);
    // And the seat is on sale again.
    expect((await reserve(await fan(), [event.tickets(1)])).status).toBe(201);
  });
});

describe("best available", () => {
  it("suggests adjacent free seats without holding them", async () => {
    const event = await smallEvent();
    await hold(await fan(), [event.tickets(1)]);
    const best = await json<{ ticketIds: string[]; totalCents: number }>(await call("GET", `/api/events/${event.id}/best-available?count=2&section=Stalls`), 200);
    // Row A is seats 0-3 with seat 1 held: the free pair 2-3 is the front row's only block.
    expect(best).toEqual({ ticketIds: [event.tickets(2), event.tickets(3)], totalCents: 10_000 });
    const three = await json<{ ticketIds: string[] }>(await call("GET", `/api/events/${event.id}/best-available?count=3&section=Stalls`), 200);
    // Row B is 4-7, all free: 4-6 or 5-7 both leave one seat; 4-6 is as central as 5-7, and the first found wins.
    expect(three.ticketIds).toHaveLength(3);
    await problem(await call("GET", `/api/events/${event.id}/best-available?count=9&section=Stalls`), 409);
    await problem(await call("GET", `/api/events/${event.id}/best-available?count=0`), 400);
  });

  it("keeps wheelchair spaces for those who ask (accessible=true), and the venue's map says which seats they are", async () => {
    const sections = [{ name: "Stalls", rows: [{ name: "A", seats: 4, wheelchair: [1], companion: [2] }, { name: "B", seats: 4 }] }, { name: "Floor", capacity: 5 }];
    const event = await smallEvent({ venue: { sections } });
    const detail = await json<{ venue: { seatMap: { sections: { rows: { types?: string }[] }[] } } }>(await call("GET", `/api/events/${event.id}`), 200);
    expect(detail.venue.seatMap.sections[0]?.rows.map((r) => r.types)).toEqual(["wcss", undefined]);
    const ordinary = await json<{ ticketIds: string[] }>(await call("GET", `/api/events/${event.id}/best-available?count=2`), 200);
    expect(ordinary.ticketIds).toEqual([event.tickets(2), event.tickets(3)]);
    const accessible = await json<{ ticketIds: string[] }>(await call("GET", `/api/events/${event.id}/best-available?count=2&accessible=true`), 200);
    expect(accessible.ticketIds).toEqual([event.tickets(0), event.tickets(1)]);
    await hold(await fan(), [event.tickets(0)]);
    expect((await problem(await call("GET", `/api/events/${event.id}/best-available?count=2&accessible=true`), 409)).detail).toMatch(/wheelchair space/);
    await problem(await call("GET", `/api/events/${event.id}/best-available?count=2&accessible=yes`), 400);
  });

  it("refuses a venue naming a wheelchair space its row does not have, with a clear 400", async () => {
    const organizer = await organizerToken();
    const res = await call("POST", "/api/venues", {
      token: organizer,
      body: { name: "Odd Hall", city: "London", country: "GB", lat: 51.5, lng: -0.1, sections: [{ name: "Stalls", rows: [{ name: "A", seats: 4, wheelchair: [9] }] }] },
    });
    expect((await problem(res, 400)).detail).toMatch(/no seat 9/);
  });
});
