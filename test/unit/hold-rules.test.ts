import { describe, expect, it } from "vitest";
import {
  addHold,
  dueHolds,
  nextExpiry,
  emptyState,
  isFree,
  phaseOf,
  planAttach,
  planCheckout,
  planClaim,
  planReserve,
  type Admission,
  type Catalog,
  type Hold,
  type RoomState,
} from "../../workers/seat-room/rules";
import { availability } from "../../workers/seat-room/counts";

const NOW = 1_800_000_000_000;
const TTL = 600_000;
const GRACE = 120_000;

function roomState(overrides: Partial<Catalog> = {}): RoomState {
  const catalog: Catalog = {
    eventId: "ev_test",
    ticketCount: 10,
    perUserLimit: 4,
    currency: "eur",
    priceRuns: [
      [0, 5, 1000],
      [5, 5, 2000],
    ],
    onSaleAt: null,
    startsAt: NOW + 30 * 86_400_000,
    ...overrides,
  };
  return emptyState(catalog);
}

interface ReserveOptions {
  now?: number;
  id?: string;
  key?: string | null;
  admission?: Admission | null;
  previous?: Hold;
  latest?: Hold;
}

function reserve(state: RoomState, userId: string, seats: number[], options: ReserveOptions = {}) {
  const request = { holdId: options.id ?? `hd_${userId}_${seats.join("")}`, userId, seats, idempotencyKey: options.key ?? null, admission: options.admission ?? null };
  return planReserve(state, request, options.now ?? NOW, TTL, { previous: options.previous, latest: options.latest });
}

function held(state: RoomState, userId: string, seats: number[], options: ReserveOptions = {}): Hold {
  const plan = reserve(state, userId, seats, options);
  if (plan.kind !== "hold") throw new Error(`expected a hold, got ${JSON.stringify(plan)}`);
  if (plan.replaces) state.holds.delete(plan.replaces.id);
  addHold(state, plan.hold);
  return plan.hold;
}

const paying = (hold: Hold, paymentIntentId: string | null = "pi_1"): Hold => ({ ...hold, state: "paying", paymentIntentId });
const authorized = { amountCents: 100_000, currency: "eur" };

describe("reserve rules", () => {
  it("holds free seats for the TTL and totals their prices", () => {
    const plan = reserve(roomState(), "ann", [4, 5]);
    expect(plan).toMatchObject({ kind: "hold", hold: { seats: [4, 5], totalCents: 3000, currency: "eur", expiresAt: NOW + TTL, state: "held" } });
  });

  it("is all or nothing, naming the seats that are taken", () => {
    const state = roomState();
    held(state, "ann", [1, 2]);
    expect(reserve(state, "bob", [0, 1, 2, 3])).toEqual({ kind: "unavailable", seats: [1, 2] });
  });

  it("treats a hold past its expiry as free, alarm or not", () => {
    const state = roomState();
    held(state, "ann", [1]);
    expect(isFree(state, 1, NOW + TTL - 1)).toBe(false);
    expect(isFree(state, 1, NOW + TTL)).toBe(true);
    expect(reserve(state, "bob", [1], { now: NOW + TTL }).kind).toBe("hold");
  });

  it("never offers a sold seat", () => {
    const state = roomState();
    state.sold.set(3, { bookingId: "bk_1", userId: "ann" });
    expect(reserve(state, "bob", [3])).toEqual({ kind: "unavailable", seats: [3] });
  });

  it("lets a fan's new hold take over their own seats, and says which hold it replaces", () => {
    const state = roomState();
    const first = held(state, "ann", [1, 2]);
    expect(reserve(state, "ann", [2, 3], { now: NOW + 1000 })).toMatchObject({ kind: "hold", replaces: { id: first.id } });
  });

  it("makes a fan in checkout finish or cancel first", () => {
    const state = roomState();
    addHold(state, paying(held(state, "ann", [1])));
    expect(reserve(state, "ann", [2])).toMatchObject({ kind: "rejected", status: 409, state: "paying" });
  });

  it("lets only admitted fans with a live session hold seats of an event with a waiting room", () => {
    const state = roomState({ queueEnabled: true });
    const session = { session: "s1", until: NOW + 60_000 };
    expect(reserve(state, "ann", [1])).toMatchObject({ kind: "rejected", status: 403 });
    expect(reserve(state, "ann", [1], { admission: session }).kind).toBe("hold");
    expect(reserve(state, "ann", [1], { admission: { session: "s2", until: NOW } })).toMatchObject({ status: 403 });
    state.endedSessions.add("s1");
    expect(reserve(state, "ann", [2], { admission: session })).toMatchObject({ status: 403 });
  });

  it("refuses unknown seats, duplicates, sales before the on-sale time and after the start", () => {
    expect(reserve(roomState(), "ann", [10])).toMatchObject({ kind: "rejected", status: 400 });
    expect(reserve(roomState(), "ann", [1, 1])).toMatchObject({ kind: "rejected", status: 400 });
    expect(reserve(roomState({ onSaleAt: NOW + 1 }), "ann", [1])).toMatchObject({ kind: "rejected", status: 409 });
    expect(reserve(roomState({ startsAt: NOW }), "ann", [1])).toMatchObject({ kind: "rejected", status: 409 });
  });
});

