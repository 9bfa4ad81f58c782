import { describe, expect, it } from "vitest";
import {
  addHold,
  availability,
  dueHolds,
  earliestExpiry,
  emptyState,
  isFree,
  planBooking,
  planPayment,
  planReserve,
  type Catalog,
  type Hold,
  type RoomState,
} from "../../workers/seat-room/rules";

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

const put = addHold;

function reserve(state: RoomState, userId: string, seats: number[], now = NOW, id = `hd_${userId}_${seats.join("")}`) {
  return planReserve(state, { holdId: id, userId, seats, idempotencyKey: null, admission: null }, now, TTL, undefined);
}

function held(state: RoomState, userId: string, seats: number[], now = NOW): Hold {
  const plan = reserve(state, userId, seats, now);
  if (plan.kind !== "hold") throw new Error(`expected a hold, got ${plan.kind}`);
  put(state, plan.hold);
  return plan.hold;
}

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
    expect(reserve(state, "bob", [1], NOW + TTL).kind).toBe("hold");
  });

  it("never offers a sold seat", () => {
    const state = roomState();
    state.sold.set(3, { bookingId: "bk_1", userId: "ann" });
    expect(reserve(state, "bob", [3])).toEqual({ kind: "unavailable", seats: [3] });
  });

  it("lets a fan's new hold take over their own seats, and says which hold it replaces", () => {
    const state = roomState();
    const first = held(state, "ann", [1, 2]);
    const plan = reserve(state, "ann", [2, 3], NOW + 1000);
    expect(plan).toMatchObject({ kind: "hold", replaces: { id: first.id } });
  });

  it("makes a fan in checkout finish or cancel first", () => {
    const state = roomState();
    const first = held(state, "ann", [1]);
    put(state, { ...first, state: "paying" });
    expect(reserve(state, "ann", [2])).toMatchObject({ kind: "rejected", status: 409 });
  });

  it("counts booked tickets and the new hold against the per-fan limit", () => {
    const state = roomState();
    state.soldByUser.set("ann", 3);
    expect(reserve(state, "ann", [0, 1])).toMatchObject({ kind: "rejected", status: 400 });
    expect(reserve(state, "ann", [0]).kind).toBe("hold");
  });

  it("lets only admitted fans hold seats of an event with a waiting room", () => {
    const state = roomState({ queueEnabled: true });
    expect(reserve(state, "ann", [1])).toMatchObject({ kind: "rejected", status: 403 });
    expect(planReserve(state, { holdId: "hd_a", userId: "ann", seats: [1], idempotencyKey: null, admission: "s1" }, NOW, TTL, undefined).kind).toBe("hold");
    state.endedSessions.add("s1");
    expect(planReserve(state, { holdId: "hd_b", userId: "ann", seats: [2], idempotencyKey: null, admission: "s1" }, NOW, TTL, undefined)).toMatchObject({ status: 403 });
  });

  it("refuses unknown seats, duplicates, sales before the on-sale time and after the start", () => {
    expect(reserve(roomState(), "ann", [10])).toMatchObject({ kind: "rejected", status: 400 });
    expect(reserve(roomState(), "ann", [1, 1])).toMatchObject({ kind: "rejected", status: 400 });
    expect(reserve(roomState({ onSaleAt: NOW + 1 }), "ann", [1])).toMatchObject({ kind: "rejected", status: 409 });
    expect(reserve(roomState({ startsAt: NOW }), "ann", [1])).toMatchObject({ kind: "rejected", status: 409 });
  });

  it("replays a live hold for a repeated idempotency key, and refuses the key once the hold ended", () => {
    const state = roomState();
    const first = held(state, "ann", [1]);
    const request = { holdId: "hd_other", userId: "ann", seats: [1], idempotencyKey: "k", admission: null };
    expect(planReserve(state, request, NOW + 1, TTL, first)).toEqual({ kind: "replay", hold: first });
    expect(planReserve(state, request, NOW + TTL, TTL, first)).toMatchObject({ kind: "rejected", status: 409 });
  });
});

