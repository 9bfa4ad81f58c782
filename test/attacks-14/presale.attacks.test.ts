/**
 * Attacks on presale codes (docs/architecture.md "All-in prices and codes"):
 * a presale code opens the sale before `onSaleAt` for holds made with it and
 * stands in for the waiting room's admission until then; after the on-sale
 * it gives nothing more. Tried: skipping the waiting room after the on-sale,
 * a presale hold carried across the on-sale, a disabled or ended code, a
 * cancelled event, another event's code, and dropping the code from a hold.
 */
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { checkout, fan, pay, reserve, smallEvent, travel } from "../booking-helpers";
import { call, json, problem } from "../helpers";
import { join, queuedEvent, queueRoom, status } from "../queue-helpers";
import { holdView, newCode, patchCode, usesOf, withCode, type PricedHold } from "./code-helpers";

const FAR_ON_SALE = "2027-05-01T10:00:00Z";
const soon = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();

describe("the waiting room", () => {
  it("before the on-sale a presale code stands in for the admission; after it, the same code without an admission is a 403", async () => {
    const onSaleAt = soon(3);
    const event = await queuedEvent({}, onSaleAt);
    await newCode(event.id, event.organizer, { code: "FANCLUB", kind: "presale", maxUses: 50 });
    const early = await fan();
    await json(await withCode(early, [event.tickets(0)], "FANCLUB"), 201);
    // Without the code the sale is closed, whoever asks.
    await problem(await reserve(await fan(), [event.tickets(1)]), 409);
    await travel(event.id, 4 * 60_000);
    const late = await fan();
    expect((await problem(await withCode(late, [event.tickets(2)], "FANCLUB"), 403)).detail).toMatch(/waiting room/);
    // The early fan cannot re-hold with the code past the on-sale without an admission either.
    expect((await problem(await withCode(early, [event.tickets(3)], "FANCLUB"), 403)).detail).toMatch(/waiting room/);
    await problem(await reserve(early, [event.tickets(3)]), 403);
  });

  it("a forged or foreign admission token with a presale code is refused at the API, before the code is looked at", async () => {
    const event = await queuedEvent({}, FAR_ON_SALE);
    await newCode(event.id, event.organizer, { code: "FANCLUB", kind: "presale", maxUses: 50 });
    const other = await queuedEvent({});
    const token = await fan();
    const joined = await join(other.id, token);
    expect(await runDurableObjectAlarm(queueRoom(other.id))).toBe(true);
    const admitted = await status(other.id, joined.queueTicket ?? "");
    expect(admitted.state).toBe("admitted");
    await problem(await withCode(token, [event.tickets(0)], "FANCLUB", { "x-admission-token": admitted.admissionToken ?? "" }), 403);
    await problem(await withCode(token, [event.tickets(0)], "FANCLUB", { "x-admission-token": "a.b.c" }), 403);
    expect(await usesOf(event.id, event.organizer, "FANCLUB")).toEqual({ reserved: 0, spent: 0 });
  });
});