describe("idempotency keys", () => {
  it("replay a live hold for the same request", () => {
    const state = roomState();
    const first = held(state, "ann", [1], { key: "k" });
    expect(reserve(state, "ann", [1], { key: "k", previous: first, now: NOW + 1 })).toEqual({ kind: "replay", hold: first });
  });

  it("refuse the key once its hold ended", () => {
    const state = roomState();
    const first = held(state, "ann", [1], { key: "k" });
    expect(reserve(state, "ann", [1], { key: "k", previous: first, now: NOW + TTL })).toMatchObject({ kind: "rejected", status: 409 });
  });

  it("refuse a different request under the same key with 422, live or not", () => {
    const state = roomState();
    const first = held(state, "ann", [1, 2], { key: "k" });
    expect(reserve(state, "ann", [1, 3], { key: "k", previous: first })).toMatchObject({ kind: "rejected", status: 422 });
    expect(reserve(state, "ann", [1], { key: "k", previous: first, now: NOW + TTL })).toMatchObject({ status: 422 });
    // The same seats in another order are the same request.
    expect(reserve(state, "ann", [2, 1], { key: "k", previous: first }).kind).toBe("replay");
  });
});

describe("a fan's hold window", () => {
  it("a replacement keeps the original expiry, however often the fan re-reserves", () => {
    const state = roomState();
    const first = held(state, "ann", [1]);
    const second = held(state, "ann", [1], { now: NOW + 200_000 });
    const third = held(state, "ann", [1, 2], { now: NOW + 400_000, latest: second });
    expect(second.expiresAt).toBe(first.expiresAt);
    expect(third.expiresAt).toBe(first.expiresAt);
  });

  it("a new hold right after a release keeps the released one's expiry and spent grace", () => {
    const state = roomState();
    const released: Hold = { ...held(state, "ann", [1]), state: "released", graceUsed: true, expiresAt: NOW + TTL + GRACE };
    state.holds.delete(released.id);
    const next = held(state, "ann", [3], { now: NOW + 300_000, latest: released });
    expect(next).toMatchObject({ expiresAt: NOW + TTL + GRACE, graceUsed: true });
    const checkout = planCheckout(state, next, "ann", NOW + 300_001, GRACE);
    expect(checkout).toMatchObject({ kind: "paying", hold: { expiresAt: NOW + TTL + GRACE } });
  });

  it("a new window starts once the last one has lapsed or was booked", () => {
    const state = roomState();
    const lapsed: Hold = { ...held(state, "ann", [1]), state: "expired" };
    state.holds.delete(lapsed.id);
    expect(held(state, "ann", [2], { now: NOW + TTL + 5, latest: lapsed }).expiresAt).toBe(NOW + TTL + 5 + TTL);
    const booked: Hold = { ...lapsed, state: "booked", expiresAt: NOW + TTL * 3 };
    expect(reserve(roomState(), "ann", [3], { now: NOW + 1, latest: booked })).toMatchObject({ hold: { expiresAt: NOW + 1 + TTL } });
  });
});

