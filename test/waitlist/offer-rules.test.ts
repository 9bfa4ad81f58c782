/**
 * The waitlist's rules without a runtime: who may join, and a property test
 * of the offers over random rooms and lines (fast-check).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { checkEvent } from "../../src/lifecycle/invariants";
import type { SectionRange } from "../../src/shared/room-protocol";
import { addHold, emptyState, isFree, ticketsOf, type Catalog, type Hold, type RoomState } from "../../workers/seat-room/rules";
import { entryView, freeSeats, offerHold, pickSeats, planJoin, planOffers, waitingEntry, type WaitlistEntry } from "../../workers/seat-room/waitlist";

const NOW = 1_800_000_000_000;
const LIMIT = 4;

function roomOf(ticketCount: number, overrides: Partial<Catalog> = {}): RoomState {
  return emptyState({
    eventId: "ev_test",
    ticketCount,
    perUserLimit: LIMIT,
    currency: "eur",
    priceRuns: [[0, ticketCount, 1000]],
    onSaleAt: null,
    startsAt: NOW + 86_400_000,
    ...overrides,
  });
}

function holdOf(state: RoomState, id: string, userId: string, seats: number[], expiresAt = NOW + 600_000): Hold {
  const hold: Hold = {
    id,
    eventId: state.catalog.eventId,
    userId,
    state: "held",
    seats,
    expiresAt,
    createdAt: NOW - 1_000,
    totalCents: 0,
    currency: "eur",
    charges: [],
    code: null,
    paymentIntentId: null,
    bookingId: null,
    graceUsed: false,
    idempotencyKey: null,
    admission: null,
    fenced: false,
  };
  addHold(state, hold);
  return hold;
}

const waiting = (userId: string, seq: number, quantity: number, section: SectionRange | null = null): WaitlistEntry => waitingEntry(userId, seq, quantity, section, NOW);

const join = (state: RoomState, userId: string, quantity: number, section: SectionRange | null = null, current?: WaitlistEntry) =>
  planJoin(state, current, { eventId: "ev_test", userId, quantity, section }, 1, NOW);

describe("who may join", () => {
  it("only while fewer seats than asked for are free there, and the sale is on", () => {
    const state = roomOf(4);
    holdOf(state, "h1", "other", [0, 1, 2]);
    expect(join(state, "fan", 1).kind).toBe("rejected");
    expect(join(state, "fan", 2).kind).toBe("join");
    expect(join(state, "fan", 1, { name: "A", first: 0, count: 3 }).kind).toBe("join");
    expect(join(roomOf(4, { cancelled: true }), "fan", 9).kind).toBe("rejected");
    expect(join(roomOf(4, { onSaleAt: NOW + 1 }), "fan", 9).kind).toBe("rejected");
    expect(join(roomOf(4, { startsAt: NOW }), "fan", 9).kind).toBe("rejected");
  });

  it("a lapsed hold's seats count as free", () => {
    const state = roomOf(2);
    holdOf(state, "h1", "other", [0, 1], NOW);
    expect(join(state, "fan", 2)).toMatchObject({ kind: "rejected", status: 409 });
  });

  it("within the per-fan limit counting booked tickets, and a section inside the venue", () => {
    const state = roomOf(6);
    holdOf(state, "h1", "other", [0, 1, 2, 3, 4, 5]);
    state.soldByUser.set("fan", 3);
    expect(join(state, "fan", 2)).toMatchObject({ kind: "rejected", status: 400 });
    expect(join(state, "fan", 1).kind).toBe("join");
    expect(join(state, "new", 1, { name: "X", first: 4, count: 5 })).toMatchObject({ kind: "rejected", status: 400 });
  });

  it("one entry per fan: the same ask is the same entry, another is a conflict, an ended entry may join again", () => {
    const state = roomOf(2);
    holdOf(state, "h1", "other", [0, 1]);
    const current = waiting("fan", 1, 2);
    expect(join(state, "fan", 2, null, current)).toEqual({ kind: "already", entry: current });
    expect(join(state, "fan", 1, null, current)).toMatchObject({ kind: "rejected", status: 409 });
    expect(join(state, "fan", 1, null, { ...current, state: "expired" }).kind).toBe("join");
  });
});

describe("offers", () => {
  it("pick seats side by side when the section has them", () => {
    expect(pickSeats([1, 3, 4, 5, 9], new Set(), null, 2)).toEqual([3, 4]);
    expect(pickSeats([1, 3, 4, 5, 9], new Set([4]), null, 2)).toEqual([1, 3]);
    expect(pickSeats([1, 3, 4, 5, 9], new Set(), { name: "B", first: 5, count: 5 }, 2)).toEqual([5, 9]);
    expect(pickSeats([1, 3], new Set(), { name: "B", first: 5, count: 5 }, 1)).toBeUndefined();
  });

  it("pass over a fan who holds other seats or would exceed the limit, without losing their place", () => {
    const state = roomOf(6);
    holdOf(state, "mine", "shopping", [0]);
    state.soldByUser.set("full", LIMIT);
    const line = [waiting("shopping", 1, 1), waiting("full", 2, 1), waiting("next", 3, 1)];
    expect(planOffers(state, line, NOW).map((p) => p.entry.userId)).toEqual(["next"]);
  });

  it("an offer is a held hold that lasts the offer's time and is its fan's admission", () => {
    const state = roomOf(3);
    const hold = offerHold(state, { entry: waiting("fan", 1, 2), seats: [1, 2] }, "hd_x", NOW, 900_000);
    expect(hold).toMatchObject({ userId: "fan", state: "held", seats: [1, 2], expiresAt: NOW + 900_000, totalCents: 2000, admission: { session: "waitlist:hd_x", until: NOW + 900_000 } });
  });

  it("the invariant checker lets an offer last its own time, and no ordinary hold as long", () => {
    const held = (offer: boolean) => ({ id: "h1", userId: "fan", state: "held" as const, seats: [0], createdAt: NOW, expiresAt: NOW + 900_000, live: true, paymentIntentId: null, offer });
    const records = (offer: boolean) => ({
      eventId: "ev_test",
      room: { eventId: "ev_test", now: NOW, perUserLimit: LIMIT, maxHoldMs: 720_000, maxOfferMs: 1_020_000, activeHolds: [held(offer)], payments: [], paymentsDue: [], sold: [] },
      bookings: [],
      payments: [],
      soldCount: 0,
    });
    expect(checkEvent(records(true), { settled: false })).toEqual([]);
    expect(checkEvent(records(false), { settled: false }).map((v) => v.invariant)).toEqual(["holds cannot be renewed"]);
  });

  it("an offer past its expiry reads as expired before the room ends it", () => {
    const state = roomOf(3);
    const entry = { ...waiting("fan", 1, 1), state: "offered" as const, holdId: "hd_x", seats: [0], expiresAt: NOW + 10 };
    const hold = holdOf(state, "hd_x", "fan", [0], NOW + 10);
    expect(entryView(entry, hold, null, NOW).state).toBe("offered");
    expect(entryView(entry, hold, null, NOW + 10).state).toBe("expired");
  });

  it("property: no seat twice, only free seats, each fan what they asked in their section, within the limit, and no fitting fan left waiting", () => {
    const section = fc.option(fc.record({ first: fc.nat(29), count: fc.integer({ min: 1, max: 30 }) }), { nil: null });
    const fan = fc.record({ quantity: fc.integer({ min: 1, max: 5 }), section, booked: fc.nat(LIMIT), shopping: fc.boolean() });
    const room = fc.record({
      ticketCount: fc.integer({ min: 1, max: 30 }),
      taken: fc.array(fc.constantFrom("free", "sold", "held", "lapsed", "blocked"), { minLength: 30, maxLength: 30 }),
      fans: fc.array(fan, { maxLength: 12 }),
    });
    fc.assert(
      fc.property(room, ({ ticketCount, taken, fans }) => {
        const state = roomOf(ticketCount);
        for (let seat = 0; seat < ticketCount; seat++) {
          const what = taken[seat];
          if (what === "sold") state.sold.set(seat, { bookingId: "bk", userId: "someone" });
          if (what === "held") holdOf(state, `h${seat}`, "someone", [seat]);
          if (what === "lapsed") holdOf(state, `l${seat}`, "someone", [seat], NOW - 1);
          if (what === "blocked") state.seatBlock.set(seat, "bl");
        }
        const line = fans.map((f, i) => {
          const userId = `fan${i}`;
          if (f.booked) state.soldByUser.set(userId, f.booked);
          if (f.shopping) holdOf(state, `s${i}`, userId, [], NOW + 600_000);
          const range = f.section && f.section.first < ticketCount ? { name: `S${f.section.first}`, first: f.section.first, count: Math.min(f.section.count, ticketCount - f.section.first) } : null;
          return waiting(userId, i + 1, f.quantity, range);
        });
        const free = new Set(freeSeats(state, NOW));
        const plans = planOffers(state, line, NOW);

        const given = plans.flatMap((p) => p.seats);
        expect(new Set(given).size).toBe(given.length);
        for (const seat of given) expect(free.has(seat) && isFree(state, seat, NOW)).toBe(true);
        const offered = new Set(plans.map((p) => p.entry.userId));
        for (const plan of plans) {
          expect(plan.seats).toHaveLength(plan.entry.quantity);
          const range = plan.entry.section;
          if (range) for (const seat of plan.seats) expect(seat >= range.first && seat < range.first + range.count).toBe(true);
          expect(ticketsOf(state, plan.entry.userId, NOW) + plan.entry.quantity).toBeLessThanOrEqual(LIMIT);
        }
        // Offers go in join order: a fan passed over did not fit in what was left when their turn came, and seats only get fewer.
        const left = [...free].filter((s) => !given.includes(s));
        for (const entry of line) {
          if (offered.has(entry.userId)) continue;
          const eligible = ticketsOf(state, entry.userId, NOW) + entry.quantity <= LIMIT && !state.userHolds.has(entry.userId);
          if (eligible) expect(pickSeats(left, new Set(), entry.section, entry.quantity)).toBeUndefined();
        }
      }),
      { numRuns: 300 },
    );
  });
});
