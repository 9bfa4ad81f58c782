/**
 * The watchdog of a cancelled event's refund job, run by the event's
 * SeatRoom alarm until the job is done: a job instance that errored, was
 * terminated, is missing, or has not moved for STALL_SECONDS (locally, an
 * instance in flight does not resume after `wrangler dev` restarts) is
 * replaced by the next generation. Starting a generation is a
 * compare-and-set in Postgres, so two watchers never both start one.
 */
import { readCancellation, startCancellationJob, takeGeneration, instanceId } from "../../src/lifecycle/cancellation";
import { withSession } from "../../src/shared/database";
import { log } from "../../src/shared/log";

/** How often the alarm looks, and how long a job may go without progress. */
export const WATCH_EVERY_MS = 60_000;
const STALL_SECONDS = 180;
const GONE = new Set(["errored", "terminated", "unknown", "missing"]);

/** Looks at the job once; true while the cancellation is not done (watch again). A failed look is retried on the next alarm. */
export async function watchCancellation(env: Env, eventId: string): Promise<boolean> {
  try {
    return await lookAtJob(env, eventId);
  } catch (error) {
    log("warn", "cancellation_watch_failed", { eventId, message: String(error) });
    return true;
  }
}

async function lookAtJob(env: Env, eventId: string): Promise<boolean> {
  return withSession(env, async (db) => {
    const row = await readCancellation(db(), eventId);
    if (!row) return false;
    if (row.status === "done") return false;
    const status = await jobStatus(env, instanceId(eventId, row.generation));
    // A complete instance whose row is not done left bookings behind (they were still being paid for).
    const restart = GONE.has(status) || status === "complete" || row.idleSeconds > STALL_SECONDS;
    if (restart && (await takeGeneration(db(), eventId, row.generation))) {
      log("warn", "cancellation_job_restarted", { eventId, from: row.generation, status, idleSeconds: Math.round(row.idleSeconds) });
      await startCancellationJob(env, { eventId, generation: row.generation + 1, reason: row.reason });
    }
    return true;
  });
}

async function jobStatus(env: Env, id: string): Promise<string> {
  try {
    return (await (await env.CANCELLATION.get(id)).status()).status;
  } catch {
    return "missing";
  }
}
