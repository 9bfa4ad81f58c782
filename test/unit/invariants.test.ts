import { describe, expect, it } from "vitest";
import { checkEvent, type EventRecords } from "../../src/lifecycle/invariants";
import type { BookingRow } from "../../src/lifecycle/records";
import type { PaymentIntentView } from "../../src/payments/provider";
import type { RoomInspection } from "../../src/shared/room-protocol";

const NOW = 1_800_000_000_000;

function booking(id: string, seats: number[], overrides: Partial<BookingRow> = {}): BookingRow {
  return { id, eventId: "ev_x", userId: "ann", holdId: `hd_${id}`, paymentIntentId: `pi_${id}`, status: "confirmed", amountCents: 1000, refundedCents: 0, currency: "usd", seats, ...overrides };
}

function payment(id: string, overrides: Partial<PaymentIntentView> = {}): PaymentIntentView {
  return { id, status: "succeeded", amount: 1000, amountCapturable: 0, amountReceived: 1000, amountRefunded: 0, currency: "usd", metadata: {}, clientSecret: "", ...overrides };
}

function room(overrides: Partial<RoomInspection> = {}): RoomInspection {
  return { eventId: "ev_x", now: NOW, perUserLimit: 4, maxHoldMs: 720_000, activeHolds: [], payments: [], paymentsDue: [], sold: [], ...overrides };
}

/** A consistent event: one confirmed, paid booking of seats 1 and 2, sold in the room. */
function consistent(): EventRecords {
  return {
    eventId: "ev_x",
    room: room({ sold: [{ seat: 1, bookingId: "b1", userId: "ann" }, { seat: 2, bookingId: "b1", userId: "ann" }] }),
    bookings: [booking("b1", [1, 2])],
    payments: [payment("pi_b1")],
    soldCount: 2,
  };
}

const invariantsOf = (records: EventRecords, settled = true) => checkEvent(records, { settled }).map((v) => v.invariant);

describe("the invariant checker", () => {
  it("finds nothing wrong with a consistent event", () => {
    expect(checkEvent(consistent(), { settled: true })).toEqual([]);
  });

  it("sees a ticket in two bookings, and in two live holds", () => {
    const records = consistent();
    records.bookings.push(booking("b2", [2], { userId: "bob" }));
    records.payments.push(payment("pi_b2"));
    expect(invariantsOf(records)).toContain("one booking per ticket");
    const holds = room({
      activeHolds: [
        { id: "h1", userId: "cy", state: "held", seats: [5], createdAt: NOW, expiresAt: NOW + 1000, live: true, paymentIntentId: null },
        { id: "h2", userId: "dee", state: "paying", seats: [5], createdAt: NOW, expiresAt: NOW + 1000, live: true, paymentIntentId: null },
      ],
    });
    expect(invariantsOf({ ...consistent(), room: { ...holds, sold: consistent().room?.sold ?? [] } }, false)).toContain("one live hold per ticket");
  });

  it("sees the room and Postgres disagree, and a sold count that drifted", () => {
    const records = consistent();
    if (records.room) records.room.sold = [{ seat: 1, bookingId: "b1", userId: "ann" }, { seat: 7, bookingId: "b9", userId: "x" }];
    records.soldCount = 5;
    expect(invariantsOf(records).sort()).toEqual(["room agrees with Postgres", "room agrees with Postgres", "sold count"]);
  });

  it("sees money without a booking, a confirmed booking not paid, and an authorization left open", () => {
    const records = consistent();
    records.payments = [payment("pi_b1", { status: "requires_capture", amountReceived: 0, amountCapturable: 1000 }), payment("pi_lost")];
    expect(invariantsOf(records).sort()).toEqual(["a confirmed booking is paid", "money has a booking", "no open authorization"]);
  });

  it("lets work in flight pass on a live system, but not once everything should be settled", () => {
    const records = consistent();
    records.bookings.push(booking("b2", [3], { status: "authorized" }));
    records.payments.push(payment("pi_b2", { status: "requires_capture", amountReceived: 0 }));
    records.soldCount = 3;
    if (records.room) {
      records.room.activeHolds = [{ id: "hd_b2", userId: "ann", state: "booking", seats: [3], createdAt: NOW, expiresAt: NOW + 300_000, live: true, paymentIntentId: "pi_b2" }];
      records.room.paymentsDue = ["pi_b2"];
    }
    expect(checkEvent(records, { settled: false })).toEqual([]);
    expect(invariantsOf(records, true)).toEqual(expect.arrayContaining(["room agrees with Postgres", "no open authorization", "bookings settle", "every hold ends"]));
  });

  it("sees a fan over the limit across bookings and live holds", () => {
    const records = consistent();
    if (records.room) {
      records.room.activeHolds = [{ id: "h1", userId: "ann", state: "held", seats: [5, 6, 7], createdAt: NOW, expiresAt: NOW + 1000, live: true, paymentIntentId: null }];
    }
    expect(invariantsOf(records, false)).toEqual(["per-fan limit"]);
  });

  it("sees a hold that lasts longer than a window", () => {
    const records = consistent();
    if (records.room) {
      records.room.activeHolds = [{ id: "h1", userId: "bob", state: "held", seats: [5], createdAt: NOW, expiresAt: NOW + 720_001, live: true, paymentIntentId: null }];
    }
    expect(invariantsOf(records, false)).toEqual(["holds cannot be renewed"]);
  });
});
