/**
 * What a hold costs and which code it may use: the room prices every seat
 * all in (src/shared/pricing.ts) with the event's fees and a promo's
 * discount, and counts each code's uses so a code with N uses is used at
 * most N times (the uses of live holds are reserved, booked ones spent).
 * Pure: the ledger reads the count from the room's storage.
 */
import { chargeFor, NO_FEES, type TicketCharge } from "../../src/shared/pricing";
import type { CodeGrant, HoldCode, Rejection } from "../../src/shared/room-protocol";
import type { Catalog, RoomState } from "./rules";

const inRuns = (seat: number, runs: [number, number][]): boolean => runs.some(([first, count]) => seat >= first && seat < first + count);

/** Each seat's price, with the code's discount where it applies. */
export function chargesFor(state: RoomState, seats: readonly number[], code: CodeGrant | null | undefined): TicketCharge[] {
  const fees = state.catalog.fees ?? NO_FEES;
  return seats.map((seat) => {
    const discount = code?.discount && (code.seatRuns === null || inRuns(seat, code.seatRuns)) ? code.discount : null;
    return { seat, ...chargeFor(state.prices[seat] ?? 0, fees, discount) };
  });
}

/** Whether a code may be used now, `used` times already (the fan's hold being replaced left out). */
export function codeRule(code: CodeGrant, used: number, now: number): Rejection | undefined {
  if (code.startsAt !== null && now < code.startsAt) return { kind: "rejected", status: 409, detail: `the code ${code.code} is valid from ${new Date(code.startsAt).toISOString()}` };
  if (code.endsAt !== null && now >= code.endsAt) return { kind: "rejected", status: 409, detail: `the code ${code.code} has expired` };
  if (used >= code.maxUses) return { kind: "rejected", status: 409, detail: `the code ${code.code} has been used as many times as it may be` };
  return undefined;
}

/** The event's code a fan typed, if it has it (disabled codes are not loaded). */
export const findCode = (catalog: Catalog, text: string): CodeGrant | undefined => catalog.codes?.find((c) => c.code === text);

/**
 * The smallest and largest amount one card payment may be, in minor units:
 * Stripe's limits (50 cents in USD and EUR, ¥50; at most 99,999,999 in
 * most currencies), the same for every currency to keep one rule. A hold is
 * paid by card, so a hold outside them could never be paid.
 */
export const MIN_CHARGE_CENTS = 50;
export const MAX_CHARGE_CENTS = 99_999_999;

/** Whether a hold of this total can be paid by card. */
export function payableRule(totalCents: number): Rejection | undefined {
  if (totalCents < MIN_CHARGE_CENTS) return { kind: "rejected", status: 422, detail: "these tickets cost less than the smallest card payment; add tickets or choose others" };
  if (totalCents > MAX_CHARGE_CENTS) return { kind: "rejected", status: 422, detail: "these tickets cost more than one card payment may; hold fewer tickets" };
  return undefined;
}

/** A presale code opens the sale before its on-sale time (and stands in for the waiting room's admission until then). */
export const isPresale = (code: HoldCode | null | undefined): boolean => code?.kind === "presale";

/** The code as a hold keeps it. */
export const holdCode = (code: CodeGrant | null | undefined): HoldCode | null => (code ? { id: code.id, code: code.code, kind: code.kind } : null);
