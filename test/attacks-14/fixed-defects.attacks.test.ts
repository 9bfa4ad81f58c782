/**
 * Defects found by the attack round on all-in prices and codes (issue 14),
 * now fixed: each test states the behaviour the docs promise, with the
 * reproduction and the cause as found beside it.
 */
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { checkout, fan, NOTHING_SOLD, pay, room, smallEvent, travel } from "../booking-helpers";
import { call, callWith, evictRooms, json, problem } from "../helpers";
import { newCode, roomCodeHolds, withCode, type PricedHold } from "./code-helpers";

describe("code uses", () => {
  // docs/architecture.md: "the tests ... erase a room's storage ... to check that they come back from
  // Postgres", and a code with N uses is used at most N times. The room counts spent uses only from its
  // own `holds` table (storage.ts codeUses); Postgres records the code of every booking
  // (bookings.code_id), but a room rebuilt from Postgres (load.ts) starts with an empty `holds` table,
  // so every spent use is forgotten and the code can be used N times again.
  // Repro: a 1-use code, a booking made with it, `state.storage.deleteAll()` + eviction, another fan
  // reserves with the code -> 201 (should be 409 "used as many times as it may be").
  // Fix: count spent uses from Postgres when the room (re)loads: catalog-source.ts fetchCodes can read
  // `select code_id, count(*) from bookings where event_id = $1 and status in (<SALE_STATUSES>) group by
  // code_id` and keep it as each CodeGrant's `spentBefore`, which storage.ts codeUses / codeUsage add to
  // the bookings they count only when the hold is not already in `holds` (or: on a load from Postgres,
  // write a `booked` holds row per booking with a code_id, as writeSold does for seats).
  it("a room whose storage is lost still knows a code's spent uses", async () => {
    const event = await smallEvent();
    await newCode(event.id, event.organizer, { code: "ONCE", kind: "promo", discount: { percentBp: 5000 }, maxUses: 1 });
    const buyer = await fan();
    const h = await json<PricedHold>(await withCode(buyer, [event.tickets(0)], "ONCE"), 201);
    await pay((await checkout(buyer, h.holdId)).paymentIntentId);
    await problem(await withCode(await fan(), [event.tickets(1)], "ONCE"), 409);
    await runInDurableObject(room(event.id), async (_instance, state) => {
      await state.storage.deleteAll();
    });
    await evictRooms(room(event.id));
    // The sold seat came back from Postgres (the fan's limit and the seat are kept) ...
    await problem(await call("POST", "/api/booking/reserve", { token: await fan(), body: { ticketIds: [event.tickets(0)] } }), 409);
    // ... but the code's spent use did not.
    const res = await withCode(await fan(), [event.tickets(2)], "ONCE");
    expect(res.status, await res.text()).toBe(409);
  });

  // planClaim (rules.ts) holds a lapsed hold again "only if every rule of a reserve still allows it", and
  // since this round it checks the code's uses, but not the code's window (prices.ts codeRule checks
  // startsAt/endsAt for a reserve). A promo that ended at its deadline is still granted to a hold that
  // lapsed after the deadline when its payment authorizes late; a presale code whose presale window closed
  // still books a presale hold before the on-sale.
  // Repro: promo code with endsAt = now + 5 min; hold with it; checkout; room clock +13 min (hold lapsed,
  // code ended: a reserve with it is now 409 "has expired"); authorize the payment -> booked at the
  // discounted price (should be: refused, payment cancelled).
  // Fix: in rules.ts planClaim, for a re-hold (`!live`) with a code, refuse when
  // `codeRule(code, codeUses(code.id), now)` rejects (it covers the window and the uses in one place).
  it("a lapsed hold's late payment does not re-hold it with a code whose window has ended", async () => {
    const event = await smallEvent();
    const endsAt = new Date(Date.now() + 5 * 60_000).toISOString();
    const made = await newCode(event.id, event.organizer, { code: "DEADLINE", kind: "promo", discount: { percentBp: 5000 }, maxUses: 10, endsAt });
    const token = await fan();
    const h = await json<PricedHold>(await withCode(token, [event.tickets(0)], "DEADLINE"), 201);
    const intent = await checkout(token, h.holdId);
    await travel(event.id, 13 * 60_000);
    // A reserve with the code is refused now ...
    expect((await problem(await withCode(await fan(), [event.tickets(1)], "DEADLINE"), 409)).detail).toMatch(/expired/);
    // ... but the lapsed hold is held again, at the ended promo's price.
    expect((await pay(intent.paymentIntentId)).webhook.state).toEqual(NOTHING_SOLD);
    expect((await roomCodeHolds(event.id, made.codeId)).booked).toBe(0);
  });
});