describe("a presale hold and the on-sale", () => {
  it("a presale hold made just before the on-sale is checked out and booked after it, at its price", async () => {
    const event = await smallEvent({ onSaleAt: soon(2) });
    await newCode(event.id, event.organizer, { code: "EARLY", kind: "presale", maxUses: 5 });
    const token = await fan();
    const h = await json<PricedHold>(await withCode(token, [event.tickets(0)], "EARLY"), 201);
    await travel(event.id, 3 * 60_000);
    const intent = await checkout(token, h.holdId);
    expect(intent.amountCents).toBe(5000);
    expect((await pay(intent.paymentIntentId)).webhook.state).toMatchObject({ booking: "confirmed", hold: "booked" });
    expect(await usesOf(event.id, event.organizer, "EARLY")).toEqual({ reserved: 0, spent: 1 });
  });

  it("after the on-sale a presale code adds nothing: no discount, and it still spends a use when applied", async () => {
    const event = await smallEvent({ onSaleAt: soon(1) });
    await newCode(event.id, event.organizer, { code: "AFTER", kind: "presale", maxUses: 1 });
    await travel(event.id, 2 * 60_000);
    const h = await json<PricedHold>(await withCode(await fan(), [event.tickets(0)], "AFTER"), 201);
    expect(h.breakdown).toEqual({ faceCents: 5000, discountCents: 0, feeCents: 0, taxCents: 0, totalCents: 5000 });
    // A fan without the code buys too; the used-up code is a 409 and no door to anything.
    await json(await reserve(await fan(), [event.tickets(1)]), 201);
    await problem(await withCode(await fan(), [event.tickets(2)], "AFTER"), 409);
  });

  it("dropping the code from a presale hold before the on-sale is refused, and the presale hold stays", async () => {
    const event = await smallEvent({ onSaleAt: FAR_ON_SALE });
    await newCode(event.id, event.organizer, { code: "KEEPIT", kind: "presale", maxUses: 5 });
    const token = await fan();
    const h = await json<PricedHold>(await withCode(token, [event.tickets(0)], "KEEPIT"), 201);
    expect((await problem(await reserve(token, [event.tickets(1)]), 409)).detail).toMatch(/go on sale/);
    expect((await holdView(h.holdId, token)).state).toBe("held");
    // A promo of the same event does not keep the door open either.
    await newCode(event.id, event.organizer, { code: "PROMO", kind: "promo", discount: { percentBp: 1000 }, maxUses: 5 });
    await problem(await withCode(token, [event.tickets(1)], "PROMO"), 409);
    expect((await holdView(h.holdId, token)).state).toBe("held");
  });

  it("a presale code not yet started or already ended opens nothing; the presale window is the code's", async () => {
    const event = await smallEvent({ onSaleAt: FAR_ON_SALE });
    await newCode(event.id, event.organizer, { code: "NOTYET", kind: "presale", maxUses: 5, startsAt: soon(60) });
    await newCode(event.id, event.organizer, { code: "ENDED", kind: "presale", maxUses: 5, endsAt: soon(1) });
    const token = await fan();
    expect((await problem(await withCode(token, [event.tickets(0)], "NOTYET"), 409)).detail).toMatch(/valid from/);
    await json(await withCode(token, [event.tickets(0)], "ENDED"), 201);
    await travel(event.id, 2 * 60_000);
    expect((await problem(await withCode(await fan(), [event.tickets(1)], "ENDED"), 409)).detail).toMatch(/expired/);
  });
});

describe("codes that should open nothing", () => {
  it("another event's presale code, a disabled one, and any code on a cancelled event open nothing", async () => {
    const event = await smallEvent({ onSaleAt: FAR_ON_SALE });
    const other = await smallEvent({ onSaleAt: FAR_ON_SALE });
    await newCode(other.id, other.organizer, { code: "OTHERS", kind: "presale", maxUses: 5 });
    const disabled = await newCode(event.id, event.organizer, { code: "LEAKED", kind: "presale", maxUses: 500 });
    await json(await patchCode(event.id, event.organizer, disabled.codeId, { disabled: true }), 200);
    await newCode(event.id, event.organizer, { code: "VALID", kind: "presale", maxUses: 5 });
    const token = await fan();
    await problem(await withCode(token, [event.tickets(0)], "OTHERS"), 404);
    await problem(await withCode(token, [event.tickets(0)], "LEAKED"), 404);
    const h = await json<PricedHold>(await withCode(token, [event.tickets(0)], "VALID"), 201);
    await json(await call("POST", `/api/events/${event.id}/cancel`, { token: event.organizer, body: { reason: "the band split up" } }), 202);
    expect((await problem(await withCode(await fan(), [event.tickets(1)], "VALID"), 409)).detail).toMatch(/cancelled/);
    // The presale hold made before the cancellation ended with it, and cannot be checked out.
    expect(["released", "expired"]).toContain((await holdView(h.holdId, token)).state);
    await problem(await call("PUT", "/api/booking/confirm", { token, body: { holdId: h.holdId } }), 409);
  });

  it("a presale hold whose code is disabled after it was made still checks out before the on-sale (holds made with it keep what they had)", async () => {
    const event = await smallEvent({ onSaleAt: FAR_ON_SALE });
    const made = await newCode(event.id, event.organizer, { code: "REVOKE", kind: "presale", maxUses: 5 });
    const token = await fan();
    const h = await json<PricedHold>(await withCode(token, [event.tickets(0)], "REVOKE"), 201);
    await json(await patchCode(event.id, event.organizer, made.codeId, { disabled: true }), 200);
    await problem(await withCode(await fan(), [event.tickets(1)], "REVOKE"), 404);
    const intent = await checkout(token, h.holdId);
    expect((await pay(intent.paymentIntentId)).webhook.state).toMatchObject({ booking: "confirmed" });
  });
});
