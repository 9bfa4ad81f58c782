/**
 * Attacks on promo codes and on the money they move (docs/architecture.md
 * "All-in prices and codes"): discounts bigger than the face value, a 100 %
 * promo with fees, seats outside a promo's sections, typed-code tricks, and
 * the payments engineer's question: do the hold, the payment, the booking's
 * tickets, partial refunds and the report always agree to the cent, also
 * when the organizer changes fees or prices in the middle of a checkout?
 */
import { describe, expect, it } from "vitest";
import { chargeFor } from "../../src/shared/pricing";
import { checkout, fan, intentRow, pay, query, smallEvent } from "../booking-helpers";
import { call, json, problem } from "../helpers";
import { FEES, holdView, newCode, usesOf, withCode, type PricedHold } from "./code-helpers";

interface Report {
  money: { grossCents: number; refundedCents: number; netCents: number; split: { faceCents: number; discountCents: number; feeCents: number; taxCents: number } };
}

const report = async (eventId: string, token: string) => json<Report>(await call("GET", `/api/events/${eventId}/report`, { token }), 200);
const refund = (bookingId: string, token: string, body: Record<string, unknown>) => call("POST", `/api/organizer/bookings/${bookingId}/refund`, { token, body });

/** The booking's tickets as Postgres has them. */
const bookedRows = (bookingId: string) =>
  query<{ seat_index: number; price_cents: number; face_cents: number; discount_cents: number; fee_cents: number; tax_cents: number; released: boolean }>(
    "select seat_index, price_cents, face_cents, discount_cents, fee_cents, tax_cents, released from booked_tickets where booking_id = $1 order by seat_index",
    [bookingId],
  );

describe("discounts that try to go below zero", () => {
  it("a fixed discount larger than the face value stops at the face value: the fan still pays the fee and its tax, never a negative price", async () => {
    const event = await smallEvent({ fees: FEES });
    await newCode(event.id, event.organizer, { code: "HUGE", kind: "promo", discount: { fixedCents: 100_000_000 }, maxUses: 5 });
    const h = await json<PricedHold>(await withCode(await fan(), [event.tickets(0), event.tickets(8)], "HUGE"), 201);
    // Net 0, fee 1.50 + 10 % of 0, tax 21 % of 1.50 = 0.315 → 0.32 (half up).
    const onlyFee = { discountCents: 0, feeCents: 150, taxCents: 32, totalCents: 182 };
    expect(h.tickets).toEqual([
      { ticketId: event.tickets(0), faceCents: 5000, ...onlyFee, discountCents: 5000 },
      { ticketId: event.tickets(8), faceCents: 3000, ...onlyFee, discountCents: 3000 },
    ]);
    expect(h.totalCents).toBe(364);
    expect(h.tickets.every((t) => t.totalCents >= 0 && t.discountCents <= t.faceCents)).toBe(true);
  });

  it("a 100 % promo with fees leaves the fee and its tax; the booking and the report carry the full discount", async () => {
    const event = await smallEvent({ fees: FEES });
    await newCode(event.id, event.organizer, { code: "FREE100", kind: "promo", discount: { percentBp: 10_000 }, maxUses: 5 });
    const token = await fan();
    const h = await json<PricedHold>(await withCode(token, [event.tickets(1)], "FREE100"), 201);
    expect(h.breakdown).toEqual({ faceCents: 5000, discountCents: 5000, feeCents: 150, taxCents: 32, totalCents: 182 });
    const intent = await checkout(token, h.holdId);
    expect(intent.amountCents).toBe(182);
    await pay(intent.paymentIntentId);
    const booked = await holdView(h.holdId, token);
    expect(await bookedRows(booked.bookingId ?? "")).toEqual([
      { seat_index: 1, price_cents: 182, face_cents: 5000, discount_cents: 5000, fee_cents: 150, tax_cents: 32, released: false },
    ]);
    const money = (await report(event.id, event.organizer)).money;
    expect(money).toMatchObject({ grossCents: 182, netCents: 182, split: { faceCents: 5000, discountCents: 5000, feeCents: 150, taxCents: 32 } });
  });
});