describe("money", () => {
  // FeesInput (src/shared/catalog.ts) allows feeFixedCents up to 100,000,000 and 100 % fee and tax, on face
  // values up to 100,000,000: one ticket can cost 600,000,000 (and Stripe refuses any amount over
  // 99,999,999). A hold of four such tickets totals 2,400,000,000, over Postgres `integer`
  // (simulated_payment_intents.amount, bookings.amount_cents): checkout answers a 500.
  // Repro: event with Stalls at 100,000,000 and fees {100000000, 10000, 10000}; reserve 4 Stalls -> 201
  // with totalCents 2,400,000,000; PUT /api/booking/confirm -> 500 "something went wrong".
  // Fix: bound what a hold may cost where the price is decided: FeesInput / EventCreate/EventPatch
  // (catalog.ts) refuse fees that make allIn(maxFace) exceed a per-ticket ceiling, and rules.ts planReserve
  // refuses (400/422 problem) a hold whose total exceeds the provider's maximum charge (99,999,999 for
  // Stripe in USD; well under 2^31-1), so checkout never meets an amount it cannot charge.
  // Fixed: fixed fees are at most 1,000,000 minor units (catalog.ts FeesInput) and the room refuses a hold
  // whose total is over one card payment's maximum (prices.ts payableRule), so checkout never meets it.
  it("a hold the organizer's fees made unpayable is refused as a 4xx problem, never a 500 at checkout", async () => {
    // The highest fees allowed on a 100,000.00 ticket: fee 10,000 + 100,000, tax 100 % → 420,000.00 a ticket.
    const fees = { feeFixedCents: 1_000_000, feePercentBp: 10_000, taxRateBp: 10_000 };
    const event = await smallEvent({ prices: [{ section: "Stalls", priceCents: 10_000_000 }, { section: "Floor", priceCents: 10_000_000 }], fees });
    await problem(await call("PATCH", `/api/events/${event.id}`, { token: event.organizer, body: { fees: { ...fees, feeFixedCents: 1_000_001 } } }), 400);
    const token = await fan();
    const tooMuch = await problem(await call("POST", "/api/booking/reserve", { token, body: { ticketIds: [0, 1, 2].map((s) => event.tickets(s)) } }), 422);
    expect(tooMuch.detail).toMatch(/more than one card payment/);
    const h = await json<PricedHold>(await call("POST", "/api/booking/reserve", { token, body: { ticketIds: [0, 1].map((s) => event.tickets(s)) } }), 201);
    expect(h.totalCents).toBe(84_000_000);
    const confirmed = await call("PUT", "/api/booking/confirm", { token, body: { holdId: h.holdId } });
    expect(confirmed.status, await confirmed.text()).toBe(200);
  });
});

