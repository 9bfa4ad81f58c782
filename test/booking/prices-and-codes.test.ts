/**
 * All-in prices and codes: every price a fan sees includes the event's
 * service fee and tax, rounded per ticket; holds, payments, bookings,
 * refunds and reports carry the same split; presale and promo codes are
 * counted exactly by the event's room.
 *
 * The event: Stalls 50.00 and Floor 30.00 face, a fee of 1.50 + 10 % and
 * 21 % tax on face and fee. Worked by hand (half up, per ticket):
 *   Stalls: fee 150 + 500 = 650, tax 5650 × 0.21 = 1186.5 → 1187, total 6837
 *   Floor:  fee 150 + 300 = 450, tax 3450 × 0.21 = 724.5 → 725, total 4175
 *   Stalls with 15 % off: discount 750, fee 150 + 425 = 575,
 *     tax 4825 × 0.21 = 1013.25 → 1013, total 5838
 */
import { describe, expect, it } from "vitest";
import { call, json, organizerToken, problem, search, tokenFor } from "../helpers";
import { checkout, fan, NOTHING_SOLD, pay, query, reserve, smallEvent, travel } from "../booking-helpers";

const FEES = { feeFixedCents: 150, feePercentBp: 1000, taxRateBp: 2100 };
const STALLS = { faceCents: 5000, discountCents: 0, feeCents: 650, taxCents: 1187, totalCents: 6837 };
const FLOOR = { faceCents: 3000, discountCents: 0, feeCents: 450, taxCents: 725, totalCents: 4175 };
const STALLS_15_OFF = { faceCents: 5000, discountCents: 750, feeCents: 575, taxCents: 1013, totalCents: 5838 };

interface PricedHold {
  holdId: string;
  totalCents: number;
  breakdown: typeof STALLS;
  tickets: (typeof STALLS & { ticketId: string })[];
  code: { code: string; kind: string } | null;
}

interface CodeBody {
  codeId: string;
  code: string;
  uses: { reserved: number; spent: number } | null;
}

const withCode = (token: string, ticketIds: string[], code: string) => call("POST", "/api/booking/reserve", { token, body: { ticketIds, code } });
const makeCode = (eventId: string, token: string, body: Record<string, unknown>) => call("POST", `/api/events/${eventId}/codes`, { token, body });
const codes = async (eventId: string, token: string) => (await json<{ codes: CodeBody[] }>(await call("GET", `/api/events/${eventId}/codes`, { token }), 200)).codes;

