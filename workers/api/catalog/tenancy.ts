/**
 * Tenancy, in one place. Every venue, performer and event has an `org_id`;
 * a staff token acts for one organization (auth.ts), a platform admin for
 * any. Every organizer route loads what it acts on through these helpers,
 * which answer 404 for another org's row exactly as for a missing one, so
 * ids cannot be probed across orgs. Rows that reference each other (an
 * event, its venue and its performer) always belong to one org.
 */
import type { Context } from "hono";
import { and, eq, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { bookings, events, organizations } from "../../../src/shared/db-schema";
import type { AppEnv, Database, User } from "../env";
import { notFound } from "../problem";

/** The demo catalog's organization (seeded), which "continue as demo organizer" signs in to. */
export const DEMO_ORG = "demo";

export type EventRow = typeof events.$inferSelect;
export type BookingRow = typeof bookings.$inferSelect;

/** Who acts, for which org. Only behind `requireRole`, which guarantees the org. */
export interface Acting {
  userId: string;
  org: string;
  /** A platform admin may act on any org's rows. */
  admin: boolean;
}

export function acting(user: User): Acting {
  if (!user.org) throw new Error("acting() runs only behind requireRole, which guarantees an org");
  return { userId: user.id, org: user.org, admin: user.roles.includes("admin") };
}

/** The condition "this row is the acting org's" on a table's org column (none for an admin). */
export function ownedBy(who: Acting, orgColumn: PgColumn): SQL | undefined {
  return who.admin ? undefined : eq(orgColumn, who.org);
}

/** The org's row exists before its first catalog write (rows reference it). Cheap and idempotent. */
export async function joinOrganization(db: Database, who: Acting): Promise<void> {
  const name = who.org.startsWith("user:") ? who.userId : who.org;
  await db.insert(organizations).values({ id: who.org, name }).onConflictDoNothing();
}

/** The event, if the acting org may manage it; 404 otherwise (as for an id that is no event). */
export async function ownedEvent(c: Context<AppEnv>, eventId: string): Promise<EventRow> {
  const who = acting(c.var.user);
  const [event] = await c.var
    .db()
    .select()
    .from(events)
    .where(and(eq(events.id, eventId), ownedBy(who, events.orgId)));
  if (!event) throw notFound(`no event with id ${eventId}`);
  return event;
}

/** A booking of one of the acting org's events; 404 otherwise. */
export async function ownedBooking(c: Context<AppEnv>, bookingId: string): Promise<{ booking: BookingRow; event: EventRow }> {
  const who = acting(c.var.user);
  const [row] = await c.var
    .db()
    .select({ booking: bookings, event: events })
    .from(bookings)
    .innerJoin(events, eq(events.id, bookings.eventId))
    .where(and(eq(bookings.id, bookingId), ownedBy(who, events.orgId)));
  if (!row) throw notFound(`no booking with id ${bookingId}`);
  return row;
}
