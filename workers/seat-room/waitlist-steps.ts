/**
 * The room's waitlist steps: a fan joins, reads, or leaves their entry, and
 * returned seats are offered (`offerReturned`, run by the ledger at the end
 * of every step that returned seats). The rules are in `waitlist.ts`; each
 * step decides and writes in one synchronous step, storage first.
 */
import { newHoldId } from "../../src/shared/ids";
import { log } from "../../src/shared/log";
import type { Rejection, WaitlistJoin, WaitlistJoinOutcome, WaitlistLeaveOutcome, WaitlistView } from "../../src/shared/room-protocol";
import { addHold, isLive } from "./rules";
import type { SeatLedger } from "./seat-ledger";
import * as store from "./storage";
import { entryView, isActive, offerHold, planJoin, planOffers, type WaitlistEntry } from "./waitlist";

/** Offer passes one return may need: ending a lapsed holder of an offered seat can return more seats. */
const MAX_ROUNDS = 4;

const notOnList: Rejection = { kind: "rejected", status: 404, detail: "you are not on this event's waitlist" };

function view(ledger: SeatLedger, entry: WaitlistEntry, now: number): WaitlistView {
  const hold = entry.holdId ? ledger.find(entry.holdId) : undefined;
  const { catalog } = ledger.state;
  return entryView(entry, hold, entry.state === "waiting" ? ledger.waitlist.position(entry) : null, now, catalog.cancelled || now >= catalog.startsAt);
}

/** A fan joins (or asks again for what they wait for: the same entry). */
export function joinWaitlist(ledger: SeatLedger, request: WaitlistJoin, now: number): WaitlistJoinOutcome {
  const { waitlist } = ledger;
  const plan = planJoin(ledger.state, waitlist.entry(request.userId), request, waitlist.nextSeq(), now);
  if (plan.kind === "rejected") return plan;
  if (plan.kind === "join") {
    ledger.transact(() => waitlist.join(plan.entry));
    log("info", "waitlist_joined", { eventId: request.eventId, userId: request.userId, quantity: request.quantity, section: request.section?.name ?? null });
  }
  return { kind: plan.kind === "join" ? "joined" : "already", entry: view(ledger, plan.entry, now) };
}

/** The fan's entry, or null if they never joined. */
export function waitlistEntry(ledger: SeatLedger, userId: string, now: number): WaitlistView | null {
  const entry = ledger.waitlist.entry(userId);
  return entry ? view(ledger, entry, now) : null;
}

/**
 * The fan leaves: a waiting entry ends; an offer's hold is released with it
 * and its seats go to the next fan (or the public). Leaving an ended entry
 * changes nothing; an offer whose payment is being completed cannot be left.
 */
export function leaveWaitlist(ledger: SeatLedger, userId: string, now: number): WaitlistLeaveOutcome {
  const entry = ledger.waitlist.entry(userId);
  if (!entry) return notOnList;
  if (!isActive(entry)) return { kind: "left", entry: view(ledger, entry, now) };
  const hold = entry.holdId ? ledger.state.holds.get(entry.holdId) : undefined;
  if (hold?.state === "booking") return { kind: "rejected", status: 409, detail: "your payment for the offered seats is being completed" };
  ledger.transact(() => {
    ledger.waitlist.leave(entry, now);
    if (hold && entry.state === "offered") ledger.endHold(hold, isLive(hold, now) ? "released" : "expired", "waitlist_left", now);
  });
  ledger.offerReturns(now);
  log("info", "waitlist_left", { eventId: ledger.state.catalog.eventId, userId, released: hold?.id ?? null });
  return { kind: "left", entry: view(ledger, ledger.waitlist.entry(userId) ?? entry, now) };
}

/**
 * Seats came back: the waiting fans they fit get them, in join order, each
 * as a hold in their name, written in one transaction and logged as `held`
 * (so the live map never shows them free). Returns how many were offered.
 */
export function offerReturned(ledger: SeatLedger, now: number): number {
  const { state, waitlist } = ledger;
  let offered = 0;
  for (let round = 0; round < MAX_ROUNDS && waitlist.hasWaiting; round++) {
    const plans = planOffers(state, waitlist.waitingInOrder(), now);
    if (plans.length === 0) break;
    const holds = plans.map((plan) => offerHold(state, plan, newHoldId(state.catalog.eventId), now, waitlist.offerMs));
    ledger.transact(() => {
      for (const hold of holds) {
        ledger.clearStaleHolders(hold.seats, now);
        store.writeHold(ledger.sql, hold);
        ledger.record({ at: now, holdId: hold.id, kind: "offered", status: "held", seats: hold.seats });
        waitlist.offered(hold, now);
      }
    });
    for (const hold of holds) {
      addHold(state, hold);
      log("info", "waitlist_offered", { eventId: state.catalog.eventId, holdId: hold.id, userId: hold.userId, seats: hold.seats.length, expiresAt: hold.expiresAt });
    }
    offered += holds.length;
    // Seats freed by ending a lapsed holder of an offered seat are offered in the next round.
    if (!ledger.takeReturned()) break;
  }
  return offered;
}
