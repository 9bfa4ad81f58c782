/**
 * The cancellation job: a Cloudflare Workflow that refunds every booking of
 * a cancelled event, in batches (a Workflow has a step limit: 50,000
 * bookings are 500 steps), each batch one step whose refunds are idempotent
 * (`payments/refund-booking.ts`, the path of the organizer's refund), so a
 * retried or repeated step refunds nothing twice. A step that fails (the
 * provider or Postgres unreachable) is retried with backoff; an instance
 * that gives up, or that stops moving (locally, an instance in flight does
 * not resume after `wrangler dev` restarts), is replaced by the event's
 * SeatRoom, whose alarm watches the job until it is done.
 *
 * A pass walks the bookings that still owe money in id order; bookings
 * being paid for when the sale stopped become confirmed (or void) shortly,
 * so the job passes again after a pause until none is left.
 */
import { WorkflowEntrypoint, type WorkflowEvent, type WorkflowStep, type WorkflowStepConfig } from "cloudflare:workers";
import { bookingsToRefund, CANCELLATION_ACTOR, finishCancellation, instanceId, noteProgress, type CancellationParams } from "../../../src/lifecycle/cancellation";
import { withSession } from "../../../src/shared/database";
import { step } from "../../../src/shared/log";
import { refundBooking } from "../payments/refund-booking";
import { seatRoom } from "../rooms";

/**
 * Bookings per step, and refunds in flight at once within it: as many as the
 * step's Postgres pool has connections (src/shared/neon.ts). More gain
 * nothing, and on the embedded database, which runs one transaction at a
 * time, refunds queued behind a full pool stalled the step.
 */
const BATCH = 100;
const PARALLEL = 4;
const MAX_PASSES = 20;

const STEP: WorkflowStepConfig = { retries: { limit: 5, delay: "5 seconds", backoff: "exponential" }, timeout: "10 minutes" };

export class CancellationWorkflow extends WorkflowEntrypoint<Env, CancellationParams> {
  override async run(event: Readonly<WorkflowEvent<CancellationParams>>, step: WorkflowStep): Promise<{ passes: number; refunded: number }> {
    const { eventId } = event.payload;
    let refunded = 0;
    for (let pass = 0; pass < MAX_PASSES; pass++) {
      let after = "";
      for (let batch = 0; ; batch++) {
        const done = await step.do(`pass ${pass} batch ${batch}`, STEP, () => refundBatch(this.env, event.payload, after));
        refunded += done.refunded;
        if (done.last === null) break;
        after = done.last;
      }
      const left = await step.do(`pass ${pass} finish`, STEP, () => withSession(this.env, (db) => finishCancellation(db(), eventId)));
      if (left === 0) return { passes: pass + 1, refunded };
      // Bookings still being paid for settle within a few minutes.
      await step.sleep(`pass ${pass} pause`, "30 seconds");
    }
    throw new Error(`event ${eventId}: bookings still owed money after ${MAX_PASSES} passes`);
  }
}

/** One step: refunds the next bookings after `after`; `last` is null when the pass is through. */
async function refundBatch(env: Env, params: CancellationParams, after: string): Promise<{ last: string | null; refunded: number }> {
  const started = Date.now();
  return withSession(env, async (db) => {
    const due = await bookingsToRefund(db(), params.eventId, after, BATCH);
    const requestId = instanceId(params.eventId, params.generation);
    const room = seatRoom(env, params.eventId);
    for (let i = 0; i < due.length; i += PARALLEL) {
      await Promise.all(
        due.slice(i, i + PARALLEL).map((booking) =>
          refundBooking({ env, db, requestId, room }, booking, { seats: undefined, reason: `event cancelled: ${params.reason}`, restock: true, requestedBy: CANCELLATION_ACTOR }),
        ),
      );
    }
    await noteProgress(db(), params.eventId);
    if (due.length > 0) step(env, { step: "job.cancellation", eventId: params.eventId, requestId, bookings: due.length, outcome: "refunded", durationMs: Date.now() - started });
    const last = due.length === BATCH ? (due[due.length - 1]?.id ?? null) : null;
    return { last, refunded: due.length };
  });
}