describe("all-in prices", () => {
  it("every price a fan sees includes the fee and tax: search, event, tickets, best available", async () => {
    const name = `Allin ${crypto.randomUUID().slice(0, 8)}`;
    const event = await smallEvent({ name, fees: FEES });
    const detail = await json<{ fees: typeof FEES; prices: { section: string; minCents: number; faceMinCents: number }[]; priceRange: { minCents: number; maxCents: number } }>(
      await call("GET", `/api/events/${event.id}`),
      200,
    );
    expect(detail.fees).toEqual(FEES);
    expect(detail.prices.map((p) => [p.section, p.minCents, p.faceMinCents])).toEqual([
      ["Stalls", STALLS.totalCents, 5000],
      ["Floor", FLOOR.totalCents, 3000],
    ]);
    expect(detail.priceRange).toEqual({ minCents: FLOOR.totalCents, maxCents: STALLS.totalCents });
    const list = await json<{ tickets: { id: string; priceCents: number; totalCents: number }[] }>(await call("GET", `/api/events/${event.id}/tickets?limit=1`), 200);
    expect(list.tickets[0]).toMatchObject({ priceCents: 5000, totalCents: STALLS.totalCents });
    const best = await json<{ totalCents: number }>(await call("GET", `/api/events/${event.id}/best-available?count=2&section=Stalls`), 200);
    expect(best.totalCents).toBe(2 * STALLS.totalCents);
    const found = (await search({ term: name })).results.find((r) => r.id === event.id) as { minPriceCents: number; currency: string } | undefined;
    expect(found).toMatchObject({ minPriceCents: FLOOR.totalCents, currency: "usd" });
  });

  it("a hold, its payment, its booking, the report and a refund carry the same split", async () => {
    const event = await smallEvent({ fees: FEES });
    const token = await fan();
    const held = await json<PricedHold>(await reserve(token, [event.tickets(0), event.tickets(8)]), 201);
    expect(held.totalCents).toBe(STALLS.totalCents + FLOOR.totalCents);
    expect(held.breakdown).toEqual({
      faceCents: 8000,
      discountCents: 0,
      feeCents: STALLS.feeCents + FLOOR.feeCents,
      taxCents: STALLS.taxCents + FLOOR.taxCents,
      totalCents: held.totalCents,
    });
    expect(held.tickets).toEqual([
      { ticketId: event.tickets(0), ...STALLS },
      { ticketId: event.tickets(8), ...FLOOR },
    ]);
    const intent = await checkout(token, held.holdId);
    expect(intent.amountCents).toBe(held.totalCents);
    await pay(intent.paymentIntentId);
    const view = await json<{ state: string; bookingId: string }>(await call("GET", `/api/booking/holds/${held.holdId}`, { token }), 200);
    expect(view.state).toBe("booked");
    const rows = await query<{ seat_index: number; price_cents: number; face_cents: number; fee_cents: number; tax_cents: number; discount_cents: number }>(
      "select seat_index, price_cents, face_cents, fee_cents, tax_cents, discount_cents from booked_tickets where booking_id = $1 order by seat_index",
      [view.bookingId],
    );
    expect(rows).toEqual([
      { seat_index: 0, price_cents: STALLS.totalCents, face_cents: 5000, fee_cents: STALLS.feeCents, tax_cents: STALLS.taxCents, discount_cents: 0 },
      { seat_index: 8, price_cents: FLOOR.totalCents, face_cents: 3000, fee_cents: FLOOR.feeCents, tax_cents: FLOOR.taxCents, discount_cents: 0 },
    ]);

    const report = await json<{ money: { grossCents: number; split: Record<string, number> }; byPrice: { priceCents: number; sold: number }[] }>(
      await call("GET", `/api/events/${event.id}/report`, { token: event.organizer }),
      200,
    );
    expect(report.money.grossCents).toBe(held.totalCents);
    expect(report.money.split).toEqual({ faceCents: 8000, discountCents: 0, feeCents: 1100, taxCents: 1912 });
    expect(report.byPrice.map((p) => p.priceCents)).toEqual([FLOOR.totalCents, STALLS.totalCents]);

    // One ticket refunded returns what was paid for it, all in.
    const refunded = await json<{ refundedCents: number }>(
      await call("POST", `/api/organizer/bookings/${view.bookingId}/refund`, { token: event.organizer, body: { ticketIds: [event.tickets(8)] } }),
      200,
    );
    expect(refunded.refundedCents).toBe(FLOOR.totalCents);
  });

  it("an organizer's new fees reach the room: the next hold pays them, a hold made before keeps its price", async () => {
    const event = await smallEvent();
    const early = await fan();
    const before = await json<PricedHold>(await reserve(early, [event.tickets(1)]), 201);
    expect(before.breakdown).toEqual({ faceCents: 5000, discountCents: 0, feeCents: 0, taxCents: 0, totalCents: 5000 });
    const patched = await call("PATCH", `/api/events/${event.id}`, { token: event.organizer, body: { fees: FEES } });
    expect(patched.status).toBe(200);
    await patched.body?.cancel();
    const after = await json<PricedHold>(await reserve(await fan(), [event.tickets(2)]), 201);
    expect(after.totalCents).toBe(STALLS.totalCents);
    const kept = await json<PricedHold>(await call("GET", `/api/booking/holds/${before.holdId}`, { token: early }), 200);
    expect(kept.totalCents).toBe(5000);
  });

  it("fees out of range are a 400 problem", async () => {
    const event = await smallEvent();
    for (const fees of [{ ...FEES, feePercentBp: 10_001 }, { ...FEES, taxRateBp: -1 }, { ...FEES, feeFixedCents: 1.5 }, { feeFixedCents: 1 }]) {
      await problem(await call("PATCH", `/api/events/${event.id}`, { token: event.organizer, body: { fees } }), 400);
    }
  });
});

