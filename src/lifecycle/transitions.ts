/**
 * The booking lifecycle as data: one table, payment × booking × hold ×
 * refund → the one step to take next. `settle.ts` reads the four facts, takes the step
 * of the first matching row, updates the facts from the step's result and
 * repeats until a row says wait, done or anomaly. Every path that moves a
 * booking (the webhook, the SeatRoom's alarm, the dev payment routes) goes
 * through it; nothing else changes a booking's status. `docs/reliability.md`
 * renders this table (`npm run docs:lifecycle`; a test checks it is current).
 *
 * Facts:
 * - payment, from the provider: pending (not yet authorized), authorized
 *   (requires capture), captured (succeeded, not all refunded), refunded
 *   (all the money returned) or cancelled;
 * - booking, from Postgres: none, authorized, confirmed, cancelled, refunded;
 * - hold, from the event's SeatRoom: open, booking, booked or ended (see
 *   `HoldPhase`);
 * - refund: whether money the provider returned (a partial refund, say from
 *   its dashboard) is recorded on the booking: none, recorded, unrecorded.
 */
import type { BookingStatus } from "../shared/db-schema";
import type { HoldPhase } from "../shared/room-protocol";
import type { PaymentIntentView } from "../payments/provider";

export type PaymentPhase = "pending" | "authorized" | "captured" | "refunded" | "cancelled";
export type BookingPhase = "none" | BookingStatus;
export type RefundPhase = "none" | "recorded" | "unrecorded";

export interface Facts {
  payment: PaymentPhase;
  booking: BookingPhase;
  hold: HoldPhase;
  refund: RefundPhase;
}

/** What each step does; the docs print these sentences. */
export const STEPS = {
  wait: "nothing yet: the fan is still paying",
  done: "nothing: the payment, its booking and the seats agree",
  cancelPayment: "cancel the payment: the authorization is released, nobody is charged",
  claimOrCancel:
    "ask the room to claim the hold's seats for booking; it checks the hold, the amount, the sale's times, and for an expired hold every rule of a reserve (free seats, the fan's limit, the waiting-room session). Refused: cancel the payment",
  bookOrCancel:
    "write the booking, its tickets and the hold's claim row in one Postgres transaction; refused by a sold ticket, by the room's fence or by a cancelled event: the room gives the claim up (through the fence) and the payment is cancelled",
  markSold: "the room marks the booking's seats sold (Postgres wins over any hold), then the booking is read again",
  capture: "capture the payment",
  confirmBooking: "the booking becomes confirmed",
  refundPayment: "refund all the money received",
  voidBooking: "the booking becomes cancelled and its tickets are released in Postgres",
  refundBooking: "the booking becomes refunded and its tickets are released in Postgres",
  recordRefund: "the booking records the amount refunded; it stays confirmed with its tickets",
  returnSeats: "the room frees the booking's seats and ends its hold",
  releaseHold: "the room ends the hold that was paying with this payment (its seats go back on sale)",
  abandonClaim: "the room gives its claim up through the Postgres fence; if the booking won the fence, nothing",
  anomaly: "log an error for an operator and change nothing: this combination should never occur",
} as const;

export type Step = keyof typeof STEPS;

export interface Transition {
  payment: readonly PaymentPhase[] | "*";
  booking: readonly BookingPhase[] | "*";
  hold: readonly HoldPhase[] | "*";
  /** Any refund state, unless a row names some. */
  refund?: readonly RefundPhase[];
  step: Step;
  why: string;
}

const NOT_BOOKED: readonly HoldPhase[] = ["open", "booking", "ended"];
const VOID: readonly BookingPhase[] = ["cancelled", "refunded"];

