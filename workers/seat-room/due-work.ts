/**
 * The alarm's payment work: every payment in `payments_due` whose time has
 * come is settled through the booking lifecycle, with the room itself as the
 * lifecycle's room (its public steps, each re-checking the room's stored
 * state, so nothing decided before an await is trusted after it). A claim
 * whose booking did not arrive in its window and still cannot be settled is
 * given up through the Postgres fence. Failures are retried with backoff.
 */
import { releaseClaim, settlePayment, type LifecycleContext, type RoomSteps } from "../../src/lifecycle/settle";
import { mailer } from "../../src/mail/outbox";
import { paymentProvider } from "../../src/payments/provider";
import { openSession } from "../../src/shared/database";
import { log } from "../../src/shared/log";
import { dueHolds } from "./rules";
import type { SeatLedger } from "./seat-ledger";
import * as store from "./storage";

/** Payments settled per alarm run; the rest wait for the next run, at once. */
const SETTLE_BATCH = 25;
const RETRY_BASE_MS = 15_000;
const RETRY_MAX_MS = 10 * 60_000;

export async function settleDuePayments(env: Env, ledger: SeatLedger, room: RoomSteps, clock: () => number): Promise<void> {
  const { sql, state } = ledger;
  const eventId = state.catalog.eventId;
  // Claims past their window whose booking has not arrived: settle them now (a retry keeps its backoff).
  const now = clock();
  for (const hold of dueHolds(state, now)) {
    if (hold.state === "booking" && hold.paymentIntentId) store.schedulePaymentOnce(sql, hold.paymentIntentId, hold.id, now);
  }
  const due = store.duePayments(sql, now, SETTLE_BATCH);
  if (due.length === 0) return;
  const session = openSession(env);
  const ctx: LifecycleContext = { db: session.db, provider: paymentProvider(env, session.db), room: () => room, requestId: `alarm:${eventId}`, mail: mailer(env) };
  try {
    for (const work of due) {
      let settled = false;
      try {
        settled = (await settlePayment(ctx, work.paymentIntentId)).outcome !== "pending";
      } catch (error) {
        log("warn", "settle_failed", { eventId, holdId: work.holdId, paymentIntentId: work.paymentIntentId, attempts: work.attempts + 1, message: String(error) });
      }
      // Re-read after the awaits: a claim still waiting for its booking past its window is let go through the fence.
      const hold = state.holds.get(work.holdId);
      if (hold?.state === "booking" && hold.expiresAt <= clock()) {
        try {
          const won = await releaseClaim(ctx, { paymentIntentId: work.paymentIntentId, eventId, holdId: work.holdId }, "the booking did not arrive in its window");
          log("warn", "claim_fenced", { eventId, holdId: work.holdId, paymentIntentId: work.paymentIntentId, won });
        } catch (error) {
          log("warn", "fence_failed", { eventId, holdId: work.holdId, message: String(error) });
        }
        settled = false;
      }
      if (settled) store.settledPayment(sql, work.paymentIntentId);
      else store.retryPayment(sql, work.paymentIntentId, clock() + Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** work.attempts));
    }
  } finally {
    await session.end();
  }
}