describe("the per-fan limit", () => {
  it("counts booked tickets and the new hold", () => {
    const state = roomState();
    state.soldByUser.set("ann", 3);
    expect(reserve(state, "ann", [0, 1])).toMatchObject({ kind: "rejected", status: 400 });
    expect(reserve(state, "ann", [0]).kind).toBe("hold");
  });

  it("counts a late re-hold being booked, and leaves out only the hold being replaced", () => {
    const state = roomState();
    const late = held(state, "ann", [0, 1, 2], { id: "hd_late" });
    addHold(state, { ...late, state: "booking", paymentIntentId: "pi_late", expiresAt: NOW + 300_000 });
    expect(reserve(state, "ann", [5, 6], { now: NOW + 1 })).toMatchObject({ kind: "rejected", status: 400 });
    expect(reserve(state, "ann", [5], { now: NOW + 1 }).kind).toBe("hold");
  });

  it("stops two lapsed checkouts authorized late from booking past the limit together", () => {
    const state = roomState();
    const a = paying(held(state, "ann", [0, 1, 2], { id: "hd_a" }), "pi_a");
    addHold(state, a);
    const later = NOW + TTL + GRACE + 1;
    const b = paying({ ...held(state, "ann", [5, 6, 7], { id: "hd_b", now: later }) }, "pi_b");
    addHold(state, b);
    const afterBoth = later + TTL + GRACE + 1;
    const claimA = planClaim(state, a, "pi_a", authorized, afterBoth);
    expect(claimA).toMatchObject({ kind: "claim", rehold: true });
    if (claimA.kind === "claim") addHold(state, claimA.hold);
    expect(planClaim(state, b, "pi_b", authorized, afterBoth + 1)).toMatchObject({ kind: "refused", reason: "the fan's ticket limit is reached" });
  });
});

describe("checkout rules", () => {
  it("moves held to paying and extends the expiry once", () => {
    const state = roomState();
    const hold = held(state, "ann", [1]);
    const first = planCheckout(state, hold, "ann", NOW + 1000, GRACE);
    expect(first).toMatchObject({ kind: "paying", changed: true, hold: { state: "paying", expiresAt: NOW + TTL + GRACE } });
    if (first.kind !== "paying") return;
    expect(planCheckout(state, first.hold, "ann", NOW + 2000, GRACE)).toMatchObject({ changed: false, hold: { expiresAt: NOW + TTL + GRACE } });
  });

  it("refuses another fan's hold (as not found), an expired one, one being booked, and after the start", () => {
    const state = roomState({ startsAt: NOW + 5000 });
    const hold = held(state, "ann", [1]);
    expect(planCheckout(state, hold, "bob", NOW, GRACE)).toMatchObject({ status: 404 });
    expect(planCheckout(state, hold, "ann", NOW + TTL, GRACE)).toMatchObject({ status: 409, state: "expired" });
    expect(planCheckout(state, { ...hold, state: "booking" }, "ann", NOW, GRACE)).toMatchObject({ status: 409, state: "booking" });
    expect(planCheckout(state, hold, "ann", NOW + 5000, GRACE)).toMatchObject({ status: 409 });
  });

  it("attaches one payment, says the same one again is attached whatever the state, and refuses a stranger's", () => {
    const state = roomState();
    const hold = paying(held(state, "ann", [1]), null);
    const plan = planAttach(hold, "pi_1", NOW);
    expect(plan).toMatchObject({ kind: "attached", changed: true, hold: { paymentIntentId: "pi_1" } });
    const booking = { ...hold, state: "booking" as const, paymentIntentId: "pi_1" };
    expect(planAttach(booking, "pi_1", NOW)).toMatchObject({ kind: "attached", changed: false, hold: { state: "booking" } });
    expect(planAttach(booking, "pi_2", NOW)).toMatchObject({ kind: "rejected", status: 409 });
    expect(planAttach({ ...hold, state: "expired" }, "pi_2", NOW)).toMatchObject({ kind: "rejected", status: 409 });
  });
});