/** First match wins; the last row matches everything. */
export const TRANSITIONS: readonly Transition[] = [
  { payment: ["pending"], booking: ["none"], hold: ["open"], step: "wait", why: "checkout is under way" },
  { payment: ["pending"], booking: ["none"], hold: ["ended"], step: "cancelPayment", why: "the hold lapsed or was released before the card was authorized; no authorization may follow" },

  { payment: ["authorized"], booking: ["none"], hold: ["open", "ended"], step: "claimOrCancel", why: "the card is authorized: the room decides whether its seats can still be booked" },
  { payment: ["authorized"], booking: ["none"], hold: ["booking"], step: "bookOrCancel", why: "the room claimed the seats: Postgres records the sale" },
  { payment: ["authorized"], booking: ["authorized"], hold: NOT_BOOKED, step: "markSold", why: "the booking is written: the room must show its seats sold" },
  { payment: ["authorized"], booking: ["authorized"], hold: ["booked"], step: "capture", why: "booking and seats agree: take the money" },
  { payment: ["authorized"], booking: VOID, hold: "*", step: "cancelPayment", why: "the booking was voided: release the authorization" },

  { payment: ["captured"], booking: ["none"], hold: "*", step: "refundPayment", why: "money taken without a booking goes back" },
  { payment: ["captured"], booking: ["authorized"], hold: "*", step: "confirmBooking", why: "the money is taken" },
  { payment: ["captured"], booking: ["confirmed"], hold: "*", refund: ["unrecorded"], step: "recordRefund", why: "part of the money was returned at the provider: the booking records it" },
  { payment: ["captured"], booking: ["confirmed"], hold: NOT_BOOKED, step: "markSold", why: "a confirmed booking's seats are sold, whatever the room lost" },
  { payment: ["captured"], booking: ["confirmed"], hold: ["booked"], step: "done", why: "settled" },
  { payment: ["captured"], booking: VOID, hold: "*", step: "refundPayment", why: "a voided booking keeps no money" },

  { payment: ["refunded"], booking: ["none"], hold: ["open"], step: "releaseHold", why: "the money went back before anything was booked: the hold's payment is spent" },
  { payment: ["refunded"], booking: ["none"], hold: "*", step: "done", why: "the money went back; there is nothing to book" },
  { payment: ["refunded"], booking: ["authorized", "confirmed"], hold: "*", step: "refundBooking", why: "refunded at the provider (e.g. from its dashboard): the booking follows the money" },
  { payment: ["refunded"], booking: VOID, hold: ["booked", "booking"], step: "returnSeats", why: "a voided booking's seats go back on sale" },
  { payment: ["refunded"], booking: VOID, hold: "*", step: "done", why: "settled" },

  { payment: ["cancelled"], booking: ["none"], hold: ["open"], step: "releaseHold", why: "the payment was cancelled while the fan was paying" },
  { payment: ["cancelled"], booking: ["none"], hold: ["booking"], step: "abandonClaim", why: "the authorization was cancelled before its booking was written" },
  { payment: ["cancelled"], booking: ["none"], hold: ["ended"], step: "done", why: "nothing was sold and nobody was charged" },
  { payment: ["cancelled"], booking: ["authorized"], hold: "*", step: "voidBooking", why: "a booking whose payment can never be captured is void" },
  { payment: ["cancelled"], booking: VOID, hold: ["booked", "booking"], step: "returnSeats", why: "a voided booking's seats go back on sale" },
  { payment: ["cancelled"], booking: VOID, hold: "*", step: "done", why: "settled" },

  { payment: "*", booking: "*", hold: "*", step: "anomaly", why: "e.g. a confirmed booking whose payment is not captured, or a hold booked without a booking" },
];

const matches = <T>(allowed: readonly T[] | "*", value: T) => allowed === "*" || allowed.includes(value);

export function transitionFor(facts: Facts): Transition {
  const row = TRANSITIONS.find(
    (t) => matches(t.payment, facts.payment) && matches(t.booking, facts.booking) && matches(t.hold, facts.hold) && matches(t.refund ?? "*", facts.refund),
  );
  // The last row matches everything.
  return row ?? (TRANSITIONS[TRANSITIONS.length - 1] as Transition);
}

export function paymentPhase(intent: PaymentIntentView): PaymentPhase {
  switch (intent.status) {
    case "requires_capture":
      return "authorized";
    case "succeeded":
      return intent.amountReceived > 0 && intent.amountRefunded >= intent.amountReceived ? "refunded" : "captured";
    case "canceled":
      return "cancelled";
    default:
      return "pending";
  }
}

/** Whether money the provider returned is recorded on the booking (at most the booking's amount). */
export function refundPhase(intent: PaymentIntentView, booking: { refundedCents: number; amountCents: number } | undefined): RefundPhase {
  if (intent.amountRefunded === 0) return "none";
  return booking && booking.refundedCents >= Math.min(intent.amountRefunded, booking.amountCents) ? "recorded" : "unrecorded";
}

/** The table as Markdown, for docs/reliability.md. */
export function transitionsMarkdown(): string {
  const cell = (v: readonly string[] | "*") => (v === "*" ? "any" : v.join(", "));
  const rows = TRANSITIONS.map((t) => `| ${cell(t.payment)} | ${cell(t.booking)} | ${cell(t.hold)} | ${cell(t.refund ?? "*")} | \`${t.step}\` | ${t.why} |`);
  const steps = Object.entries(STEPS).map(([name, text]) => `- \`${name}\`: ${text}.`);
  return ["| payment | booking | hold | refund | step | why |", "|---|---|---|---|---|---|", ...rows, "", ...steps].join("\n");
}
