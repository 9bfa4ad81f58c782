/**
 * The audit of mid-sale controls and event changes, kept in Postgres: who,
 * when, why, and the state before and after. Written by the operations
 * themselves (operations.ts), one row per action: the row is written before
 * the action (so an action is never done unrecorded) and completed with
 * what it changed, or with its failure; completing it sets its time to when
 * the action took effect, so the newest row tells the state things are in.
 */
import { and, desc, eq, lt, or, sql } from "drizzle-orm";
import { opsAudit } from "../../../src/shared/db-schema";
import { newId } from "../../../src/shared/ids";
import { log } from "../../../src/shared/log";
import type { AuditAction, AuditEntry } from "../../../src/shared/ops";
import type { Database, ReadDatabase } from "../env";
import type { EventRow } from "../catalog/tenancy";
import { Problem } from "../problem";

export interface Actor {
  userId: string;
  requestId: string;
}

export interface Change<T> {
  before: unknown;
  after: unknown;
  result: T;
}

/** Runs `action` under an audit row: written first, then completed with the change (or the failure). */
export async function audited<T>(db: () => Database, event: Pick<EventRow, "id" | "orgId">, actor: Actor, action: AuditAction, reason: string | null, run: () => Promise<Change<T>>): Promise<T> {
  const id = newId("au");
  await db().insert(opsAudit).values({ id, eventId: event.id, orgId: event.orgId, action, actor: actor.userId, reason, requestId: actor.requestId, after: { state: "started" } });
  let change: Change<T>;
  try {
    change = await run();
  } catch (error) {
    // What the organizer was told; an internal error's message stays in the logs, under the request id.
    const message = error instanceof Problem ? error.detail : `internal error (request ${actor.requestId})`;
    await complete(db, id, { before: null, after: { state: "failed", message } });
    throw error;
  }
  await complete(db, id, { before: change.before ?? null, after: change.after ?? null });
  log("info", "ops_audited", { requestId: actor.requestId, eventId: event.id, auditId: id, action, userId: actor.userId });
  return change.result;
}

/** The second write: the action is done whether or not it lands (the row then says "started", and the log has it). */
async function complete(db: () => Database, id: string, values: { before: unknown; after: unknown }): Promise<void> {
  try {
    await db()
      .update(opsAudit)
      .set({ ...values, at: sql`now()` })
      .where(eq(opsAudit.id, id));
  } catch (error) {
    log("error", "ops_audit_incomplete", { auditId: id, message: String(error) });
  }
}

/** The event's audit, newest first; `before` is a cursor (an entry's `at` and `id`) for the next page. */
export async function auditOf(read: ReadDatabase, eventId: string, limit: number, before?: { at: Date; id: string }): Promise<AuditEntry[]> {
  const rows = await read
    .select()
    .from(opsAudit)
    .where(and(eq(opsAudit.eventId, eventId), before ? or(lt(opsAudit.at, before.at), and(eq(opsAudit.at, before.at), lt(opsAudit.id, before.id))) : undefined))
    .orderBy(desc(opsAudit.at), desc(opsAudit.id))
    .limit(limit);
  return rows.map((r) => ({
    id: r.id,
    eventId: r.eventId,
    action: r.action as AuditAction,
    actor: r.actor,
    at: r.at.toISOString(),
    reason: r.reason,
    before: r.before,
    after: r.after,
    requestId: r.requestId,
  }));
}