describe("promo codes", () => {
  it("a promo takes its discount off the face value in its sections only, and the fee and tax follow", async () => {
    const event = await smallEvent({ fees: FEES });
    await json(await makeCode(event.id, event.organizer, { code: "stalls15", kind: "promo", discount: { percentBp: 1500 }, sections: ["Stalls"], maxUses: 5 }), 201);
    const held = await json<PricedHold>(await withCode(await fan(), [event.tickets(0), event.tickets(8)], "STALLS15"), 201);
    expect(held.code).toEqual({ code: "STALLS15", kind: "promo" });
    expect(held.tickets).toEqual([
      { ticketId: event.tickets(0), ...STALLS_15_OFF },
      { ticketId: event.tickets(8), ...FLOOR },
    ]);
    expect(held.totalCents).toBe(STALLS_15_OFF.totalCents + FLOOR.totalCents);
  });

  it("an unknown, disabled or other event's code is a 404; an expired one a 409", async () => {
    const event = await smallEvent();
    const other = await smallEvent();
    const made = await json<CodeBody>(await makeCode(other.id, other.organizer, { code: "OTHER1", kind: "promo", discount: { fixedCents: 500 }, maxUses: 5 }), 201);
    const token = await fan();
    await problem(await withCode(token, [event.tickets(0)], "NOPE99"), 404);
    await problem(await withCode(token, [event.tickets(0)], "OTHER1"), 404);
    await json(await call("PATCH", `/api/events/${other.id}/codes/${made.codeId}`, { token: other.organizer, body: { disabled: true } }), 200);
    await problem(await withCode(token, [other.tickets(0)], "OTHER1"), 404);
    await json(await makeCode(event.id, event.organizer, { code: "LATE01", kind: "promo", discount: { fixedCents: 500 }, maxUses: 5, endsAt: "2020-01-01T00:00:00Z" }), 201);
    expect((await problem(await withCode(token, [event.tickets(0)], "late01"), 409)).detail).toMatch(/expired/);
    await problem(await withCode(token, [event.tickets(0)], "no spaces!"), 400);
  });

  it("200 fans racing for a code with 10 uses get exactly 10; a released hold returns its use, a booked one spends it", { timeout: 120_000 }, async () => {
    const event = await smallEvent({ venue: { sections: [{ name: "Floor", capacity: 210 }] }, prices: [{ section: "Floor", priceCents: 3000 }] });
    await json(await makeCode(event.id, event.organizer, { code: "TENUSES", kind: "promo", discount: { fixedCents: 1000 }, maxUses: 10 }), 201);
    const fans = await Promise.all(Array.from({ length: 200 }, (_, i) => fan(`coder-${i}`)));
    const answers = await Promise.all(fans.map((token, i) => withCode(token, [event.tickets(i)], "TENUSES")));
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(10);
    expect(statuses.filter((s) => s === 409)).toHaveLength(190);
    const winners: { token: string; hold: PricedHold }[] = [];
    for (const [i, res] of answers.entries()) {
      if (res.status === 201) winners.push({ token: fans[i] ?? "", hold: await json<PricedHold>(res, 201) });
      else await res.body?.cancel();
    }
    expect(winners.every((w) => w.hold.totalCents === 2000)).toBe(true);
    expect((await codes(event.id, event.organizer)).find((c) => c.code === "TENUSES")?.uses).toEqual({ reserved: 10, spent: 0 });

    // One gives the seats back: its use returns, and the next fan gets it.
    const [first, second] = winners;
    if (!first || !second) throw new Error("ten winners expected");
    expect((await call("DELETE", `/api/booking/holds/${first.hold.holdId}`, { token: first.token })).status).toBe(204);
    const late = await fan();
    await json(await withCode(late, [event.tickets(205)], "TENUSES"), 201);
    await problem(await withCode(await fan(), [event.tickets(206)], "TENUSES"), 409);

    // One books: its use is spent.
    const intent = await checkout(second.token, second.hold.holdId);
    expect(intent.amountCents).toBe(2000);
    await pay(intent.paymentIntentId);
    expect((await codes(event.id, event.organizer)).find((c) => c.code === "TENUSES")?.uses).toEqual({ reserved: 9, spent: 1 });
    const [booking] = await query<{ code_id: string | null }>("select b.code_id from bookings b where b.hold_id = $1", [second.hold.holdId]);
    expect(booking?.code_id).toMatch(/^cd_/);
  });
});