describe("a promo's sections", () => {
  it("seats outside the promo's sections pay full price, whatever else is in the hold; best available and the ticket list never show the discount", async () => {
    const event = await smallEvent({ fees: FEES });
    await newCode(event.id, event.organizer, { code: "FLOORONLY", kind: "promo", discount: { percentBp: 3333 }, sections: ["Floor"], maxUses: 5 });
    const h = await json<PricedHold>(await withCode(await fan(), [event.tickets(2), event.tickets(9)], "FLOORONLY"), 201);
    expect(h.tickets.map((t) => [t.ticketId, t.discountCents, t.totalCents])).toEqual([
      [event.tickets(2), 0, 6837],
      // 33.33 % of 30.00 = 10.00 (half up); fee 1.50 + 2.00, tax 21 % of 23.50 = 4.935 → 4.94.
      [event.tickets(9), 1000, 2844],
    ]);
    expect(chargeFor(3000, FEES, { percentBp: 3333, fixedCents: null }).totalCents).toBe(2844);
    // Only Stalls with the code: the code applies to nothing, and the fan pays full price (the use is still taken).
    const stalls = await json<PricedHold>(await withCode(await fan(), [event.tickets(3)], "FLOORONLY"), 201);
    expect(stalls.breakdown).toMatchObject({ discountCents: 0, totalCents: 6837 });
    expect(await usesOf(event.id, event.organizer, "FLOORONLY")).toEqual({ reserved: 2, spent: 0 });
  });

  it("a promo for a section the event does not have, or a section name in another case or with spaces inside, is refused at creation", async () => {
    const event = await smallEvent();
    for (const sections of [["floor"], ["FLOOR"], ["Flo or"], ["Floor", "Balcony"], [""], ["Floor\u0000"]]) {
      await problem(await call("POST", `/api/events/${event.id}/codes`, { token: event.organizer, body: { code: "SECT1", kind: "promo", discount: { fixedCents: 1 }, sections, maxUses: 1 } }), 400);
    }
    // Surrounding spaces are trimmed, so " Floor " is the Floor.
    await json(await call("POST", `/api/events/${event.id}/codes`, { token: event.organizer, body: { code: "SECT2", kind: "promo", discount: { fixedCents: 100 }, sections: [" Floor "], maxUses: 1 } }), 201);
    const h = await json<PricedHold>(await withCode(await fan(), [event.tickets(8)], "SECT2"), 201);
    expect(h.breakdown.discountCents).toBe(100);
  });
});

describe("what fans type", () => {
  it("case and surrounding spaces are forgiven; look-alike letters, invisible characters, wrong types and long strings are a 400 that takes no use", async () => {
    const event = await smallEvent();
    await newCode(event.id, event.organizer, { code: "summer-25", kind: "promo", discount: { fixedCents: 500 }, maxUses: 3 });
    const token = await fan();
    const typed = await json<PricedHold>(await withCode(token, [event.tickets(0)], "  SuMmEr-25 "), 201);
    expect(typed.code).toEqual({ code: "SUMMER-25", kind: "promo" });
    const bad: unknown[] = [
      "SUMMER\u201125", // non-breaking hyphen
      "SUMMER-2\u0665", // Arabic-Indic five
      "\u0405UMMER-25", // Cyrillic capital DZE, looks like S
      "SUMMER-25\u200b", // zero-width space
      "ＳＵＭＭＥＲ-25", // fullwidth
      "SUMMER-25\u0000",
      "S".repeat(41),
      "S".repeat(100_000),
      "",
      "-SUMMER",
      42,
      null,
      ["SUMMER-25"],
      { code: "SUMMER-25" },
      true,
    ];
    for (const code of bad) {
      const res = await call("POST", "/api/booking/reserve", { token: await fan(), body: { ticketIds: [event.tickets(1)], code } });
      const text = await res.text();
      expect(res.status, `${JSON.stringify(code)?.slice(0, 40)}: ${text.slice(0, 200)}`).toBe(400);
      expect(res.headers.get("content-type")).toBe("application/problem+json");
    }
    // An extra field beside the code, or a discount sent by the fan, is refused too.
    await problem(await call("POST", "/api/booking/reserve", { token, body: { ticketIds: [event.tickets(1)], code: "SUMMER-25", discount: { percentBp: 10_000 } } }), 400);
    await problem(await call("POST", "/api/booking/reserve", { token, body: { ticketIds: [event.tickets(1)], code: "SUMMER-25", totalCents: 1 } }), 400);
    expect(await usesOf(event.id, event.organizer, "SUMMER-25")).toEqual({ reserved: 1, spent: 0 });
  });
});

