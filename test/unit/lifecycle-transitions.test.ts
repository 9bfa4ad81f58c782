import { describe, expect, it } from "vitest";
import { STEPS, TRANSITIONS, transitionFor, transitionsMarkdown, type BookingPhase, type Facts, type PaymentPhase, type RefundPhase, type Step } from "../../src/lifecycle/transitions";
import type { HoldPhase } from "../../src/shared/room-protocol";
import reliabilityDoc from "../../docs/reliability.md?raw";

const PAYMENTS: PaymentPhase[] = ["pending", "authorized", "captured", "refunded", "cancelled"];
const BOOKINGS: BookingPhase[] = ["none", "authorized", "confirmed", "cancelled", "refunded"];
const HOLDS: HoldPhase[] = ["open", "booking", "booked", "ended"];
const REFUNDS: RefundPhase[] = ["none", "recorded", "unrecorded"];
const ALL: Facts[] = PAYMENTS.flatMap((payment) =>
  BOOKINGS.flatMap((booking) => HOLDS.flatMap((hold) => REFUNDS.map((refund) => ({ payment, booking, hold, refund })))),
);
const key = (f: Facts) => `${f.payment}/${f.booking}/${f.hold}/${f.refund}`;

/** What each step can do to the facts (every outcome the code allows). */
function outcomes(step: Step, f: Facts): Facts[] {
  switch (step) {
    case "cancelPayment":
      return [{ ...f, payment: f.payment === "captured" || f.payment === "refunded" ? f.payment : "cancelled" }];
    case "claimOrCancel":
      return [{ ...f, hold: "booking" }, { ...f, payment: "cancelled" }];
    case "bookOrCancel":
      // Written; or refused by a sold ticket or the fence: the claim ends (unless the booking won the fence) and the payment is cancelled.
      return [{ ...f, booking: "authorized" }, { ...f, hold: "ended", payment: "cancelled" }];
    case "markSold":
      // The booking is read again after the room's step: a cancellation may have voided it meanwhile.
      return [{ ...f, hold: "booked" }, { ...f, hold: "booked", booking: "cancelled" }];
    case "capture":
      return [{ ...f, payment: "captured" }];
    case "confirmBooking":
      return [{ ...f, booking: "confirmed" }];
    case "refundPayment":
      return [{ ...f, payment: "refunded", refund: "unrecorded" }];
    case "voidBooking":
      return [{ ...f, booking: "cancelled" }];
    case "refundBooking":
      return [{ ...f, booking: "refunded", refund: "recorded" }];
    case "recordRefund":
      return [{ ...f, refund: "recorded" }];
    case "returnSeats":
    case "releaseHold":
      return [{ ...f, hold: "ended" }];
    case "abandonClaim":
      return [{ ...f, hold: "ended" }, { ...f, booking: "authorized" }];
    default:
      return [];
  }
}

/** What the world does between steps: the card network, the bank, the provider's dashboard, the clock. */
function external(f: Facts): Facts[] {
  const next: Facts[] = [];
  if (f.payment === "pending") next.push({ ...f, payment: "authorized" }, { ...f, payment: "cancelled" });
  if (f.payment === "authorized") next.push({ ...f, payment: "cancelled" });
  // A refund from the provider's dashboard: all the money, or part of it.
  if (f.payment === "captured") next.push({ ...f, payment: "refunded", refund: "unrecorded" }, { ...f, refund: "unrecorded" });
  if (f.hold === "open") next.push({ ...f, hold: "ended" });
  return next;
}

const TERMINAL = new Set<Step>(["wait", "done", "anomaly"]);

describe("the transition table", () => {
  it("names one step for every combination of facts, and every row is used", () => {
    const used = new Set<number>();
    for (const facts of ALL) used.add(TRANSITIONS.indexOf(transitionFor(facts)));
    expect([...used].sort((a, b) => a - b)).toEqual(TRANSITIONS.map((_, i) => i));
    for (const row of TRANSITIONS) expect(Object.keys(STEPS)).toContain(row.step);
  });

  it("never frees a confirmed booking's seats, whatever the payment says", () => {
    for (const payment of PAYMENTS) {
      for (const hold of HOLDS) {
        for (const refund of REFUNDS) {
          const step = transitionFor({ payment, booking: "confirmed", hold, refund }).step;
          expect(["returnSeats", "releaseHold", "abandonClaim", "voidBooking"], `${payment}/confirmed/${hold}/${refund}`).not.toContain(step);
        }
      }
    }
  });

  it("settles from any state on its own: no cycle without the world acting", () => {
    for (const start of ALL) {
      let frontier = [start];
      for (let depth = 0; depth < 8 && frontier.length > 0; depth++) {
        frontier = frontier.flatMap((f) => {
          const { step } = transitionFor(f);
          return TERMINAL.has(step) ? [] : outcomes(step, f);
        });
      }
      expect(frontier.map(key), `from ${key(start)}`).toEqual([]);
    }
  });

  it("never meets an anomaly on any path a real checkout can take", () => {
    const start: Facts = { payment: "pending", booking: "none", hold: "open", refund: "none" };
    const seen = new Map<string, Facts>([[key(start), start]]);
    const queue = [start];
    while (queue.length > 0) {
      const f = queue.shift() as Facts;
      const { step } = transitionFor(f);
      const next = [...(TERMINAL.has(step) ? [] : outcomes(step, f)), ...external(f)];
      for (const n of next) {
        if (seen.has(key(n))) continue;
        seen.set(key(n), n);
        queue.push(n);
      }
    }
    const anomalies = [...seen.values()].filter((f) => transitionFor(f).step === "anomaly").map(key);
    expect(anomalies).toEqual([]);
    // And the paths end where they should: booked and paid, or nothing sold and nobody charged.
    const done = [...seen.values()].filter((f) => transitionFor(f).step === "done").map(key).sort();
    expect(done).toEqual([
      "cancelled/cancelled/ended/none",
      "cancelled/none/ended/none",
      "captured/confirmed/booked/none",
      "captured/confirmed/booked/recorded",
      "refunded/refunded/ended/recorded",
    ]);
  });

  it("is rendered, as it is, in docs/reliability.md", () => {
    expect(reliabilityDoc).toContain(transitionsMarkdown());
  });
});
