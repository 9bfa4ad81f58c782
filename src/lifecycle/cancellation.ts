/**
 * An event's cancellation, in Postgres and in the Workflow that carries it
 * out. Cancelling marks the event cancelled and its waiting room closed, and
 * writes the `event_cancellations` row, in one transaction; the job (a
 * Cloudflare Workflow instance, `cancel-<eventId>-<generation>`) then
 * refunds every booking in batches of idempotent steps, noting its progress
 * after each, and marks the row done once no booking is left to refund.
 *
 * Anyone may start the next generation of the job (the event's SeatRoom
 * does, when an instance errored or stopped moving): a compare-and-set on
 * `generation` lets one caller win, and two instances running at once are
 * harmless, because refunding a booking is idempotent.
 */
import { and, eq, sql } from "drizzle-orm";
import { bookings, eventCancellations, events, refunds, type CancellationStatus } from "../shared/db-schema";
import type { Database } from "../shared/database";
import { log } from "../shared/log";

/** Who the job's refunds are requested by (in the refunds table and its blocks). */
export const CANCELLATION_ACTOR = "event-cancellation";

export interface CancellationParams {
  eventId: string;
  generation: number;
  reason: string;
}

/** A Workflow instance id: letters, digits, - and _ only, at most 64 characters. */
export const instanceId = (eventId: string, generation: number) => `cancel-${eventId}-${generation}`;

export type CancellationRow = typeof eventCancellations.$inferSelect;

/** Marks the event cancelled (its queue closed) and writes its cancellation; `created` is false when it was cancelled already. */
export async function beginCancellation(db: Database, input: { eventId: string; reason: string; requestedBy: string }): Promise<{ row: CancellationRow; created: boolean }> {
  return db.transaction(async (tx) => {
    await tx
      .update(events)
      .set({ status: "cancelled", queue: sql`${events.queue} || '{"closed": true}'::jsonb`, updatedAt: new Date() })
      .where(eq(events.id, input.eventId));
    const [created] = await tx.insert(eventCancellations).values(input).onConflictDoNothing().returning();
    if (created) return { row: created, created: true };
    const [existing] = await tx.select().from(eventCancellations).where(eq(eventCancellations.eventId, input.eventId));
    if (!existing) throw new Error(`event ${input.eventId} has no cancellation after writing one`);
    return { row: existing, created: false };
  });
}

export async function readCancellation(db: Database, eventId: string): Promise<(CancellationRow & { idleSeconds: number }) | undefined> {
  const [row] = await db
    .select({ row: eventCancellations, idleSeconds: sql<number>`extract(epoch from now() - ${eventCancellations.progressAt})::float8` })
    .from(eventCancellations)
    .where(eq(eventCancellations.eventId, eventId));
  return row ? { ...row.row, idleSeconds: row.idleSeconds } : undefined;
}

/** The job moved: the watchdog judges a stall from this. */
export async function noteProgress(db: Database, eventId: string): Promise<void> {
  await db.update(eventCancellations).set({ progressAt: sql`now()` }).where(eq(eventCancellations.eventId, eventId));
}

/** Takes the next generation if it is still `from`; true for the one caller that wins. */
export async function takeGeneration(db: Database, eventId: string, from: number): Promise<boolean> {
  const moved = await db
    .update(eventCancellations)
    .set({ generation: from + 1, progressAt: sql`now()` })
    .where(and(eq(eventCancellations.eventId, eventId), eq(eventCancellations.generation, from), eq(eventCancellations.status, "cancelling")))
    .returning({ generation: eventCancellations.generation });
  return moved.length > 0;
}

/** A confirmed booking still owes its fan money: live tickets, or a refund not yet made. */
const owesRefund = sql`${bookings.status} = 'confirmed' and (
  exists (select 1 from booked_tickets t where t.booking_id = ${bookings.id} and not t.released)
  or exists (select 1 from refunds r where r.booking_id = ${bookings.id} and r.status = 'pending'))`;

/** The next bookings to refund, in id order after `after`. */
export async function bookingsToRefund(db: Database, eventId: string, after: string, limit: number) {
  return db
    .select({ id: bookings.id, eventId: bookings.eventId, paymentIntentId: bookings.paymentIntentId })
    .from(bookings)
    .where(and(eq(bookings.eventId, eventId), sql`${bookings.id} > ${after}`, owesRefund))
    .orderBy(bookings.id)
    .limit(limit);
}

/**
 * Marks the cancellation done when no booking is left to refund (nor being
 * paid for: an authorized booking becomes confirmed, or void, shortly);
 * returns how many are left.
 */
export async function finishCancellation(db: Database, eventId: string): Promise<number> {
  const [left] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(bookings)
    .where(and(eq(bookings.eventId, eventId), sql`(${owesRefund} or ${bookings.status} = 'authorized')`));
  const remaining = left?.n ?? 0;
  if (remaining === 0) {
    await db
      .update(eventCancellations)
      .set({ status: "done", finishedAt: sql`now()`, progressAt: sql`now()` })
      .where(and(eq(eventCancellations.eventId, eventId), eq(eventCancellations.status, "cancelling")));
    log("info", "cancellation_done", { eventId });
  }
  return remaining;
}

export interface CancellationProgress {
  status: CancellationStatus;
  reason: string;
  requestedAt: string;
  finishedAt: string | null;
  /** Bookings the cancellation concerns: refunded by it, failed, or still to refund. */
  bookings: number;
  refunded: number;
  failed: number;
}

/** Where the cancellation stands, counted from the records (never from counters a retried step could double). */
export async function cancellationProgress(db: Database, eventId: string): Promise<CancellationProgress | undefined> {
  const row = await readCancellation(db, eventId);
  if (!row) return undefined;
  const result = await db.execute<{ refunded: number; failed: number; left: number }>(sql`
    select
      (select count(distinct booking_id)::int from ${refunds} where event_id = ${eventId} and requested_by = ${CANCELLATION_ACTOR} and status = 'succeeded') as refunded,
      (select count(distinct booking_id)::int from ${refunds} r where event_id = ${eventId} and requested_by = ${CANCELLATION_ACTOR} and status = 'failed'
         and not exists (select 1 from ${refunds} s where s.booking_id = r.booking_id and s.requested_by = ${CANCELLATION_ACTOR} and s.status = 'succeeded')) as failed,
      (select count(*)::int from ${bookings} where event_id = ${eventId} and (${owesRefund} or status = 'authorized')) as left`);
  const counts = result.rows[0] ?? { refunded: 0, failed: 0, left: 0 };
  return {
    status: row.status,
    reason: row.reason,
    requestedAt: row.requestedAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
    bookings: counts.refunded + counts.failed + counts.left,
    refunded: counts.refunded,
    failed: counts.failed,
  };
}

/** Starts instance `generation` of the job; an instance that exists already is left running. */
export async function startCancellationJob(env: Env, params: CancellationParams): Promise<void> {
  const id = instanceId(params.eventId, params.generation);
  try {
    await env.CANCELLATION.create({ id, params });
    log("info", "cancellation_job_started", { eventId: params.eventId, generation: params.generation, instanceId: id });
  } catch (error) {
    // Deployed Workflows refuse an id that exists (locally it is returned): that instance is the job.
    log("warn", "cancellation_job_exists", { eventId: params.eventId, instanceId: id, message: String(error) });
  }
}