describe("a code's last use", () => {
  it("a hold that lapsed gave its use back: its late payment does not take the use another fan holds now", async () => {
    const event = await smallEvent();
    await json(await makeCode(event.id, event.organizer, { code: "ONLYONE", kind: "promo", discount: { fixedCents: 500 }, maxUses: 1 }), 201);
    const late = await fan();
    const first = await json<PricedHold>(await withCode(late, [event.tickets(0)], "ONLYONE"), 201);
    const intent = await checkout(late, first.holdId);
    await travel(event.id, 13 * 60_000);
    const now = await json<PricedHold>(await withCode(await fan(), [event.tickets(1)], "ONLYONE"), 201);
    expect(now.code?.code).toBe("ONLYONE");
    expect((await pay(intent.paymentIntentId)).webhook.state).toEqual(NOTHING_SOLD);
    expect((await codes(event.id, event.organizer))[0]?.uses).toEqual({ reserved: 1, spent: 0 });
  });

  it("a hold that lapsed is booked by its late payment when its code still has a use", async () => {
    const event = await smallEvent();
    await json(await makeCode(event.id, event.organizer, { code: "SPARE", kind: "promo", discount: { fixedCents: 500 }, maxUses: 2 }), 201);
    const late = await fan();
    const first = await json<PricedHold>(await withCode(late, [event.tickets(0)], "SPARE"), 201);
    const intent = await checkout(late, first.holdId);
    await travel(event.id, 13 * 60_000);
    expect((await pay(intent.paymentIntentId)).webhook.state).toMatchObject({ booking: "confirmed" });
    expect((await codes(event.id, event.organizer))[0]?.uses).toEqual({ reserved: 0, spent: 1 });
  });
});

describe("presale codes", () => {
  it("a presale code opens the sale before its on-sale time, through checkout to a booking; without it the sale is closed", async () => {
    const event = await smallEvent({ onSaleAt: "2027-05-01T10:00:00Z" });
    await json(await makeCode(event.id, event.organizer, { code: "FANCLUB", kind: "presale", maxUses: 3 }), 201);
    const token = await fan();
    expect((await problem(await reserve(token, [event.tickets(0)]), 409)).detail).toMatch(/go on sale/);
    const held = await json<PricedHold>(await withCode(token, [event.tickets(0)], "fanclub"), 201);
    expect(held.code).toEqual({ code: "FANCLUB", kind: "presale" });
    expect(held.breakdown.discountCents).toBe(0);
    const intent = await checkout(token, held.holdId);
    const paid = await pay(intent.paymentIntentId);
    expect(paid.webhook.state).toMatchObject({ booking: "confirmed", hold: "booked" });
  });

  it("a presale code is a promo's opposite: it gives no discount, and a promo opens nothing early", async () => {
    const event = await smallEvent({ onSaleAt: "2027-05-01T10:00:00Z" });
    await problem(await makeCode(event.id, event.organizer, { code: "PRE1", kind: "presale", discount: { percentBp: 100 }, maxUses: 3 }), 400);
    await json(await makeCode(event.id, event.organizer, { code: "PROMO1", kind: "promo", discount: { percentBp: 100 }, maxUses: 3 }), 201);
    expect((await problem(await withCode(await fan(), [event.tickets(0)], "PROMO1"), 409)).detail).toMatch(/go on sale/);
  });
});

describe("codes are the event's organizers'", () => {
  it("another org cannot list, create or change them; a duplicate is a 409; bad input a 400", async () => {
    const event = await smallEvent();
    const rival = await organizerToken();
    const made = await json<CodeBody>(await makeCode(event.id, event.organizer, { code: "MINE", kind: "promo", discount: { fixedCents: 100 }, maxUses: 1 }), 201);
    await problem(await call("GET", `/api/events/${event.id}/codes`, { token: rival }), 404);
    await problem(await makeCode(event.id, rival, { code: "THEIRS", kind: "promo", discount: { fixedCents: 100 }, maxUses: 1 }), 404);
    await problem(await call("PATCH", `/api/events/${event.id}/codes/${made.codeId}`, { token: rival, body: { maxUses: 100 } }), 404);
    await problem(await call("GET", `/api/events/${event.id}/codes`, { token: await tokenFor("just-a-fan", ["fan"]) }), 403);
    await problem(await makeCode(event.id, event.organizer, { code: "mine", kind: "promo", discount: { fixedCents: 100 }, maxUses: 1 }), 409);
    for (const body of [
      { code: "NODISC", kind: "promo", maxUses: 1 },
      { code: "X", kind: "promo", discount: { fixedCents: 1 }, maxUses: 1 },
      { code: "ZEROUSE", kind: "presale", maxUses: 0 },
      { code: "NOSECT", kind: "promo", discount: { fixedCents: 1 }, sections: ["Balcony"], maxUses: 1 },
      { code: "BACKWARD", kind: "presale", maxUses: 1, startsAt: "2027-01-02T00:00:00Z", endsAt: "2027-01-01T00:00:00Z" },
    ]) {
      await problem(await makeCode(event.id, event.organizer, body), 400);
    }
    const listed = await codes(event.id, event.organizer);
    expect(listed.map((c) => [c.code, c.uses])).toEqual([["MINE", { reserved: 0, spent: 0 }]]);
  });
});
