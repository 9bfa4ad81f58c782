/**
 * A fan who booked or gave up their seats is done shopping: their
 * waiting-room session ends here (its admission no longer holds seats), and
 * their slot in the waiting room goes to the next fan.
 */
import { log } from "../../src/shared/log";
import type { Trace } from "../../src/shared/room-protocol";
import type { SeatLedger } from "./seat-ledger";
import * as store from "./storage";

export async function freeQueueSlot(env: Env, ledger: SeatLedger, userId: string, reason: "booked" | "released", now: number, trace?: Trace): Promise<void> {
  const { state } = ledger;
  if (!state.catalog.queueEnabled) return;
  const ended = store.endSession(ledger.sql, userId, now);
  if (ended) state.endedSessions.add(ended);
  try {
    await env.QUEUE_ROOM.getByName(state.catalog.eventId).leave(state.catalog.eventId, userId, reason, trace);
  } catch (error) {
    // The slot frees itself when the session lapses.
    log("warn", "queue_leave_failed", { eventId: state.catalog.eventId, userId, message: String(error) });
  }
}