describe("payments the provider refuses", () => {
  // A promo may bring a hold's total to 0 (100 % off, or a fixed amount ≥ the face value, with no fees)
  // or under the card minimum (Stripe: 50 cents in USD). Nothing refuses such a hold: the room prices it
  // (prices.ts chargesFor), and checkout (routes/booking.ts confirm) asks Stripe for an intent of that
  // amount; Stripe answers 400 invalid_request_error (amount_too_small / must be ≥ 1), which
  // StripeProvider.createIntent passes on as an unknown error: a 500, every time the fan retries, with
  // the hold stuck in `paying` until they release it. The simulated provider accepts 0 and 30 cents, so
  // the suites never see it.
  // Repro: Floor at 30.00, promo { fixedCents: 2970 } (or { percentBp: 10000 }); reserve with it -> 201
  // totalCents 30 (or 0); PUT /api/booking/confirm with STRIPE_SECRET_KEY set -> 500.
  // Fix: decide it where the price is decided: rules.ts planReserve refuses (409/422 problem) a hold
  // whose total is above 0 and under the currency's minimum charge, and a total of 0 is booked without a
  // payment (a "free order" row in the lifecycle's table) or refused likewise; CodeCreate could warn. In
  // the provider, map StripeInvalidRequestError from createIntent to a 4xx Problem, and make the
  // simulated provider refuse what Stripe refuses (amount < 50 or > 99,999,999) so tests see it.
  // Fixed: the room refuses a hold under the smallest card payment (prices.ts payableRule) before it takes
  // a use, and an amount Stripe refuses anyway is a 422 (PaymentRefused), not a 500.
  it("a promo that brings a hold under the card minimum is refused at reserve, and takes no use", async () => {
    const event = await smallEvent();
    await newCode(event.id, event.organizer, { code: "NEARLYFREE", kind: "promo", discount: { fixedCents: 2970 }, maxUses: 5 });
    const token = await fan();
    expect((await problem(await withCode(token, [event.tickets(8)], "NEARLYFREE"), 422)).detail).toMatch(/less than the smallest card payment/);
    // With another ticket the hold is payable, and the code is still there to use.
    const h = await json<PricedHold>(await withCode(token, [event.tickets(0), event.tickets(8)], "NEARLYFREE"), 201);
    expect(h.totalCents).toBe(2030 + 30);
  });

  it("checkout of a hold Stripe refuses to charge is a 422 problem, never a 500", async () => {
    const event = await smallEvent();
    const token = await fan();
    const h = await json<PricedHold>(await call("POST", "/api/booking/reserve", { token, body: { ticketIds: [event.tickets(8)] } }), 201);
    const original = globalThis.fetch;
    const stripeCalls: string[] = [];
    vi.stubGlobal("fetch", async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
      if (!url.startsWith("https://api.stripe.com/")) return original(input, init);
      stripeCalls.push(`${init?.method ?? "GET"} ${new URL(url).pathname}`);
      // What Stripe answers to an amount or currency it does not take.
      return new Response(
        JSON.stringify({ error: { code: "amount_too_small", message: "Amount must be at least $0.50 usd", param: "amount", type: "invalid_request_error" } }),
        { status: 400, headers: { "content-type": "application/json", "request-id": "req_test" } },
      );
    });
    try {
      const res = await callWith({ STRIPE_SECRET_KEY: "sk_test_attack14" }, "PUT", "/api/booking/confirm", { token, body: { holdId: h.holdId } });
      const body = await problem(res, 422);
      expect(stripeCalls.length, "checkout asked Stripe").toBeGreaterThan(0);
      expect(body.detail).toMatch(/refused this payment/);
      expect(JSON.stringify(body)).not.toContain("sk_test_attack14");
    } finally {
      vi.unstubAllGlobals();
    }
  });
});

describe("the room's catalog only moves forward", () => {
  // Suspected by the attack round (not reproducible on the embedded database, which answers in order): a
  // catalog read that finishes after a later change's read would put the older codes back. Fixed: the
  // catalog carries the event's updated_at (moved by every code change too) and an older one is ignored;
  // the reconciliation re-reads it, so a notice lost while the room was loading is picked up.
  it("a late, older catalog does not bring back a code the organizer disabled", async () => {
    const event = await smallEvent();
    const made = await newCode(event.id, event.organizer, { code: "GONESOON", kind: "promo", discount: { fixedCents: 100 }, maxUses: 5 });
    await json(await withCode(await fan(), [event.tickets(0)], "GONESOON"), 201);
    const older = await runInDurableObject(room(event.id), (_instance, state) =>
      JSON.parse(state.storage.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'catalog'").one().value),
    );
    await json(await call("PATCH", `/api/events/${event.id}/codes/${made.codeId}`, { token: event.organizer, body: { disabled: true } }), 200);
    await runInDurableObject(room(event.id), (instance) => {
      (instance as unknown as { ledger: { changeCatalog(catalog: unknown, now: number): void } }).ledger.changeCatalog(older, Date.now());
    });
    await problem(await withCode(await fan(), [event.tickets(1)], "GONESOON"), 404);
  });
});