describe("checkout rules", () => {
  it("moves held to paying and extends the expiry once", () => {
    const state = roomState();
    const hold = held(state, "ann", [1]);
    const first = planPayment(hold, "ann", NOW + 1000, GRACE);
    expect(first).toMatchObject({ kind: "paying", changed: true, hold: { state: "paying", expiresAt: NOW + TTL + GRACE } });
    if (first.kind !== "paying") return;
    expect(planPayment(first.hold, "ann", NOW + 2000, GRACE)).toMatchObject({ changed: false, hold: { expiresAt: NOW + TTL + GRACE } });
  });

  it("refuses another fan's hold (as not found) and an expired one", () => {
    const hold = held(roomState(), "ann", [1]);
    expect(planPayment(hold, "bob", NOW, GRACE)).toMatchObject({ status: 404 });
    expect(planPayment(hold, "ann", NOW + TTL, GRACE)).toMatchObject({ status: 409 });
  });
});

describe("booking rules", () => {
  it("books a live hold and keeps it out of reach while the booking is written", () => {
    const state = roomState();
    const hold = held(state, "ann", [1]);
    const plan = planBooking(state, { ...hold, state: "paying", paymentIntentId: "pi_1" }, "pi_1", NOW + 1000);
    expect(plan).toMatchObject({ kind: "book", rehold: false, hold: { state: "booking", paymentIntentId: "pi_1" } });
  });

  it("books an expired hold again when its seats are still free", () => {
    const state = roomState();
    const hold = held(state, "ann", [1]);
    expect(planBooking(state, hold, "pi_1", NOW + TTL + 1)).toMatchObject({ kind: "book", rehold: true });
  });

  it("cancels when an expired hold's seats were taken, or the fan released it, or another payment owns it", () => {
    const state = roomState();
    const hold = held(state, "ann", [1]);
    held(state, "bob", [1], NOW + TTL + 1);
    expect(planBooking(state, hold, "pi_1", NOW + TTL + 2)).toMatchObject({ kind: "cancel" });
    expect(planBooking(roomState(), { ...hold, state: "released" }, "pi_1", NOW)).toMatchObject({ kind: "cancel" });
    expect(planBooking(roomState(), { ...hold, paymentIntentId: "pi_2" }, "pi_1", NOW)).toMatchObject({ kind: "cancel" });
  });

  it("reports a booked hold as done", () => {
    const hold = held(roomState(), "ann", [1]);
    expect(planBooking(roomState(), { ...hold, state: "booked", bookingId: "bk_1" }, "pi_1", NOW)).toEqual({ kind: "done", bookingId: "bk_1" });
  });
});

describe("expiry and counts", () => {
  it("finds due holds and the earliest expiry", () => {
    const state = roomState();
    const a = held(state, "ann", [1], NOW);
    held(state, "bob", [2], NOW + 5000);
    expect(earliestExpiry(state)).toBe(a.expiresAt);
    expect(dueHolds(state, NOW + TTL).map((h) => h.id)).toEqual([a.id]);
  });

  it("counts live holds as held and expired ones as available", () => {
    const state = roomState();
    held(state, "ann", [1, 2]);
    state.sold.set(9, { bookingId: "bk", userId: "cy" });
    expect(availability(state, NOW)).toEqual({ total: 10, held: 2, sold: 1, available: 7 });
    expect(availability(state, NOW + TTL)).toEqual({ total: 10, held: 0, sold: 1, available: 9 });
  });
});

describe("a late payment and the per-fan limit", () => {
  it("does not book an expired hold again when the fan has since held other seats up to the limit", () => {
    const state = roomState();
    const old = held(state, "ann", [0, 1, 2, 3], NOW);
    const now = NOW + TTL + 1;
    const fresh = reserve(state, "ann", [5, 6, 7, 8], now, "hd_fresh");
    if (fresh.kind !== "hold") throw new Error("expected a hold");
    addHold(state, fresh.hold);
    expect(planBooking(state, { ...old, state: "paying", paymentIntentId: "pi_1" }, "pi_1", now + 1)).toMatchObject({ kind: "cancel" });
    // And re-holding an old hold never hides the fan's current one.
    addHold(state, { ...old, state: "booking" });
    expect(state.userHold.get("ann")).toBe("hd_fresh");
  });
});