describe("claims of authorized payments", () => {
  it("claim a live hold and keep it out of reach while the booking is written", () => {
    const state = roomState();
    const hold = paying(held(state, "ann", [1]));
    expect(planClaim(state, hold, "pi_1", authorized, NOW + 1000)).toMatchObject({ kind: "claim", rehold: false, hold: { state: "booking", paymentIntentId: "pi_1" } });
  });

  it("hold an expired hold's seats again when every rule of a reserve allows it", () => {
    const state = roomState();
    const hold = paying(held(state, "ann", [1]));
    expect(planClaim(state, hold, "pi_1", authorized, NOW + TTL + 1)).toMatchObject({ kind: "claim", rehold: true });
  });

  it("refuse when the seats were taken, the fan released, another payment owns it, or the fence ended it", () => {
    const state = roomState();
    const hold = paying(held(state, "ann", [1]));
    held(state, "bob", [1], { now: NOW + TTL + 1 });
    expect(planClaim(state, hold, "pi_1", authorized, NOW + TTL + 2)).toMatchObject({ kind: "refused" });
    expect(planClaim(roomState(), { ...hold, state: "released" }, "pi_1", authorized, NOW)).toMatchObject({ kind: "refused" });
    expect(planClaim(roomState(), hold, "pi_2", authorized, NOW)).toMatchObject({ kind: "refused" });
    expect(planClaim(roomState(), { ...hold, state: "expired", fenced: true }, "pi_1", authorized, NOW + TTL + 1)).toMatchObject({ kind: "refused" });
  });

  it("refuse after the event started, even a live hold with free seats", () => {
    const state = roomState({ startsAt: NOW + 60_000 });
    const hold = paying(held(state, "ann", [1]));
    expect(planClaim(state, hold, "pi_1", authorized, NOW + 60_000)).toMatchObject({ kind: "refused" });
  });

  it("refuse a re-hold whose waiting-room session ended or lapsed", () => {
    const state = roomState({ queueEnabled: true });
    const hold = paying(held(state, "ann", [1], { admission: { session: "s1", until: NOW + 2 * TTL } }));
    const late = NOW + TTL + GRACE + 1;
    expect(planClaim(state, hold, "pi_1", authorized, late)).toMatchObject({ kind: "claim" });
    expect(planClaim(state, hold, "pi_1", authorized, NOW + 2 * TTL)).toMatchObject({ kind: "refused" });
    state.endedSessions.add("s1");
    expect(planClaim(state, hold, "pi_1", authorized, late)).toMatchObject({ kind: "refused" });
  });

  it("refuse an authorization that does not cover the hold", () => {
    const state = roomState();
    const hold = paying(held(state, "ann", [1]));
    expect(planClaim(state, hold, "pi_1", { amountCents: 999, currency: "eur" }, NOW)).toMatchObject({ kind: "refused" });
    expect(planClaim(state, hold, "pi_1", { amountCents: 1000, currency: "usd" }, NOW)).toMatchObject({ kind: "refused" });
  });
});

describe("a hold's phase for a payment", () => {
  it("is open while checkout attaches its payment, and ended for another payment", () => {
    const hold = held(roomState(), "ann", [1]);
    expect(phaseOf(paying(hold, null), "pi_1", NOW)).toBe("open");
    expect(phaseOf(paying(hold, "pi_1"), "pi_1", NOW)).toBe("open");
    expect(phaseOf(paying(hold, "pi_1"), "pi_2", NOW)).toBe("ended");
    expect(phaseOf(paying(hold, "pi_1"), "pi_1", NOW + TTL)).toBe("ended");
    expect(phaseOf({ ...hold, state: "booking", paymentIntentId: "pi_1" }, "pi_1", NOW + TTL * 9)).toBe("booking");
    expect(phaseOf(undefined, "pi_1", NOW)).toBe("ended");
  });
});

describe("expiry and counts", () => {
  it("finds due holds and the next expiry to wake for, leaving out a claim already past its window", () => {
    const state = roomState();
    const a = held(state, "ann", [1]);
    const b = held(state, "bob", [2], { now: NOW + 5000 });
    expect(nextExpiry(state, NOW)).toBe(a.expiresAt);
    expect(dueHolds(state, NOW + TTL).map((h) => h.id)).toEqual([a.id]);
    addHold(state, { ...a, state: "booking", paymentIntentId: "pi_a", expiresAt: NOW + 1000 });
    expect(nextExpiry(state, NOW + 2000)).toBe(b.expiresAt);
  });

  it("counts live holds as held and expired ones as available", () => {
    const state = roomState();
    held(state, "ann", [1, 2]);
    state.sold.set(9, { bookingId: "bk", userId: "cy" });
    expect(availability(state, NOW)).toEqual({ total: 10, held: 2, sold: 1, blocked: 0, available: 7 });
    expect(availability(state, NOW + TTL)).toEqual({ total: 10, held: 0, sold: 1, blocked: 0, available: 9 });
  });
});