describe("money agrees to the cent", () => {
  it("hold total = payment amount = booking amount = Σ booked price_cents = Σ of each ticket's split; partial refunds return exactly those tickets; the report adds up at every step", async () => {
    const event = await smallEvent({ fees: { feeFixedCents: 99, feePercentBp: 777, taxRateBp: 1999 } });
    await newCode(event.id, event.organizer, { code: "ODD", kind: "promo", discount: { percentBp: 1234 }, sections: ["Stalls"], maxUses: 5 });
    const token = await fan();
    const h = await json<PricedHold>(await withCode(token, [event.tickets(0), event.tickets(1), event.tickets(8), event.tickets(9)], "ODD"), 201);
    const fees = { feeFixedCents: 99, feePercentBp: 777, taxRateBp: 1999 };
    const promo = { percentBp: 1234, fixedCents: null };
    const expected = [chargeFor(5000, fees, promo), chargeFor(5000, fees, promo), chargeFor(3000, fees), chargeFor(3000, fees)];
    expect(h.tickets.map(({ ticketId: _id, ...c }) => c)).toEqual(expected);
    expect(h.totalCents).toBe(expected.reduce((s, c) => s + c.totalCents, 0));
    for (const t of h.tickets) expect(t.faceCents - t.discountCents + t.feeCents + t.taxCents).toBe(t.totalCents);

    const intent = await checkout(token, h.holdId);
    expect(intent.amountCents).toBe(h.totalCents);
    expect((await intentRow(intent.paymentIntentId)).amount).toBe(h.totalCents);
    await pay(intent.paymentIntentId);
    const bookingId = (await holdView(h.holdId, token)).bookingId ?? "";
    const [booking] = await query<{ amount_cents: number; refunded_cents: number; code_id: string | null }>("select amount_cents, refunded_cents, code_id from bookings where id = $1", [bookingId]);
    expect(booking?.amount_cents).toBe(h.totalCents);
    expect(booking?.code_id).toMatch(/^cd_/);
    const rows = await bookedRows(bookingId);
    expect(rows.reduce((s, r) => s + r.price_cents, 0)).toBe(h.totalCents);
    expect((await intentRow(intent.paymentIntentId)).amount_received).toBe(h.totalCents);

    const addsUp = async () => {
      const { money } = await report(event.id, event.organizer);
      const live = (await bookedRows(bookingId)).filter((r) => !r.released);
      expect(money.netCents).toBe(money.grossCents - money.refundedCents);
      expect(money.split.faceCents - money.split.discountCents + money.split.feeCents + money.split.taxCents).toBe(money.netCents);
      expect(money.netCents).toBe(live.reduce((s, r) => s + r.price_cents, 0));
      return money;
    };
    await addsUp();

    // One discounted ticket: exactly its all-in price comes back; asked again, nothing more.
    const first = await json<{ refundedCents: number }>(await refund(bookingId, event.organizer, { ticketIds: [event.tickets(1)] }), 200);
    expect(first.refundedCents).toBe(expected[1]?.totalCents);
    const again = await json<{ refundedCents: number }>(await refund(bookingId, event.organizer, { ticketIds: [event.tickets(1)] }), 200);
    expect(again.refundedCents).toBe(expected[1]?.totalCents);
    await addsUp();
    // A ticket of another booking or event cannot be slipped into the request.
    await problem(await refund(bookingId, event.organizer, { ticketIds: [event.tickets(2)] }), 400);
    // The rest: the booking is returned to the cent, and never more than was paid.
    const rest = await json<{ refundedCents: number; amountCents: number }>(await refund(bookingId, event.organizer, {}), 200);
    expect(rest.refundedCents).toBe(rest.amountCents);
    expect((await intentRow(intent.paymentIntentId)).amount_refunded).toBe(h.totalCents);
    const money = await addsUp();
    expect(money.netCents).toBe(0);
    const refunds = await query<{ amount_cents: number }>("select amount_cents from refunds where booking_id = $1", [bookingId]);
    expect(refunds.reduce((s, r) => s + r.amount_cents, 0)).toBe(h.totalCents);
    // The whole booking refunded gives its code's use back (the hold ended with it).
    expect(await usesOf(event.id, event.organizer, "ODD")).toEqual({ reserved: 0, spent: 0 });
  });

  it("fees and face values changed after checkout started: the authorized payment books at the price the fan was shown, split as shown", async () => {
    const event = await smallEvent({ fees: FEES });
    const token = await fan();
    const h = await json<PricedHold>(await call("POST", "/api/booking/reserve", { token, body: { ticketIds: [event.tickets(0), event.tickets(8)] } }), 201);
    expect(h.totalCents).toBe(6837 + 4175);
    const intent = await checkout(token, h.holdId);
    await json(await call("PATCH", `/api/events/${event.id}`, { token: event.organizer, body: { fees: { feeFixedCents: 5000, feePercentBp: 10_000, taxRateBp: 10_000 } } }), 200);
    await json(
      await call("PATCH", `/api/events/${event.id}`, {
        token: event.organizer,
        body: {
          prices: [
            { section: "Stalls", priceCents: 1 },
            { section: "Floor", priceCents: 99_999 },
          ],
        },
      }),
      200,
    );
    // The fan's view of the hold did not move ...
    expect((await holdView(h.holdId, token)).tickets).toEqual(h.tickets);
    // ... and the payment for it books it, at that price.
    expect((await pay(intent.paymentIntentId)).webhook.state).toMatchObject({ booking: "confirmed", payment: "captured" });
    const bookingId = (await holdView(h.holdId, token)).bookingId ?? "";
    const rows = await bookedRows(bookingId);
    expect(rows.map((r) => [r.seat_index, r.price_cents, r.face_cents, r.fee_cents, r.tax_cents])).toEqual([
      [0, 6837, 5000, 650, 1187],
      [8, 4175, 3000, 450, 725],
    ]);
    // A refund of the Floor ticket returns what was paid for it, not its new price.
    expect((await json<{ refundedCents: number }>(await refund(bookingId, event.organizer, { ticketIds: [event.tickets(8)] }), 200)).refundedCents).toBe(4175);
    // A new hold pays the new prices.
    const next = await json<PricedHold>(await call("POST", "/api/booking/reserve", { token: await fan(), body: { ticketIds: [event.tickets(1)] } }), 201);
    expect(next.totalCents).toBe(chargeFor(1, { feeFixedCents: 5000, feePercentBp: 10_000, taxRateBp: 10_000 }).totalCents);
  });

  it("the prices fans see before holding are the prices the hold charges (event page, ticket list, best available, hold)", async () => {
    const fees = { feeFixedCents: 1, feePercentBp: 1, taxRateBp: 1 };
    const event = await smallEvent({ fees, prices: [{ section: "Stalls", priceCents: 4999 }, { section: "Floor", priceCents: 27 }] });
    const detail = await json<{ prices: { section: string; minCents: number }[] }>(await call("GET", `/api/events/${event.id}`), 200);
    const list = await json<{ tickets: { id: string; totalCents: number }[] }>(await call("GET", `/api/events/${event.id}/tickets?limit=13`), 200);
    const best = await json<{ ticketIds: string[]; totalCents: number }>(await call("GET", `/api/events/${event.id}/best-available?count=2&section=Floor`), 200);
    const h = await json<PricedHold>(await call("POST", "/api/booking/reserve", { token: await fan(), body: { ticketIds: best.ticketIds } }), 201);
    expect(h.totalCents).toBe(best.totalCents);
    for (const t of h.tickets) expect(list.tickets.find((l) => l.id === t.ticketId)?.totalCents).toBe(t.totalCents);
    expect(detail.prices.find((p) => p.section === "Floor")?.minCents).toBe(h.tickets[0]?.totalCents);
    expect(detail.prices.find((p) => p.section === "Stalls")?.minCents).toBe(chargeFor(4999, fees).totalCents);
  });
});
